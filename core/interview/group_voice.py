"""A voice note sent by DM while a study group's question is open: the member's answer to it, transcribed, shown back
to them privately ("I heard …"), then taken as a typed answer would be. The recording itself is never stored."""

from __future__ import annotations

from dataclasses import replace

from core.domain import messages
from core.domain.models import ConversationRef
from core.domain.replies import ReplyCode, private_note
from core.domain.text import clean_text
from core.interview.group_cards import GroupCards
from core.interview.groups import Groups, refused
from core.interview.parts import Parts
from core.ports import AudioUnavailable, FetchAudio
from core.ports.groups import Addressed
from core.voice.delivery import analyse, describe
from core.voice.pipeline import VoicePipeline, VoiceProblem, is_noise
from core.voice.prompt import transcription_prompt


class GroupVoice:
    """Voice answers to study groups' questions."""

    def __init__(self, parts: Parts, groups: Groups, voice: VoicePipeline) -> None:
        self._parts = parts
        self._groups = groups
        self._voice = voice
        self._cards = GroupCards(parts)

    async def answer(
        self, member: ConversationRef, audio: bytes | FetchAudio, *, filename: str, duration_s: float | None,
        event_id: str | None,
    ) -> list[Addressed] | None:  # fmt: skip
        """member's voice answer to the open question of a group they are in; None when no question of theirs is
        open (the note is for whatever else the DM is doing)."""
        parts = self._parts
        stored = await parts.store.answering_group_of(member.platform, member.workspace_id, member.user_id)
        played = stored.session.current if stored else None
        if stored is None or played is None:
            return None
        if member.user_id in played.answers or member.user_id not in played.expected:
            return await self._told(member, "Your answer to this question is in already.", event_id)
        if await parts.quotas.budget_spent(stored.place) or self._voice.transcriber is None:
            return await self._told(member, messages.VOICE_UNAVAILABLE, event_id)
        question = self._cards.question_of(stored.session, played)
        pack = parts.catalog.resolve(stored.session.role)
        prompt = transcription_prompt(question=question.text, glossary=pack.glossary, main=question)
        try:
            data = audio if isinstance(audio, bytes) else await audio(parts.settings.max_download_bytes)
            prepared = await self._voice.prepare(data, filename=filename, duration_s=duration_s)
            transcript, _ = await self._voice.transcribe(
                prepared, prompt=prompt, language=None, deadline_s=parts.settings.turn_deadline_s
            )
        except (VoiceProblem, AudioUnavailable) as exc:
            final = not isinstance(exc, AudioUnavailable) or exc.final  # a redelivery may download it after all
            return await self._told(member, str(exc), event_id if final else None)
        text = clean_text(transcript.text).strip()
        if is_noise(transcript, prompt=prompt) or not text:
            return await self._told(member, messages.VOICE_NOISE, event_id)
        if (too_long := length_problem(parts, text)) is not None:
            return await self._told(member, too_long, event_id)
        seconds = prepared.seconds or transcript.duration_s
        heard = private_note(
            messages.heard(text, seconds, describe(analyse(text, seconds or 0.0))), ReplyCode.GROUP_NOTE
        )
        taken = await self._groups.answer(
            replace(stored.place, user_id=member.user_id), member.user_id, text, source="voice", event_id=event_id
        )
        return [(member, heard), *taken]

    async def _told(self, member: ConversationRef, text: str, event_id: str | None) -> list[Addressed]:
        """A private note for the member, once per event."""
        return await told_once(self._parts, member, text, event_id)


async def told_once(parts: Parts, member: ConversationRef, text: str, event_id: str | None) -> list[Addressed]:
    """A private refusal for the member, said once per event (a redelivery claims nothing and says nothing)."""
    claimed = event_id is None or await parts.store.claim_event(member.platform, event_id)
    return [(member, refused(text))] if claimed else []


def length_problem(parts: Parts, text: str) -> str | None:
    """Why an answer is too long to take (MOCK_INTERVIEW_MAX_ANSWER_CHARS, as for a solo answer), or None."""
    limit = parts.settings.max_answer_chars
    return messages.too_long(len(text), limit) if len(text) > limit else None
