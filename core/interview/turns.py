"""Moving an interview forward: store an answer, grade it in the background, choose and store the next move.

The service holds the conversation lock and decides what an event is; these steps do the work, each writing to the
store before anything is returned, so any worker can carry on from what is stored.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from core.coaching.flow import Action, Grader, Instruction, Interviewer, Move, MoveContext
from core.coaching.offline import decide_offline
from core.coaching.rules import apply_grade_rules
from core.domain import messages
from core.domain.models import AnswerSource, Grade, Interview, InterviewStatus, Turn, TurnKind, Usage, utcnow
from core.domain.replies import Reply, error, info, keyed
from core.domain.roles import RolePack
from core.domain.text import is_stuck_answer
from core.interview.finishing import Finisher
from core.interview.plan import grade_request, move_context, next_main_index, question_reply
from core.ports import InterviewStore, ModelError, ModelOutputInvalid, ModelUnavailable, TurnConflict

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServiceLimits:
    """The product limits a service enforces."""

    max_pairs: int = 25
    default_questions: int = 5
    max_answer_chars: int = 10_000
    turn_deadline_s: float = 30.0  # the longest a candidate waits for the next question before being told
    max_audio_seconds: float = 300.0
    max_download_bytes: int = 100 * 1024 * 1024  # adapters stop downloading a voice note past this size
    recover_after_s: float = 45.0  # a turn left half-done this long (its worker crashed) is carried on by another


def asking(pack: RolePack, interview: Interview, turn: Turn) -> Reply:
    """The reply that asks a turn's question for the first time: queued once, with the turn (core.outbox)."""
    return keyed(question_reply(pack, interview, turn), f"{interview.id}:ask:{turn.seq}")


