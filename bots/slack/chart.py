"""Charts in Slack: the scorecard's, shared in the interview's thread after its messages; the progress chart, in the
person's DM with the app."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bots.slack.home import dm_channel_of
from core.domain.models import ConversationRef, utcnow
from core.domain.replies import Scorecard
from core.interview.charts import progress_alt, scorecard_alt, scorecard_png
from core.interview.progress import Progress
from core.interview.service import InterviewService

log = logging.getLogger(__name__)


def has_chart(message: dict[str, Any], card: Scorecard) -> bool:
    """Whether a thread message is the share of this scorecard's chart."""
    return any(isinstance(f, dict) and f.get("name") == card.chart_name for f in message.get("files") or [])


async def share_chart(client: AsyncWebClient, conv: ConversationRef, card: Scorecard) -> None:
    """Upload the chart into the thread; a failure is logged and leaves the scorecard's text as it is."""
    png = await asyncio.to_thread(scorecard_png, card, day=utcnow().date())
    try:
        await client.files_upload_v2(
            channel=conv.channel_id,
            thread_ts=conv.thread_id,
            file=png,
            filename=card.chart_name,
            title=f"{card.role_title} scorecard",
            alt_txt=scorecard_alt(card),
        )
    except SlackApiError as exc:  # e.g. files:write missing from an old install: the text scorecard stands
        log.warning("could not share the scorecard chart: %s", exc.response.get("error"))


async def share_progress_chart(
    client: AsyncWebClient, service: InterviewService, progress: Progress, *, user: str, channel: str
) -> None:
    """The person's progress chart in their DM with the app (here, when asked in that DM); none before a finished
    interview."""
    if not progress.roles:
        return
    png = await service.progress_png(progress)
    dm = channel if channel.startswith("D") else await dm_channel_of(client, user, "Your progress chart:")
    if dm is None:
        return
    titles = service.catalog.titles
    try:
        await client.files_upload_v2(
            channel=dm, file=png, filename="progress.png", title="Your progress", alt_txt=progress_alt(progress, titles)
        )
    except SlackApiError as exc:
        log.warning("could not share the progress chart: %s", exc.response.get("error"))
