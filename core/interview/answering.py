"""Answers, typed or spoken: only the candidate of an open interview answers, within the limits; a voice note is
checked, transcribed and shown back ("I heard ...") before it is taken like a typed answer."""

from __future__ import annotations

from core.domain import messages
from core.domain.commands import parse_command
from core.domain.models import AnswerSource, ConversationRef, Interview, InterviewStatus, Turn
from core.domain.replies import Reply, ReplyCode, ReplyKind, error
from core.domain.roles import RolePack
from core.domain.text import clean_text
from core.interview.commanding import Commands
from core.interview.parts import Parts
from core.interview.plan import planned_question
from core.ports import AudioUnavailable, FetchAudio
from core.voice.delivery import analyse, describe
from core.voice.pipeline import VoicePipeline, VoiceProblem, is_noise
from core.voice.prompt import transcription_prompt


class Answers:
    """Takes answers; the service holds the conversation's lock."""

    def __init__(self, parts: Parts, commands: Commands, voice: VoicePipeline) -> None:
        self._parts = parts
        self._commands = commands
        self._voice = voice

    async def _open_turn(
        self, conv: ConversationRef, event_id: str | None
    ) -> tuple[Interview, RolePack, Turn] | list[Reply]:
        """The open interview, its pack and its open turn; else what the person is told (once)."""
        parts = self._parts
        found = await parts.open_for(conv)
        if isinstance(found, list):
            return await parts.refuse(conv, found, event_id)
        interview, pack = found
        if interview.status is InterviewStatus.PAUSED:
            return await parts.reply_once(conv, parts.current(pack, interview), event_id)
        turn = interview.current_turn
        if turn is None:
            return await parts.reply_once(conv, parts.current(pack, interview), event_id)
        return interview, pack, turn

    async def typed(
        self, conv: ConversationRef, text: str, *, event_id: str | None, unreadable_file: bool = False
    ) -> list[Reply]:
        """A typed answer (not a command word): stored with its event, graded, and the next move made. A message
        that carries only a file which is not a recording (unreadable_file) is told so and stores nothing."""
        parts = self._parts
        opened = await self._open_turn(conv, event_id)
        if isinstance(opened, list):
            return opened
        interview, pack, turn = opened
        answer = text.strip()
        if unreadable_file and not answer:
            told = error(messages.NOT_AN_ANSWER, interview_id=interview.id, code=ReplyCode.NOT_AN_ANSWER)
            return await parts.reply_once(conv, [told], event_id)
        if not answer:  # an empty message asks for a hint
            coach, notice = await parts.coach_for(interview)
            replies = await parts.steps.hint(pack, interview, turn, coach=coach, event_id=event_id)
            return [*notice, *replies] if replies else []
        # A refused answer is not stored and its question stays open.
        refusal = await parts.quotas.refuse_answer(conv, interview)
        if not refusal and len(answer) > parts.settings.max_answer_chars:
            limit = parts.settings.max_answer_chars
            refusal = [error(messages.too_long(len(answer), limit), interview_id=interview.id)]
        if refusal:
            return await parts.reply_once(conv, refusal, event_id)
        coach, notice = await parts.coach_for(interview)
        replies = await parts.steps.take_answer(
            pack, interview, turn, answer, coach=coach, source=AnswerSource.TEXT, event_id=event_id
        )
        return [*notice, *replies] if replies else []

    async def spoken(
        self,
        conv: ConversationRef,
        audio: bytes | FetchAudio,
        *,
        filename: str,
        duration_s: float | None,
        event_id: str | None,
    ) -> list[Reply]:
        """A voice answer: checked (before it is even downloaded), transcribed, shown back, then taken as a typed
        answer would be, or as the command it says. The recording itself is never stored."""
        parts = self._parts
        opened = await self._open_turn(conv, event_id)
        if isinstance(opened, list):
            return opened
        interview, pack, turn = opened
        # Checked before downloading and transcribing, which is paid for: while the budget is spent, no voice.
        if refusal := await parts.quotas.refuse_voice(conv, interview):
            return await parts.reply_once(conv, refusal, event_id)
        if self._voice.transcriber is None:  # nothing could use the recording: not even downloaded
            return await parts.reply_once(
                conv, [error(messages.VOICE_UNAVAILABLE, interview_id=interview.id)], event_id
            )
        prompt = transcription_prompt(
            question=turn.question, glossary=pack.glossary, main=planned_question(pack, interview, turn.question_index)
        )
        try:
            data = audio if isinstance(audio, bytes) else await audio(parts.settings.max_download_bytes)
            prepared = await self._voice.prepare(data, filename=filename, duration_s=duration_s)
            transcript, usage = await self._voice.transcribe(
                prepared, prompt=prompt, language=interview.language, deadline_s=parts.settings.turn_deadline_s
            )
        except VoiceProblem as exc:
            # Nothing is stored for an unusable recording, so its event is claimed with the reply: told once.
            return await parts.reply_once(conv, [error(str(exc), interview_id=interview.id)], event_id)
        except AudioUnavailable as exc:  # only a final failure is claimed: a redelivery may download it after all
            told = [error(str(exc), interview_id=interview.id)]
            return await parts.reply_once(conv, told, event_id if exc.final else None)
        await parts.steps.record_usage(interview.id, usage)
        text = clean_text(transcript.text).strip()
        limit = parts.settings.max_answer_chars
        unusable = (
            messages.VOICE_NOISE
            if is_noise(transcript, prompt=prompt)
            else messages.too_long(len(text), limit)
            if len(text) > limit
            else None
        )
        if unusable is not None:
            return await parts.reply_once(conv, [error(unusable, interview_id=interview.id)], event_id)
        seconds = prepared.seconds or transcript.duration_s
        heard = Reply(
            ReplyKind.TRANSCRIPT,
            messages.heard(text, seconds, describe(analyse(text, seconds or 0.0))),
            interview_id=interview.id,
            seq=turn.seq,
        )
        command = parse_command(text)
        if command:  # a spoken "hint" or "skip" is that command, not an answer
            replies = await self._commands.apply(pack, interview, command, event_id=event_id)
            return [*await parts.reply_once(conv, [heard], None), *replies] if replies else []
        return await parts.steps.take_answer(
            pack,
            interview,
            turn,
            text,
            coach=parts.coaches.configured,  # the budget lasts: refuse_voice said so
            source=AnswerSource.VOICE,
            event_id=event_id,
            audio_seconds=seconds,
            heard=[heard],
        )
