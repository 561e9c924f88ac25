"""InterviewService: the only thing adapters call. Every turn is persisted before any model call."""

from __future__ import annotations

import asyncio
import random
import uuid
import weakref
from collections.abc import Awaitable, Callable, Sequence

from core.coaching.flow import Grader, Instruction, Interviewer
from core.coaching.offline import decide_offline
from core.domain import messages
from core.domain.languages import UnknownLanguage, normalize_language
from core.domain.models import AnswerSource, ConversationRef, Interview, InterviewStatus, Turn, TurnKind
from core.domain.replies import Reply, ReplyCode, ReplyKind, error, info, keyed
from core.domain.roles import RoleCatalog, RolePack, UnknownRole
from core.domain.text import clean_text, parse_command
from core.interview.finishing import Finisher
from core.interview.outbox import Outbox
from core.interview.plan import make_plan, move_context, planned_question, question_reply
from core.interview.quotas import Quotas
from core.interview.records import InterviewRecords
from core.interview.turns import ServiceLimits, TurnSteps, asking
from core.ports import (
    ActiveInterviewExists,
    InterviewStore,
    ModelUnavailable,
)
from core.voice.delivery import analyse, describe
from core.voice.pipeline import VoicePipeline, VoiceProblem, is_noise
from core.voice.prompt import transcription_prompt


