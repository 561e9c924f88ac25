"""`daily on [ROLE] [HH:MM] [tz=ZONE]`, `daily off` and `daily` typed in a DM: the daily question's settings.

Discord does not tell a bot a person's time zone, so it is the `tz=` option's (UTC until they give one; the core
says so). The questions themselves are sent by the sweeper (bots/discord/sweeper.py) into this DM.
"""

from __future__ import annotations

from bots.discord.inbound import PLATFORM
from bots.discord.replies import DiscordReplies
from core.domain.daily import DailyProblem, DailyRequest
from core.domain.models import ConversationRef
from core.interview.service import InterviewService


async def answer_daily(
    parsed: DailyRequest | DailyProblem,
    *,
    conv: ConversationRef,
    event_id: str,
    service: InterviewService,
    sender: DiscordReplies,
) -> None:
    """Act on a `daily` command of the DM conv, telling the person once, however often the message arrives."""
    if isinstance(parsed, DailyProblem):
        await service.note(conv, parsed.message, event_id=event_id, sender=sender)
        return
    if not await service.claim_event(PLATFORM, event_id):
        return
    text = await service.daily(conv, parsed)
    await service.note(conv, text, event_id=None, sender=sender)
