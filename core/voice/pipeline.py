"""The voice pipeline before grading: check a recording, shrink it when needed, transcribe it, reject noise.

Audio is only ever held in memory (a re-encode passes through a temporary folder that is removed at once); what is
kept is the transcript and the duration, stored with the answer.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from pathlib import PurePath

from core.domain import messages
from core.domain.models import Usage
from core.ports import AudioRejected, ModelUnavailable, Transcriber, Transcript
from core.voice.audio import SUPPORTED_NAMES, AudioDamaged, AudioFormat, AudioUnreadable, measure_duration, sniff_format
from core.voice.reencode import ReencodeFailed, find_ffmpeg, to_small_opus

WHISPER_MAX_BYTES = 25 * 1024 * 1024  # OpenAI's upload limit for audio.transcriptions
MIN_SECONDS = 0.5
# What Whisper writes for silence or music: YouTube-caption phrases it learned from its training data.
_HALLUCINATIONS = {
    "you",
    "thank you",
    "thanks",
    "thank you very much",
    "thanks for watching",
    "thank you for watching",
    "thank you so much for watching",
    "please subscribe",
    "bye",
    "okay",
    "so",
    "silence",
    "music",
    "applause",
}
_BRACKETED = re.compile(r"\[[^\]]*\]|\([^)]*\)|\*[^*]*\*|♪+")
_NON_LETTERS = re.compile(r"[\W\d_]+")


class VoiceProblem(Exception):
    """A recording we cannot use; the message tells the user what to do, and the question stays open."""


@dataclass(frozen=True)
class PreparedAudio:
    """A checked recording, ready to send for transcription."""

    data: bytes
    filename: str
    mime: str
    seconds: float | None


@dataclass(frozen=True)
class VoiceLimits:
    """How long and how large a voice answer may be (MOCK_INTERVIEW_MAX_AUDIO_SECONDS, _MAX_DOWNLOAD_BYTES)."""

    max_seconds: float
    max_bytes: int


class VoicePipeline:
    """Checks and transcribes voice answers."""

    def __init__(self, *, transcriber: Transcriber | None, limits: VoiceLimits, ffmpeg: str) -> None:
        self.transcriber = transcriber
        self.limits = limits
        self._ffmpeg = ffmpeg

    async def prepare(self, audio: bytes, *, filename: str, duration_s: float | None) -> PreparedAudio:
        """Check a recording by its bytes; raise VoiceProblem with a friendly message."""
        if not audio:
            raise VoiceProblem(messages.VOICE_EMPTY)
        if len(audio) > self.limits.max_bytes:
            raise VoiceProblem(messages.voice_too_large(len(audio), self.limits.max_bytes))
        try:
            fmt = sniff_format(audio)
            measured = await asyncio.to_thread(measure_duration, audio, fmt)
        except AudioDamaged as exc:
            raise VoiceProblem(messages.VOICE_DAMAGED) from exc
        except AudioUnreadable as exc:
            raise VoiceProblem(messages.voice_not_audio(str(exc), SUPPORTED_NAMES)) from exc
        # The container's own figure first: a platform's metadata can be missing or rounded.
        seconds = measured if measured is not None else duration_s
        if seconds is not None and seconds < MIN_SECONDS:
            raise VoiceProblem(messages.VOICE_TOO_SHORT)
        if seconds is not None and seconds > self.limits.max_seconds:
            raise VoiceProblem(messages.voice_too_long(seconds, self.limits.max_seconds))
        name = _upload_name(filename, fmt)
        if len(audio) <= WHISPER_MAX_BYTES:
            return PreparedAudio(data=audio, filename=name, mime=fmt.mime, seconds=seconds)
        return await self._shrink(audio, name=name, fmt=fmt, seconds=seconds)

    async def _shrink(self, audio: bytes, *, name: str, fmt: AudioFormat, seconds: float | None) -> PreparedAudio:
        ffmpeg = find_ffmpeg(self._ffmpeg)
        if ffmpeg is None:
            raise VoiceProblem(messages.voice_too_large(len(audio), WHISPER_MAX_BYTES))
        try:
            small = await to_small_opus(audio, ffmpeg=ffmpeg, suffix=fmt.extension)
        except (ReencodeFailed, TimeoutError) as exc:
            raise VoiceProblem(messages.VOICE_DAMAGED) from exc
        return PreparedAudio(
            data=small, filename=str(PurePath(name).with_suffix(".ogg")), mime="audio/ogg", seconds=seconds
        )

    async def transcribe(
        self, audio: PreparedAudio, *, prompt: str, language: str | None, deadline_s: float
    ) -> tuple[Transcript, Usage]:
        """The transcript of a prepared recording; VoiceProblem when the service cannot produce one."""
        if self.transcriber is None:
            raise VoiceProblem(messages.VOICE_UNAVAILABLE)
        try:
            async with asyncio.timeout(deadline_s):
                return await self.transcriber.transcribe(
                    audio.data, filename=audio.filename, mime=audio.mime, prompt=prompt, language=language
                )
        except TimeoutError:
            raise VoiceProblem(messages.voice_failed("The transcription service is taking too long.")) from None
        except ModelUnavailable as exc:
            raise VoiceProblem(messages.voice_failed(str(exc))) from exc
        except AudioRejected as exc:
            raise VoiceProblem(messages.VOICE_DAMAGED) from exc


def is_noise(transcript: Transcript, *, prompt: str) -> bool:
    """Whether a transcript holds no answer: empty, only sounds, a known silence phrase, or the prompt echoed back."""
    if transcript.silent:
        return True
    spoken = _BRACKETED.sub(" ", transcript.text)
    letters = _NON_LETTERS.sub("", spoken)
    if len(letters) < 2:
        return True
    words = _NON_LETTERS.sub(" ", spoken).lower().split()
    if " ".join(words) in _HALLUCINATIONS:
        return True
    # On silence Whisper sometimes repeats its prompt back: a stretch of the prompt's own words is not an answer.
    prompt_text = " " + " ".join(_NON_LETTERS.sub(" ", prompt).lower().split()) + " "
    return len(words) >= 4 and f" {' '.join(words)} " in prompt_text


def _upload_name(filename: str, fmt: AudioFormat) -> str:
    """The user's file name with the extension of what it really is: servers pick the decoder by extension."""
    stem = PurePath(filename.replace("\\", "/")).stem.strip() or "voice-answer"
    return f"{stem}{fmt.extension}"