class InterviewService:
    """Runs interviews: start, answer, voice and commands, returning platform-neutral replies."""

    def __init__(
        self,
        *,
        store: InterviewStore,
        catalog: RoleCatalog,
        interviewer: Interviewer,
        grader: Grader,
        finisher: Finisher,
        voice: VoicePipeline,
        limits: ServiceLimits | None = None,
        rng: random.Random | None = None,
        mode: str = "offline coach",
        closers: Sequence[Callable[[], Awaitable[None]]] = (),
        quotas: Quotas | None = None,
    ) -> None:
        limits = limits or ServiceLimits()
        self.store = store
        self.catalog = catalog
        self.limits = limits
        self.mode = mode  # shown to users: who runs the interview
        self.records = InterviewRecords(store, catalog)
        self._quotas = quotas or Quotas(store)
        self.outbox = Outbox(store, lease_s=limits.recover_after_s)
        self._closers = list(closers)
        self._steps = TurnSteps(store=store, interviewer=interviewer, grader=grader, finisher=finisher, limits=limits)
        self._voice = voice
        self._rng = rng or random.Random()
        # One lock per conversation: turns of one interview never interleave inside this process.
        self._locks: weakref.WeakValueDictionary[ConversationRef, asyncio.Lock] = weakref.WeakValueDictionary()

    def _lock(self, conv: ConversationRef) -> asyncio.Lock:
        lock = self._locks.get(conv)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[conv] = lock
        return lock

    # --- starting -------------------------------------------------------------------------------------------

    async def start(
        self,
        conv: ConversationRef,
        *,
        role: str,
        questions: int | None = None,
        level: str | None = None,
        language: str | None = None,
        replace: bool = False,
    ) -> list[Reply]:
        """Start an interview (or show the one already open here, unless replace abandons it)."""
        try:
            pack = self.catalog.resolve(role)
        except UnknownRole as exc:
            return [error(messages.unknown_role(exc.name, self.catalog))]
        count = questions or min(self.limits.default_questions, len(pack.questions))
        most = min(self.limits.max_pairs, len(pack.questions))
        if not 1 <= count <= most:
            return [error(messages.bad_question_count(count, most, pack.title))]
        try:
            language = normalize_language(language) if language else None
        except UnknownLanguage as exc:
            return [error(str(exc))]
        async with self._lock(conv):
            existing = await self.store.get_open_interview(conv)
            if existing and not replace:
                return self._already_running(existing)
            if existing:
                await self._steps.close(existing, InterviewStatus.ABANDONED)
            elif refusal := await self._quotas.refuse_start(conv):  # replacing one here keeps the count
                return refusal
            interview = Interview(
                id=str(uuid.uuid4()),
                conv=conv,
                role=pack.id,
                status=InterviewStatus.ACTIVE,
                planned_questions=count,
                level=level,
                language=language,
                state={"plan": make_plan(pack, count, self._rng), "notes": {}},
            )
            notice = await self._quotas.budget_notice(interview)  # a spent budget: the built-in coach asks
            ctx = move_context(pack, interview, Instruction.OPEN, max_pairs=self.limits.max_pairs)
            try:
                move, usage = await self._steps.decide(ctx)
            except ModelUnavailable:
                # Nothing was answered yet, so the pack's own first question is a faithful fallback.
                move, usage = decide_offline(ctx), None
            first = Turn(seq=1, kind=TurnKind.QUESTION, question=move.message, question_index=0)
            interview.turns.append(first)
            intro = keyed(info(messages.intro(pack, interview), interview_id=interview.id), f"{interview.id}:intro")
            replies = [intro, asking(pack, interview, first)]
            try:
                await self.store.create_interview(interview, replies=replies, lease_s=self.limits.recover_after_s)
            except ActiveInterviewExists:  # another worker started one in this conversation a moment ago
                other = await self.store.get_open_interview(conv)
                return self._already_running(other) if other else []
            await self._steps.record_usage(interview.id, usage)
            return [*notice, *replies]

    # --- recovery -------------------------------------------------------------------------------------------

    async def recover(self, platform: str) -> list[tuple[ConversationRef, list[Reply]]]:
        """Carry on this platform's interviews a worker left mid-turn (it crashed or was killed): grade their
        ungraded answers and make the moves they owe. The replies are queued in the outbox already."""
        carried = []
        for interview_id in await self.store.stalled_interviews(platform, idle_s=self.limits.recover_after_s):
            interview = await self.store.get_interview(interview_id)
            if interview is None:
                continue
            replies = await self._carry_on(interview.conv)
            if replies:
                carried.append((interview.conv, replies))
        return carried

    async def recover_conversation(self, conv: ConversationRef) -> list[Reply]:
        """Carry on this conversation's interview if it was left mid-turn (the terminal: one person, no waiting)."""
        return await self._carry_on(conv)

    async def _carry_on(self, conv: ConversationRef) -> list[Reply]:
        async with self._lock(conv):
            interview = await self.store.get_open_interview(conv)  # read again under the lock: it may have moved on
            if interview is None or interview.status is not InterviewStatus.ACTIVE:
                return []
            step = self._steps.carry_on(self.catalog.resolve(interview.role), interview)
            return await self._quotas.budgeted(interview, step)  # a spent budget holds for recovered turns too

    def _already_running(self, interview: Interview) -> list[Reply]:
        pack = self.catalog.resolve(interview.role)
        replies = [info(messages.already_running(pack, interview), interview_id=interview.id)]
        return replies + self._current(pack, interview)

    # --- answering ------------------------------------------------------------------------------------------

    async def answer(self, conv: ConversationRef, text: str, *, event_id: str | None = None) -> list[Reply]:
        """Take a typed answer (or a command word); a duplicate event id gives no reply."""
        text = clean_text(text)
        command = parse_command(text)
        if command:
            return await self.command(conv, command) if await self._claim(conv, event_id) else []
        async with self._lock(conv):
            # No separate duplicate check: a stored answer records its event id in the same transaction (a replay
            # then conflicts and gets no reply), and every other outcome claims the event first.
            interview, pack, refusal = await self._open_for_answer(conv)
            answer = text.strip()
            if refusal is None and answer:  # a refused answer is not stored and its question stays open
                refusal = await self._quotas.refuse_answer(conv, interview) or None
            storable = refusal is None and answer and len(answer) <= self.limits.max_answer_chars
            # A storable answer records its event id in the same transaction as the answer (never one without
            # the other); anything else stores nothing, so claim its event first: a redelivery gets no reply.
            if not storable and not await self._claim(conv, event_id):
                return []
            if refusal is not None:
                return refusal
            turn = interview.current_turn
            assert turn is not None  # _open_for_answer guarantees an open turn
            if not answer:
                return await self._quotas.budgeted(interview, self._steps.hint(pack, interview, turn))
            if not storable:
                return [error(messages.too_long(len(answer), self.limits.max_answer_chars), interview_id=interview.id)]
            step = self._steps.take_answer(pack, interview, turn, answer, source=AnswerSource.TEXT, event_id=event_id)
            return await self._quotas.budgeted(interview, step)

    async def voice(
        self,
        conv: ConversationRef,
        audio: bytes,
        *,
        filename: str,
        mime: str | None = None,
        duration_s: float | None = None,
        event_id: str | None = None,
    ) -> list[Reply]:
        """Take a voice answer: check it, transcribe it, show the transcript, then go on as with a typed answer.

        mime is the platform's claim and only a hint: the format is read from the bytes. The audio is not kept.
        """
        async with self._lock(conv):
            if event_id is not None and await self.store.event_seen(conv.platform, event_id):
                return []
            interview, pack, refusal = await self._open_for_answer(conv)
            if refusal is None:  # checked before transcribing: transcription is paid for
                refusal = await self._quotas.refuse_voice(conv, interview) or None
            if refusal is not None:
                return refusal if await self._claim(conv, event_id) else []
            turn = interview.current_turn
            assert turn is not None  # _open_for_answer guarantees an open turn
            prompt = transcription_prompt(
                question=turn.question,
                glossary=pack.glossary,
                main=planned_question(pack, interview, turn.question_index),
            )
            try:
                prepared = await self._voice.prepare(audio, filename=filename, duration_s=duration_s)
                transcript, usage = await self._voice.transcribe(
                    prepared, prompt=prompt, language=interview.language, deadline_s=self.limits.turn_deadline_s
                )
            except VoiceProblem as exc:
                # Nothing is stored for an unusable recording, so claim the event: a redelivery gets no second reply.
                return [error(str(exc), interview_id=interview.id)] if await self._claim(conv, event_id) else []
            await self._steps.record_usage(interview.id, usage)
            text = clean_text(transcript.text).strip()
            unusable = (
                messages.VOICE_NOISE
                if is_noise(transcript, prompt=prompt)
                else messages.too_long(len(text), self.limits.max_answer_chars)
                if len(text) > self.limits.max_answer_chars
                else None
            )
            if unusable is not None:
                return [error(unusable, interview_id=interview.id)] if await self._claim(conv, event_id) else []
            seconds = prepared.seconds or transcript.duration_s
            heard = Reply(
                ReplyKind.TRANSCRIPT,
                messages.heard(text, seconds, describe(analyse(text, seconds or 0.0))),
                interview_id=interview.id,
                seq=turn.seq,
            )
            command = parse_command(text)
            if command:  # a spoken "hint" or "skip" is that command, not an answer
                if not await self._claim(conv, event_id):
                    return []
                return [heard, *await self._run_command(pack, interview, command)]
            replies = await self._steps.take_answer(
                pack, interview, turn, text, source=AnswerSource.VOICE, event_id=event_id, audio_seconds=seconds
            )
            return [heard, *replies] if replies else []

    async def _claim(self, conv: ConversationRef, event_id: str | None) -> bool:
        """Mark an event processed; False for a duplicate (events without an id always pass)."""
        return event_id is None or await self.store.claim_event(conv.platform, event_id)

    async def _open_for_answer(
        self, conv: ConversationRef
    ) -> tuple[Interview, RolePack, None] | tuple[None, None, list[Reply]]:
        interview = await self.store.get_open_interview(conv)
        if interview is None:
            return None, None, [info(messages.NO_INTERVIEW, code=ReplyCode.NO_INTERVIEW)]
        if interview.status is InterviewStatus.PAUSED:
            return None, None, [info(messages.PAUSED, interview_id=interview.id)]
        if interview.current_turn is None:
            return None, None, [error(messages.OWED_QUESTION, interview_id=interview.id, actions=("retry",))]
        return interview, self.catalog.resolve(interview.role), None

    # --- commands -------------------------------------------------------------------------------------------

    async def command(self, conv: ConversationRef, name: str) -> list[Reply]:
        """hint, skip, repeat, end, retry, pause, resume or help."""
        if name == "help":
            return [info(messages.HELP)]
        async with self._lock(conv):
            interview = await self.store.get_open_interview(conv)
            if interview is None:
                return [info(messages.NO_INTERVIEW, code=ReplyCode.NO_INTERVIEW)]
            step = self._run_command(self.catalog.resolve(interview.role), interview, name)
            return await self._quotas.budgeted(interview, step, command=name)

    async def _run_command(self, pack: RolePack, interview: Interview, name: str) -> list[Reply]:
        if name == "help":
            return [info(messages.HELP)]
        handler = {
            "hint": self._cmd_hint,
            "skip": self._cmd_skip,
            "repeat": self._cmd_repeat,
            "end": self._cmd_end,
            "retry": self._cmd_retry,
            "pause": self._cmd_pause,
            "resume": self._cmd_resume,
        }.get(name)
        if handler is None:
            return [error(messages.unknown_command(name))]
        return await handler(pack, interview)

    async def _cmd_hint(self, pack: RolePack, interview: Interview) -> list[Reply]:
        turn = interview.current_turn
        if interview.status is InterviewStatus.PAUSED or turn is None:
            return self._current(pack, interview)
        return await self._steps.hint(pack, interview, turn)

    async def _cmd_skip(self, pack: RolePack, interview: Interview) -> list[Reply]:
        turn = interview.current_turn
        if interview.status is InterviewStatus.PAUSED or turn is None:
            return self._current(pack, interview)
        return await self._steps.skip(pack, interview, turn)

    async def _cmd_repeat(self, pack: RolePack, interview: Interview) -> list[Reply]:
        return self._current(pack, interview)

    async def _cmd_end(self, pack: RolePack, interview: Interview) -> list[Reply]:
        return await self._steps.finish(pack, interview)

    async def _cmd_retry(self, pack: RolePack, interview: Interview) -> list[Reply]:
        pending = interview.state.get("pending")
        if not pending:
            return [info(messages.NOTHING_TO_RETRY, interview_id=interview.id), *self._current(pack, interview)]
        return await self._steps.advance(pack, interview, Instruction(pending))

    async def _cmd_pause(self, pack: RolePack, interview: Interview) -> list[Reply]:
        interview.status = InterviewStatus.PAUSED
        await self.store.update_interview(interview)
        return [info(messages.PAUSED_NOW, interview_id=interview.id)]

    async def _cmd_resume(self, pack: RolePack, interview: Interview) -> list[Reply]:
        if interview.status is InterviewStatus.PAUSED:
            interview.status = InterviewStatus.ACTIVE
            await self.store.update_interview(interview)
        return self._current(pack, interview)

    def _current(self, pack: RolePack, interview: Interview) -> list[Reply]:
        """What the candidate should see to carry on: the open question, or how to continue."""
        if interview.status is InterviewStatus.PAUSED:
            return [info(messages.PAUSED, interview_id=interview.id)]
        turn = interview.current_turn
        if turn is None:
            return [error(messages.OWED_QUESTION, interview_id=interview.id, actions=("retry",))]
        return [question_reply(pack, interview, turn)]

    async def drain(self) -> None:
        """Wait for grades still being computed (call before the process exits)."""
        await self._steps.drain()

    async def close(self) -> None:
        """Finish grades in flight and release the model client and the database."""
        await self.drain()
        for close in self._closers:
            await close()
        await self.store.close()


__all__ = ["InterviewService"]
