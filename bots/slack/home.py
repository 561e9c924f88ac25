"""The app's Home tab: the learner's progress, their last five interviews and a Start button per role.

Published when the person opens the tab (app_home_opened) and again after each of their scorecards. A Start click
opens the interview in the person's DM with the app, as `/mock-interview ROLE` typed there would. The DM's id comes
with app_home_opened; a tab refreshed after a scorecard elsewhere does not know it, and finds it at the click.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bots.slack import render
from bots.slack.inbound import PLATFORM
from core.interview.progress import progress_markdown
from core.interview.service import InterviewService

log = logging.getLogger(__name__)

HOME_PREFIX = "mi-home:"  # "mi-home:start:<role id>", its value the person's DM channel with the app
RECENT = 5


async def home_view(service: InterviewService, *, team: str, user: str, dm_channel: str) -> dict[str, Any]:
    """The Home tab of one person: progress, their last interviews in this workspace, and the Start buttons."""
    titles = service.catalog.titles
    progress = await service.progress(user_id=user, platform=PLATFORM)
    rows = await service.history(user_id=user, platform=PLATFORM, workspace_id=team, limit=RECENT)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Mock Interview Coach"}},
        *render.text_blocks(render.mrkdwn(progress_markdown(progress, titles))),
        {"type": "divider"},
        render.section("*Your last interviews*\n" + render.history_text(rows, titles)),
    ]
    blocks += [
        {"type": "divider"},
        render.section("*Start an interview* (it runs in your messages with me)"),
        *_start_buttons(titles, dm_channel),
    ]
    return {"type": "home", "blocks": blocks}


async def publish_home(
    client: AsyncWebClient, service: InterviewService, *, team: str, user: str, dm_channel: str = ""
) -> None:
    """Publish (or refresh) a person's Home tab; a failure is logged, never raised: the tab is a convenience."""
    try:
        view = await home_view(service, team=team, user=user, dm_channel=dm_channel)
        await client.views_publish(user_id=user, view=view)
    except SlackApiError as exc:
        log.info("could not publish the Home tab: %s", exc.response.get("error"))


def parse_start(action: dict[str, Any]) -> tuple[str, str] | None:
    """(role id, DM channel or "" when the view did not know it) of a Start click on the Home tab, else None."""
    action_id = str(action.get("action_id") or "")
    if not action_id.startswith(HOME_PREFIX + "start:"):
        return None
    role, channel = action_id.removeprefix(HOME_PREFIX + "start:"), str(action.get("value") or "")
    return (role, channel if channel.startswith("D") else "") if role else None


async def dm_channel_of(client: AsyncWebClient, user: str, text: str) -> str | None:
    """The person's DM channel with the app, found by posting text there: Slack takes a user id as the channel of
    chat.postMessage and answers with the DM's id (conversations.open would need the im:write scope)."""
    try:
        response = await client.chat_postMessage(channel=user, text=text)
    except SlackApiError as exc:
        log.info("could not post in a person's DM with the app: %s", exc.response.get("error"))
        return None
    channel = response.get("channel")
    return channel if isinstance(channel, str) and channel else None


def _start_buttons(titles: dict[str, str], dm_channel: str) -> list[dict[str, Any]]:
    """Actions blocks of Start buttons, one per role (five to a block, so each row stays readable)."""
    buttons = [
        {
            "type": "button",
            "action_id": f"{HOME_PREFIX}start:{role}",
            "text": {"type": "plain_text", "text": title[:75]},
            "value": dm_channel,
        }
        for role, title in titles.items()
    ]
    return [
        {"type": "actions", "block_id": f"mi-home-start-{n}", "elements": buttons[n : n + 5]}
        for n in range(0, len(buttons), 5)
    ]
