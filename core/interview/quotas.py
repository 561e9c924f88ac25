"""Abuse limits: open interviews and answers per minute per user, and a daily AI token budget per workspace.

Each check is one small query, made only where it matters: the open count when a new interview would start, the
answer rate before an answer is stored (and before a voice note is transcribed), the budget before a step that may
call the model. A spent budget never strands an interview: the built-in coach carries it on until 00:00 UTC.
"""

from __future__ import annotations

import math
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from core.coaching.fallback import use_builtin_coach
from core.domain import messages
from core.domain.models import ConversationRef, Interview, utcnow
from core.domain.replies import Reply, error, info
from core.ports import InterviewStore

ANSWER_WINDOW = timedelta(seconds=60)
NOTICE_KEY = "budget_notice"  # in Interview.state: this interview was told the day's AI budget is spent
# The commands whose step may call the model; the others never switch to the coach nor show the notice.
MODEL_COMMANDS = frozenset({"hint", "skip", "end", "retry"})


@dataclass(frozen=True)
class QuotaLimits:
    """The limits a service enforces; 0 turns one off."""

    max_open_per_user: int = 3  # active or paused interviews of one person on one platform and workspace
    answers_per_minute: int = 10  # stored answers of one person on one platform and workspace, in any 60 s
    daily_tokens: int = 0  # prompt + completion tokens per workspace (per person outside one) since 00:00 UTC


def start_of_day(now: datetime) -> datetime:
    """00:00 UTC of now's day."""
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


class Quotas:
    """Checks the limits against what is stored and says, in a friendly way, what a refused person can do."""

    def __init__(self, store: InterviewStore, limits: QuotaLimits | None = None) -> None:
        self._store = store
        self.limits = limits or QuotaLimits()

    async def refuse_start(self, conv: ConversationRef) -> list[Reply]:
        """A refusal when the person already has as many interviews open as allowed, else nothing."""
        most = self.limits.max_open_per_user
        if not most:
            return []
        count = await self._store.count_open_interviews(
            platform=conv.platform, workspace_id=conv.workspace_id, user_id=conv.user_id
        )
        return [error(messages.too_many_open(most))] if count >= most else []

    async def refuse_answer(self, conv: ConversationRef, interview: Interview) -> list[Reply]:
        """A refusal when storing one more answer would pass the answers-per-minute limit, else nothing."""
        most = self.limits.answers_per_minute
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
        use_builtin_coach(False)  # a voice note goes on only while the budget lasts
        return refusal

    async def budget_spent(self, conv: ConversationRef) -> bool:
        """Whether today's token budget of conv's workspace (of the person, in DMs and the terminal) is used up."""
        budget = self.limits.daily_tokens
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

    async def budget_notice(self, interview: Interview) -> list[Reply]:
        """Switch this turn's model calls to the built-in coach when the budget is spent; the notice saying so,
        the first time this interview meets a spent budget (the flag is stored with the turn's next write)."""
        spent = await self.budget_spent(interview.conv)
        use_builtin_coach(spent)
        if not spent or interview.state.get(NOTICE_KEY):
            return []
        interview.state[NOTICE_KEY] = True
        notice = info(messages.budget_spent(_until_midnight()), interview_id=interview.id)
        return [notice]  # once: the flag above is stored with the turn's next write

    async def budgeted(
        self, interview: Interview, step: Coroutine[Any, Any, list[Reply]], *, command: str | None = None
    ) -> list[Reply]:
        """Run a step that may call the model under today's budget, with the notice before its replies."""
        if command is not None and command not in MODEL_COMMANDS:
            return await step
        try:
            notice = await self.budget_notice(interview)
        except BaseException:
            step.close()  # never started: close it so it is not reported as never awaited
            raise
        replies = await step
        return [*notice, *replies] if replies else []  # nothing when another worker took the turn


def _until_midnight() -> timedelta:
    """The time left until 00:00 UTC, when the budget starts again."""
    now = utcnow()
    return start_of_day(now) + timedelta(days=1) - now
