"""Moving an interview forward: store an answer, grade it in the background, choose and store the next move.

The service holds the conversation lock and decides what an event is; these steps do the work, each writing to the
store before anything is returned, so any worker can carry on from what is stored. The first write of a step
carries the id of the event that asked for it (event_id): the event is claimed exactly when its change is stored.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from core.coaching.coach import Coach
from core.coaching.flow import Action, Instruction, Move, MoveContext
from core.coaching.offline import decide_offline
from core.coaching.rules import apply_request_rules
from core.domain import messages
from core.domain.commands import Command
from core.domain.models import AnswerSource, Grade, Interview, InterviewStatus, Turn, TurnKind, Usage, utcnow
from core.domain.replies import Reply, error, info, keyed
from core.domain.roles import RolePack
from core.domain.text import is_stuck_answer
from core.interview.finishing import Finisher
from core.interview.outbox import with_own_keys
from core.interview.plan import grade_request, move_context, next_main_index, question_reply
from core.ports import DuplicateEvent, InterviewStore, ModelError, ModelOutputInvalid, ModelUnavailable, TurnConflict
from core.settings import Settings

log = logging.getLogger(__name__)


def asking(pack: RolePack, interview: Interview, turn: Turn) -> Reply:
    """The reply that asks a turn's question for the first time: stored once, with the turn (core.interview.outbox)."""
    return keyed(question_reply(pack, interview, turn), f"{interview.id}:ask:{turn.seq}")


