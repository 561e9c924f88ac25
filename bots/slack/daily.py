"""The daily question's settings on Slack: `/mock-interview daily on [ROLE] [HH:MM]` anywhere, or `daily ...` typed in
the person's DM with the app. The questions come to that DM (the sweeper sends them; bots/slack/recovery.py) and
are answered there, at its top level, by text or an audio clip.

The time zone is the one in the person's Slack profile (users.info, the users:read scope) unless they give `tz=`;
without either the core takes UTC and says so.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bots.slack import render
from bots.slack.home import dm_channel_of
from core.domain.daily import DailyAction, DailyProblem, DailyRequest, is_zone
from core.domain.models import ConversationRef
from core.interview.service import InterviewService

log = logging.getLogger(__name__)

COMES_HERE = "Your daily question will come here, in our messages: answer it right here, typed or as a clip."
CANNOT_DM = "I can't post in our messages, so a daily question could not reach you. Open the app's Messages tab once."


async def profile_zone(client: AsyncWebClient, user: str) -> str | None:
    """The time zone of the person's Slack profile, or None (no users:read scope, an unknown zone)."""
    try:
        response = await client.users_info(user=user)
    except SlackApiError as exc:
        log.info("could not read a person's time zone: %s", exc.response.get("error"))
        return None
    profile = response.get("user")
    zone = profile.get("tz") if isinstance(profile, dict) else None
    return zone if isinstance(zone, str) and is_zone(zone) else None


async def change_daily(
    service: InterviewService,
    parsed: DailyRequest | DailyProblem,
    *,
    client: AsyncWebClient,
    place: ConversationRef,
    tell: Callable[[str], Awaitable[None]],
) -> None:
    """Turn the person's daily question on or off, or tell them when it comes. place: where they asked, as them."""
    if isinstance(parsed, DailyProblem):
        await tell(parsed.message)
        return
    zone = None
    if parsed.action is DailyAction.ON:
        if not place.channel_id.startswith("D"):  # asked in a channel: the questions go to the DM all the same
            if problem := await service.daily_problem(place, parsed):  # asked first: nothing posted there for nothing
                await tell(render.defuse(problem))
                return
            dm = await dm_channel_of(client, place.user_id, COMES_HERE)
            if dm is None:
                await tell(CANNOT_DM)
                return
            place = dataclasses.replace(place, channel_id=dm, thread_id=None)
        zone = parsed.zone or await profile_zone(client, place.user_id)
    await tell(render.defuse(await service.daily(place, parsed, zone=zone)))
