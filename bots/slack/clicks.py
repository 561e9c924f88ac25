"""A click delivered again is the same click: Socket Mode redelivers an interaction whose acknowledgement was lost."""

from __future__ import annotations

from typing import Any

from bots.slack.inbound import PLATFORM
from core.interview.service import InterviewService


async def first_delivery(service: InterviewService, body: dict[str, Any]) -> bool:
    """False for an interaction seen before (the same trigger_id); claimed before any check, so a copy says nothing."""
    trigger = body.get("trigger_id")
    return not trigger or await service.store.claim_event(PLATFORM, f"click:{trigger}")