class TurnSteps:
    """The steps of a turn, shared by answers, voice answers and commands."""

    def __init__(self, *, store: InterviewStore, finisher: Finisher, settings: Settings) -> None:
        self._store = store
        self._finisher = finisher
        self._max_pairs = settings.max_pairs
        self._deadline_s = settings.turn_deadline_s
        self._lease_s = settings.recover_after_s

    async def take_answer(
        self,
        pack: RolePack,
        interview: Interview,
        turn: Turn,
        answer: str,
        *,
        coach: Coach,
        source: AnswerSource,
        event_id: str | None,
        audio_seconds: float | None = None,
        heard: Sequence[Reply] = (),
    ) -> list[Reply]:
        """Store the answer (with its event and the transcript shown for it), start grading it, and move on."""
        turn.answer, turn.source, turn.answer_event_id, turn.audio_seconds = answer, source, event_id, audio_seconds
        heard = with_own_keys(heard)
        try:
            await self._store.save_answer(
                interview.id,
                turn.seq,
                answer=answer,
                source=source,
                answered_at=utcnow(),
                event_id=event_id,
                audio_seconds=audio_seconds,
                replies=heard,
                lease_s=self._lease_s,
            )
        except TurnConflict as exc:  # this event was taken already, or another message answered this turn first
            await self._claim_lost(interview, event_id, exc)
            return []
        self._finisher.spawn_grade(self._grade_and_store(pack, interview, turn, coach), interview.id)
        instruction = Instruction.HINT if is_stuck_answer(answer) else Instruction.AFTER_ANSWER
        return [*heard, *await self.advance(pack, interview, instruction, coach=coach)]

    async def _claim_lost(self, interview: Interview, event_id: str | None, exc: TurnConflict) -> None:
        """Record an event whose step lost the race all the same: delivered again, it must not act on what
        happens next (answer the next question, hint it)."""
        if event_id is not None and not isinstance(exc, DuplicateEvent):
            await self._store.claim_event(interview.conv.platform, event_id)

    async def _grade_and_store(self, pack: RolePack, interview: Interview, turn: Turn, coach: Coach) -> Grade | None:
        request = grade_request(pack, interview, turn)
        try:
            grade, usage = await coach.grader.grade(request)
        except ModelError as exc:
            log.warning("grading interview %s seq %s failed: %s", interview.id, turn.seq, type(exc).__name__)
            await self.record_usage(interview.id, exc.usage)
            return None  # left ungraded: graded again before the summary
        grade = coach.credit(apply_request_rules(grade, request))
        await self._store.save_grade(interview.id, turn.seq, grade, usage=usage)
        return grade

    async def hint(
        self, pack: RolePack, interview: Interview, turn: Turn, *, coach: Coach, event_id: str | None = None
    ) -> list[Reply]:
        """Close the open turn as a hint request and give the hint."""
        try:
            await self._store.close_turn(interview.id, turn.seq, hint_requested=True, event_id=event_id)
        except TurnConflict as exc:
            await self._claim_lost(interview, event_id, exc)
            return []
        turn.hint_requested = True
        return await self.advance(pack, interview, Instruction.HINT, coach=coach)

    async def skip(
        self, pack: RolePack, interview: Interview, turn: Turn, *, coach: Coach, event_id: str | None = None
    ) -> list[Reply]:
        """Close the open turn as skipped and ask the next main question (no model call, so it is instant)."""
        try:
            await self._store.close_turn(interview.id, turn.seq, skipped=True, event_id=event_id)
        except TurnConflict as exc:
            await self._claim_lost(interview, event_id, exc)
            return []
        turn.skipped = True
        return await self._after_skip(pack, interview, coach=coach)

    async def _after_skip(self, pack: RolePack, interview: Interview, *, coach: Coach) -> list[Reply]:
        if len(interview.turns) >= self._max_pairs:
            return await self.finish(pack, interview, coach=coach, reached_cap=True)
        ctx = move_context(pack, interview, Instruction.AFTER_ANSWER, max_pairs=self._max_pairs)
        nxt = ctx.next_question
        move = Move(Action.NEXT_QUESTION, nxt.text) if nxt else Move(Action.END, "")
        return await self._apply_move(pack, interview, move, coach=coach)

    async def carry_on(self, pack: RolePack, interview: Interview, *, coach: Coach) -> list[Reply]:
        """Finish a turn a worker left half-done: grade its ungraded answers and make the move it owed."""
        for turn in interview.turns:
            if turn.answer is not None and turn.grade is None:
                self._finisher.spawn_grade(self._grade_and_store(pack, interview, turn, coach), interview.id)
        last = interview.last_turn
        if interview.current_turn is not None or last is None or interview.state.get("pending"):
            return []  # nothing owed: a question is open, or the candidate was told to retry
        if last.skipped:
            return await self._after_skip(pack, interview, coach=coach)
        if last.hint_requested or is_stuck_answer(last.answer or ""):
            return await self.advance(pack, interview, Instruction.HINT, coach=coach)
        return await self.advance(pack, interview, Instruction.AFTER_ANSWER, coach=coach)

    async def advance(
        self,
        pack: RolePack,
        interview: Interview,
        instruction: Instruction,
        *,
        coach: Coach,
        event_id: str | None = None,
    ) -> list[Reply]:
        """Choose and store the next move after the last turn was answered, skipped or turned into a hint."""
        if len(interview.turns) >= self._max_pairs:
            return await self.finish(pack, interview, coach=coach, reached_cap=True, event_id=event_id)
        ctx = move_context(pack, interview, instruction, max_pairs=self._max_pairs)
        try:
            move, usage = await self.decide(ctx, coach=coach)
        except ModelUnavailable as exc:
            interview.state["pending"] = instruction.value
            told = with_own_keys(
                [error(messages.model_down(str(exc)), interview_id=interview.id, actions=(Command.RETRY,))]
            )
            try:
                await self._store.update_interview(interview, replies=told, lease_s=self._lease_s, event_id=event_id)
            except TurnConflict as conflict:
                await self._claim_lost(interview, event_id, conflict)
                return []
            await self.record_usage(interview.id, exc.usage)  # replies paid for before the outage
            return told
        return await self._apply_move(pack, interview, move, coach=coach, usage=usage, event_id=event_id)

    async def _apply_move(
        self,
        pack: RolePack,
        interview: Interview,
        move: Move,
        *,
        coach: Coach,
        usage: Usage | None = None,
        event_id: str | None = None,
    ) -> list[Reply]:
        interview.state.pop("pending", None)
        last = interview.last_turn
        if move.note and last is not None:
            interview.state.setdefault("notes", {})[str(last.seq)] = move.note
        if move.action is Action.END:
            await self.record_usage(interview.id, usage)
            return await self.finish(pack, interview, coach=coach, event_id=event_id)
        index: int | None
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
                interview.id,
                turn,
                header=interview,
                usage=usage,
                replies=[reply],
                lease_s=self._lease_s,
                event_id=event_id,
            )
        except TurnConflict as exc:  # another worker moved this interview on first
            await self._claim_lost(interview, event_id, exc)
            return []
        interview.turns.append(turn)
        return [reply]

    async def decide(self, ctx: MoveContext, *, coach: Coach) -> tuple[Move, Usage | None]:
        """The interviewer's next move within the turn deadline; the role pack's when its reply is unusable."""
        try:
            async with asyncio.timeout(self._deadline_s):
                return await coach.interviewer.next_move(ctx)
        except TimeoutError:
            # Retries wait out Retry-After (each wait capped, core/providers/retry.py) and could add up past the
            # deadline: the candidate is told instead of waiting on.
            raise ModelUnavailable("The AI interviewer is taking too long.") from None
        except ModelOutputInvalid as exc:
            log.warning("interviewer reply unusable twice for interview %s; using the role pack", ctx.interview.id)
            return decide_offline(ctx), exc.usage

    async def finish(
        self,
        pack: RolePack,
        interview: Interview,
        *,
        coach: Coach,
        reached_cap: bool = False,
        event_id: str | None = None,
    ) -> list[Reply]:
        """End the interview with its scorecard."""
        before = [info(messages.cap_reached(self._max_pairs), interview_id=interview.id)] if reached_cap else []
        ended = await self._finisher.finish(pack, interview, coach=coach, before=before, event_id=event_id)
        if not ended:
            await self._claim_lost(interview, event_id, TurnConflict("ended by another worker"))
        return ended

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
