"""The scorecard's chart, shared in the interview's thread after the scorecard's messages."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from core.domain.models import ConversationRef, utcnow
from core.domain.replies import Scorecard
from core.interview.charts import scorecard_alt, scorecard_png

log = logging.getLogger(__name__)


def chart_name(card: Scorecard) -> str:
    """The chart's file name: the interview's, so a worker resending the scorecard can tell it is already there."""
    return f"scorecard-{card.interview_id[:8]}.png"


def has_chart(message: dict[str, Any], card: Scorecard) -> bool:
    """Whether a thread message is the share of this scorecard's chart."""
    return any(isinstance(f, dict) and f.get("name") == chart_name(card) for f in message.get("files") or [])


async def share_chart(client: AsyncWebClient, conv: ConversationRef, card: Scorecard) -> None:
    """Upload the chart into the thread; a failure is logged and leaves the scorecard's text as it is."""
    png = await asyncio.to_thread(scorecard_png, card, day=utcnow().date())
    try:
        await client.files_upload_v2(
            channel=conv.channel_id,
            thread_ts=conv.thread_id,
            file=png,
            filename=chart_name(card),
            title=f"{card.role_title} scorecard",
            alt_txt=scorecard_alt(card),
        )
    except SlackApiError as exc:  # e.g. files:write missing from an old install: the text scorecard stands
        log.warning("could not share the scorecard chart: %s", exc.response.get("error"))
