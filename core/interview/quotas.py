"""Abuse limits: open interviews and answers per minute per user, and a daily AI token budget per workspace.

Each check is one small query, made only where it matters: the open count when a new interview would start, the
answer rate before an answer is stored (and before a voice note is transcribed), the budget before a step that may
call the model. A spent budget never strands an interview: the built-in coach carries it on until 00:00 UTC (the
service picks the coach of each step from budget_spent()).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from core.domain import messages
from core.domain.models import ConversationRef, Interview, utcnow
from core.domain.replies import Reply, error, info
from core.ports import QuotaStore
from core.settings import Settings

ANSWER_WINDOW = timedelta(seconds=60)
NOTICE_KEY = "budget_notice"  # in Interview.state: this interview was told the day's AI budget is spent


def start_of_day(now: datetime) -> datetime:
    """00:00 UTC of now's day."""
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


class Quotas:
    """Checks the limits (MOCK_INTERVIEW_MAX_OPEN_PER_USER, _ANSWERS_PER_MINUTE, _DAILY_TOKENS; 0 turns one off)
    against what is stored and says, in a friendly way, what a refused person can do."""

    def __init__(self, store: QuotaStore, settings: Settings) -> None:
        self._store = store
        self._max_open = settings.max_open_per_user
        self._per_minute = settings.answers_per_minute
        self._daily_tokens = settings.daily_tokens

    async def refuse_start(self, conv: ConversationRef) -> list[Reply]:
        """A refusal when the person already has as many interviews open as allowed, else nothing."""
        most = self._max_open
        if not most:
            return []
        count = await self._store.count_open_interviews(
            platform=conv.platform, workspace_id=conv.workspace_id, user_id=conv.user_id
        )
        return [error(messages.too_many_open(most))] if count >= most else []

    async def refuse_answer(self, conv: ConversationRef, interview: Interview) -> list[Reply]:
        """A refusal when storing one more answer would pass the answers-per-minute limit, else nothing."""
        most = self._per_minute
        if not most:
            return []
        now = utcnow()
        recent = await self._store.answer_times(
            platform=conv.platform,
            workspace_id=conv.workspace_id,
            user_id=conv.user_id,
            since=now - ANSWER_WINDOW,
            limit=most,
        )
        if len(recent) < most:
            return []
        # Newest first: once the most-th newest answer is a minute old, one more fits in the window.
        wait_s = max(1, math.ceil((recent[most - 1] + ANSWER_WINDOW - now).total_seconds()))
        return [error(messages.answering_too_fast(most, wait_s), interview_id=interview.id)]

    async def refuse_voice(self, conv: ConversationRef, interview: Interview) -> list[Reply]:
        """The answer-rate refusal, or one for a spent budget: checked before transcribing, which is paid for."""
        refusal = await self.refuse_answer(conv, interview)
        if not refusal and await self.budget_spent(conv):
            refusal = [error(messages.voice_budget_spent(_until_midnight()), interview_id=interview.id)]
        return refusal

    async def budget_spent(self, conv: ConversationRef) -> bool:
        """Whether today's token budget of conv's workspace (of the person, in DMs and the terminal) is used up."""
        budget = self._daily_tokens
        if not budget:
            return False
        spent = await self._store.tokens_since(
            platform=conv.platform,
            workspace_id=conv.workspace_id,
            # No workspace: a DM or the terminal, where one shared pool would let one person spend everyone's.
            user_id=None if conv.workspace_id else conv.user_id,
            since=start_of_day(utcnow()),
        )
        return spent >= budget

    def budget_notice(self, interview: Interview) -> list[Reply]:
        """The notice that the built-in coach carries on, the first time this interview meets a spent budget (the
        flag is stored with the step's next write of the interview)."""
        if interview.state.get(NOTICE_KEY):
            return []
        interview.state[NOTICE_KEY] = True
        return [info(messages.budget_spent(_until_midnight()), interview_id=interview.id)]


def _until_midnight() -> timedelta:
    """The time left until 00:00 UTC, when the budget starts again."""
    now = utcnow()
    return start_of_day(now) + timedelta(days=1) - now