class TurnSteps:
    """The steps of a turn, shared by answers, voice answers and commands."""

    def __init__(
        self,
        *,
        store: InterviewStore,
        interviewer: Interviewer,
        grader: Grader,
        finisher: Finisher,
        limits: ServiceLimits,
    ) -> None:
        self._store = store
        self._interviewer = interviewer
        self._grader = grader
        self._finisher = finisher
        self._limits = limits

    async def take_answer(
        self,
        pack: RolePack,
        interview: Interview,
        turn: Turn,
        answer: str,
        *,
        source: AnswerSource,
        event_id: str | None,
        audio_seconds: float | None = None,
    ) -> list[Reply]:
        """Store the answer (with its event id), start grading it, and move on."""
        turn.answer, turn.source, turn.answer_event_id, turn.audio_seconds = answer, source, event_id, audio_seconds
        try:
            await self._store.save_answer(
                interview.id,
                turn.seq,
                answer=answer,
                source=source,
                answered_at=utcnow(),
                event_id=event_id,
                audio_seconds=audio_seconds,
            )
        except TurnConflict:  # this event was taken already, or another message answered this turn first
            if event_id is not None:
                # Record the losing event all the same: delivered again, it must not answer the next question.
                await self._store.claim_event(interview.conv.platform, event_id)
            return []
        self._finisher.spawn_grade(self._grade_and_store(pack, interview, turn), interview.id)
        instruction = Instruction.HINT if is_stuck_answer(answer) else Instruction.AFTER_ANSWER
        return await self.advance(pack, interview, instruction)

    async def _grade_and_store(self, pack: RolePack, interview: Interview, turn: Turn) -> Grade | None:
        request = grade_request(pack, interview, turn)
        try:
            grade, usage = await self._grader.grade(request)
        except ModelError as exc:
            log.warning("grading interview %s seq %s failed: %s", interview.id, turn.seq, type(exc).__name__)
            await self.record_usage(interview.id, exc.usage)
            return None  # left ungraded: graded again before the summary
        grade = apply_grade_rules(grade, answer=request.answer, kind=request.kind)
        await self._store.save_grade(interview.id, turn.seq, grade, usage=usage)
        return grade

    async def hint(self, pack: RolePack, interview: Interview, turn: Turn) -> list[Reply]:
        """Close the open turn as a hint request and give the hint."""
        try:
            await self._store.close_turn(interview.id, turn.seq, hint_requested=True)
        except TurnConflict:
            return []
        turn.hint_requested = True
        return await self.advance(pack, interview, Instruction.HINT)

    async def skip(self, pack: RolePack, interview: Interview, turn: Turn) -> list[Reply]:
        """Close the open turn as skipped and ask the next main question (no model call, so it is instant)."""
        try:
            await self._store.close_turn(interview.id, turn.seq, skipped=True)
        except TurnConflict:
            return []
        turn.skipped = True
        return await self._after_skip(pack, interview)

    async def _after_skip(self, pack: RolePack, interview: Interview) -> list[Reply]:
        if len(interview.turns) >= self._limits.max_pairs:
            return await self.finish(pack, interview, reached_cap=True)
        ctx = move_context(pack, interview, Instruction.AFTER_ANSWER, max_pairs=self._limits.max_pairs)
        nxt = ctx.next_question
        return await self._apply_move(
            pack, interview, Move(Action.NEXT_QUESTION, nxt.text) if nxt else Move(Action.END, "")
        )

    async def carry_on(self, pack: RolePack, interview: Interview) -> list[Reply]:
        """Finish a turn a worker left half-done: grade its ungraded answers and make the move it owed."""
        for turn in interview.turns:
            if turn.answer is not None and turn.grade is None:
                self._finisher.spawn_grade(self._grade_and_store(pack, interview, turn), interview.id)
        last = interview.last_turn
        if interview.current_turn is not None or last is None or interview.state.get("pending"):
            return []  # nothing owed: a question is open, or the candidate was told to retry
        if last.skipped:
            return await self._after_skip(pack, interview)
        if last.hint_requested or is_stuck_answer(last.answer or ""):
            return await self.advance(pack, interview, Instruction.HINT)
        return await self.advance(pack, interview, Instruction.AFTER_ANSWER)

    async def advance(self, pack: RolePack, interview: Interview, instruction: Instruction) -> list[Reply]:
        """Choose and store the next move after the last turn was answered, skipped or turned into a hint."""
        if len(interview.turns) >= self._limits.max_pairs:
            return await self.finish(pack, interview, reached_cap=True)
        ctx = move_context(pack, interview, instruction, max_pairs=self._limits.max_pairs)
        try:
            move, usage = await self.decide(ctx)
        except ModelUnavailable as exc:
            interview.state["pending"] = instruction.value
            await self._store.update_interview(interview)
            await self.record_usage(interview.id, exc.usage)  # replies paid for before the outage
            return [error(messages.model_down(str(exc)), interview_id=interview.id, actions=("retry",))]
        return await self._apply_move(pack, interview, move, usage=usage)

    async def _apply_move(
        self, pack: RolePack, interview: Interview, move: Move, *, usage: Usage | None = None
    ) -> list[Reply]:
        interview.state.pop("pending", None)
        last = interview.last_turn
        if move.note and last is not None:
            interview.state.setdefault("notes", {})[str(last.seq)] = move.note
        if move.action is Action.END:
            await self._store.update_interview(interview)
            await self.record_usage(interview.id, usage)
            return await self.finish(pack, interview)
        if move.action is Action.NEXT_QUESTION:
            kind, index = TurnKind.QUESTION, next_main_index(interview)
        else:
            kind = TurnKind.FOLLOW_UP if move.action is Action.FOLLOW_UP else TurnKind.HINT
            index = last.question_index if last else 0
        turn = Turn(seq=interview.next_seq, kind=kind, question=move.message, question_index=index)
        reply = asking(pack, interview, turn)
        try:
            # One transaction: the new question, the interview's notes, the call's usage and the reply asking it.
            await self._store.add_turn(
                interview.id, turn, header=interview, usage=usage, replies=[reply], lease_s=self._limits.recover_after_s
            )
        except TurnConflict:  # another worker moved this interview on first
            return []
        interview.turns.append(turn)
        return [reply]

    async def decide(self, ctx: MoveContext) -> tuple[Move, Usage | None]:
        """The interviewer's next move within the turn deadline; the role pack's when its reply is unusable."""
        try:
            async with asyncio.timeout(self._limits.turn_deadline_s):
                return await self._interviewer.next_move(ctx)
        except TimeoutError:
            # Retries wait out Retry-After (each wait capped, core/retry.py) and could add up past the deadline: the
            # candidate is told instead of waiting on.
            raise ModelUnavailable("The AI interviewer is taking too long.") from None
        except ModelOutputInvalid as exc:
            log.warning("interviewer reply unusable twice for interview %s; using the role pack", ctx.interview.id)
            return decide_offline(ctx), exc.usage

    async def finish(self, pack: RolePack, interview: Interview, *, reached_cap: bool = False) -> list[Reply]:
        """End the interview with its scorecard."""
        replies = [info(messages.cap_reached(self._limits.max_pairs))] if reached_cap else []
        return replies + await self._finisher.finish(pack, interview)

    async def close(self, interview: Interview, status: InterviewStatus) -> None:
        """End an interview without a scorecard (abandoned for a new one)."""
        interview.status = status
        interview.ended_at = utcnow()
        await self._store.update_interview(interview)

    async def record_usage(self, interview_id: str, usage: Usage | None) -> None:
        """Store one model call's usage, when there was a call."""
        if usage is not None:
            await self._store.record_usage(interview_id, usage)

    async def drain(self) -> None:
        """Wait for grades still being computed."""
        await self._finisher.drain()
