"""Grades in flight and the end of an interview: wait for grades, regrade failures, summarise, store."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Sequence
from typing import Any

from core.coaching.coach import Coach
from core.coaching.flow import Grader
from core.coaching.rules import apply_request_rules
from core.coaching.scorecard import SummaryText, build_scorecard, offline_summary, overall_score
from core.domain.models import Grade, Interview, InterviewStatus, Turn, Usage, utcnow
from core.domain.replies import Reply, ReplyCode, ReplyKind, info, keyed
from core.domain.roles import RolePack
from core.interview.plan import grade_request
from core.interview.report import scorecard_markdown
from core.interview.retry import retry_summary
from core.ports import InterviewStore, ModelError, TurnConflict
from core.settings import Settings

log = logging.getLogger(__name__)

NO_ANSWERS = "Interview ended before any answer, so there is nothing to score. Start a new one whenever you like."


class Finisher:
    """Owns background grading and builds the scorecard from stored grades."""

    def __init__(self, *, store: InterviewStore, fallback_grader: Grader, settings: Settings) -> None:
        self._store = store
        self._fallback = fallback_grader  # grades an answer the coach's grader failed on at the end
        self._deadline_s = settings.turn_deadline_s  # the longest the candidate waits for the scorecard
        self._lease_s = settings.recover_after_s  # how long the scorecard waits on this worker in the outbox
        self._tasks: dict[str, set[asyncio.Task[Any]]] = {}

    def spawn_grade(self, job: Coroutine[Any, Any, Grade | None], interview_id: str) -> None:
        """Grade in the background; the grade is stored when it arrives."""
        task = asyncio.create_task(job)
        tasks = self._tasks.setdefault(interview_id, set())
        tasks.add(task)

        def _done(t: asyncio.Task[Any]) -> None:
            tasks.discard(t)
            if not tasks:
                self._tasks.pop(interview_id, None)
            if not t.cancelled() and t.exception() is not None:
                log.error("grading task failed", exc_info=t.exception())

        task.add_done_callback(_done)

    async def drain(self, timeout_s: float = 60.0) -> None:
        """Wait for every grade in flight (before the process exits)."""
        pending = [t for tasks in self._tasks.values() for t in tasks]
        if pending:
            await asyncio.wait(pending, timeout=timeout_s)

    async def finish(
        self,
        pack: RolePack,
        interview: Interview,
        *,
        coach: Coach,
        before: Sequence[Reply] = (),
        event_id: str | None = None,
    ) -> list[Reply]:
        """End the interview and return its scorecard (or a note that nothing was answered), after the replies in
        before, all stored with the end and event_id claimed; [] when another worker ended it first."""
        deadline = asyncio.get_running_loop().time() + self._deadline_s
        in_flight = list(self._tasks.get(interview.id, ()))
        if in_flight:
            _, late = await asyncio.wait(in_flight, timeout=self._deadline_s / 2)
            for task in late:
                task.cancel()  # regraded below: a late model grade must not overwrite the scorecard's
            if late:
                await asyncio.wait(late)
        fresh = await self._store.get_interview(interview.id) or interview
        fresh.state = interview.state  # the caller's state may hold notes not yet written
        ungraded = [t for t in fresh.turns if t.answer is not None and t.grade is None]
        await asyncio.gather(*(self._regrade(pack, fresh, t, deadline, coach) for t in ungraded))
        fresh.ended_at = utcnow()
        if not any(t.answer is not None for t in fresh.turns):
            fresh.status = InterviewStatus.ABANDONED
            unanswered = info(NO_ANSWERS, interview_id=fresh.id, code=ReplyCode.ENDED_UNANSWERED)
            return await self._store_end(fresh, [*before, unanswered], event_id=event_id)
        fresh.overall_score = overall_score(fresh.turns)
        link = fresh.retry_of
        if link:  # a second try says how the score moved; no model summary of one answer
            summary = retry_summary(link, next((t for t in fresh.turns if t.answer is not None), None))
        else:
            summary = await self._summary(pack, fresh, deadline, coach)
        fresh.status = InterviewStatus.COMPLETED
        fresh.summary = summary.summary
        fresh.state["summary"] = {"strengths": list(summary.strengths), "focus_next": list(summary.focus_next)}
        fresh.state.pop("pending", None)
        card = build_scorecard(fresh, role_title=pack.title, summary=summary)
        scorecard = Reply(ReplyKind.SCORECARD, scorecard_markdown(card), interview_id=fresh.id, scorecard=card)
        return await self._store_end(fresh, [*before, scorecard], event_id=event_id)

    async def _store_end(self, interview: Interview, replies: list[Reply], *, event_id: str | None) -> list[Reply]:
        """Store the ended interview with its last replies queued in the same transaction; once, whoever races."""
        replies = [
            keyed(r, f"{interview.id}:end" if n == len(replies) - 1 else f"{interview.id}:end:{n}")
            for n, r in enumerate(replies)
        ]
        try:
            await self._store.update_interview(interview, replies=replies, lease_s=self._lease_s, event_id=event_id)
        except TurnConflict:  # another worker ended it a moment ago and sends its scorecard
            return []
        return replies

    async def _regrade(self, pack: RolePack, interview: Interview, turn: Turn, deadline: float, coach: Coach) -> None:
        request = grade_request(pack, interview, turn)
        try:
            async with asyncio.timeout_at(deadline):
                grade, usage = await coach.grader.grade(request)
        except (ModelError, TimeoutError) as exc:
            # The model failed on this answer again; the offline grade is honest and immediate.
            await self._record(interview.id, getattr(exc, "usage", None))
            grade, usage = await self._fallback.grade(request)
        grade = coach.credit(apply_request_rules(grade, request))
        await self._store.save_grade(interview.id, turn.seq, grade, usage=usage)
        turn.grade = grade

    async def _summary(self, pack: RolePack, interview: Interview, deadline: float, coach: Coach) -> SummaryText:
        try:
            async with asyncio.timeout_at(deadline):
                summary, usage = await coach.summarizer.summarize(
                    interview, role_title=pack.title, overall=interview.overall_score
                )
        except (ModelError, TimeoutError) as exc:
            log.warning("summary for %s fell back to the offline one: %s", interview.id, type(exc).__name__)
            await self._record(interview.id, getattr(exc, "usage", None))
            return offline_summary(interview, interview.overall_score)
        await self._record(interview.id, usage)
        return summary

    async def _record(self, interview_id: str, usage: Usage | None) -> None:
        if usage is not None:
            await self._store.record_usage(interview_id, usage)
