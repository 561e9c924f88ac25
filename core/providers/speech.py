"""Speech to text over an OpenAI-compatible audio.transcriptions endpoint (OpenAI Whisper or a self-hosted server)."""

from __future__ import annotations

import logging
import time
from typing import Literal

import openai

from core.domain.models import Usage
from core.ports import AudioRejected, ModelUnavailable, Transcript
from core.providers.chat import pooled_http_client
from core.providers.errors import endpoint, unavailable
from core.providers.formats import names_response_format
from core.providers.retry import Backoff, with_retries
from core.providers.transcripts import read_transcript

log = logging.getLogger(__name__)

Format = Literal["verbose_json", "json", "text"]
_FORMATS: tuple[Format, ...] = ("verbose_json", "json", "text")
_UNREADABLE = "The transcription service sent a reply I couldn't read."


class WhisperTranscriber:
    """A Transcriber over openai.AsyncOpenAI audio.transcriptions."""

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str | None = None,
        model: str,
        timeout_s: float = 60.0,
        max_retries: int = 2,
        backoff: Backoff | None = None,
    ) -> None:
        self.model = model
        # Retries are ours (core/retry.py: jittered, capped), so the SDK's own are off.
        self._retries = max_retries
        self._backoff = backoff or Backoff()
        self._client = openai.AsyncOpenAI(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout_s,
            max_retries=0,
            http_client=pooled_http_client(),
        )
        self._where = endpoint(self._client.base_url)
        # verbose_json adds the duration and per-segment silence scores; gpt-4o-transcribe and some servers reject it
        # (with a 400, or a 500 that names it): then json, then plain text, remembered for later recordings.
        self._format: Format = _FORMATS[0]

    async def close(self) -> None:
        """Release the HTTP connections."""
        await self._client.close()

    async def transcribe(
        self, audio: bytes, *, filename: str, mime: str, prompt: str, language: str | None
    ) -> tuple[Transcript, Usage]:
        """Transcribe one recording; raise ModelUnavailable (down, unreadable reply) or AudioRejected (bad audio)."""
        started = time.perf_counter()
        while True:
            asked = self._format
            try:
                raw = await with_retries(
                    self._client.audio.transcriptions.with_raw_response.create,
                    retries=self._retries,
                    backoff=self._backoff,
                    purpose="transcribe",
                    file=(filename, audio, mime),
                    model=self.model,
                    prompt=prompt or openai.omit,
                    language=language or openai.omit,
                    response_format=asked,
                )
                break
            except openai.APIStatusError as exc:
                if asked != _FORMATS[-1] and names_response_format(exc):
                    self._step_down(asked)
                    continue
                if not isinstance(exc, openai.BadRequestError):
                    raise unavailable(exc, "transcribe", service="transcription service", where=self._where) from None
                log.warning("transcription rejected: status=%s request_id=%s", exc.status_code, exc.request_id)
                raise AudioRejected("The transcription service could not read that recording.") from exc
            except openai.OpenAIError as exc:
                raise unavailable(exc, "transcribe", service="transcription service", where=self._where) from None
        # Only the decoding of the reply: a 200 whose body is not the JSON it claims to be is a reply we cannot use.
        try:
            reply: object = raw.parse()
        except ValueError:
            reply = None
        transcript = read_transcript(reply) if reply is not None else None
        if transcript is None:
            # The reply's type only: its body may be a proxy's page, or echo what was said.
            log.warning("transcription reply unusable: %s from %s", type(reply).__name__, self._where)
            raise ModelUnavailable(_UNREADABLE)
        usage = Usage(purpose="transcribe", model=self.model, latency_ms=int((time.perf_counter() - started) * 1000))
        return transcript, usage

    def _step_down(self, refused: Format) -> None:
        """Ask in the next format from now on, as the server refused `refused` (unless another call moved on)."""
        below = _FORMATS[_FORMATS.index(refused) + 1]
        if _FORMATS.index(below) > _FORMATS.index(self._format):
            log.info("transcription server rejects %s; using %s", refused, below)
            self._format = below
