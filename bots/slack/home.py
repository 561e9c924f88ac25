"""The app's Home tab: the learner's progress with its chart, their last five interviews and a Start button per role.

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
from core.interview.charts import progress_alt
from core.interview.progress import Progress, progress_markdown
from core.interview.service import InterviewService

log = logging.getLogger(__name__)

HOME_PREFIX = "mi-home:"  # "mi-home:start:<role id>", its value the person's DM channel with the app
RECENT = 5


# (workspace, person) -> (the scores the chart shows, its file id): a chart is uploaded again only when they change.
# Per process: after a restart, or on another worker, the first drawing of a tab uploads it once more.
_TREND_FILES: dict[tuple[str, str], tuple[str, str]] = {}


async def home_view(
    service: InterviewService, *, team: str, user: str, dm_channel: str, client: AsyncWebClient | None = None
) -> dict[str, Any]:
    """The Home tab of one person: progress (with the trend chart, given a client to upload it), their last
    interviews in this workspace, and the Start buttons."""
    titles = service.catalog.titles
    progress = await service.progress(user_id=user, platform=PLATFORM)
    rows = await service.history(user_id=user, platform=PLATFORM, workspace_id=team, limit=RECENT)
    trend = await _trend_image(client, service, progress, team=team, user=user) if client is not None else None
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Mock Interview Coach"}},
        *([trend] if trend else []),
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
        view = await home_view(service, team=team, user=user, dm_channel=dm_channel, client=client)
        await client.views_publish(user_id=user, view=view)
    except SlackApiError as exc:
        log.info("could not publish the Home tab: %s", exc.response.get("error"))


async def _trend_image(
    client: AsyncWebClient, service: InterviewService, progress: Progress, *, team: str, user: str
) -> dict[str, Any] | None:
    """An image block of the progress chart, uploaded as a file of the app's own (shared nowhere; a Home tab can
    show only a Slack file or a public URL); None before a finished interview, or when the upload fails."""
    if not progress.roles:
        return None
    shown = repr(sorted(progress.roles.items()))
    cached = _TREND_FILES.get((team, user))
    file_id = cached[1] if cached and cached[0] == shown else None
    alt = progress_alt(progress, service.catalog.titles)
    if file_id is None:
        png = await service.progress_png(progress)
        try:
            response = await client.files_upload_v2(
                file=png, filename="progress.png", title="Your progress", alt_txt=alt
            )
        except SlackApiError as exc:  # e.g. no files:write on an old install: the tab shows the text alone
            log.info("could not upload the Home tab's chart: %s", exc.response.get("error"))
            return None
        file_id = str((response.get("file") or {}).get("id") or "")
        if not file_id:
            return None
        _TREND_FILES[(team, user)] = (shown, file_id)
    title = {"type": "plain_text", "text": "Your scores over time"}
    return {"type": "image", "slack_file": {"id": file_id}, "alt_text": alt[:2000], "title": title}


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
