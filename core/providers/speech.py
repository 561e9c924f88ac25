"""Speech to text over an OpenAI-compatible audio.transcriptions endpoint (OpenAI Whisper or a self-hosted server)."""

from __future__ import annotations

import logging
import time
from typing import Literal

import openai
from openai.types.audio import Transcription, TranscriptionVerbose

from core.domain.models import Usage
from core.ports import AudioRejected, Transcript
from core.providers.chat import pooled_http_client
from core.providers.errors import endpoint, unavailable
from core.providers.retry import Backoff, with_retries

log = logging.getLogger(__name__)

Format = Literal["verbose_json", "json"]
# Whisper's own rule for a segment that holds no speech (openai/whisper transcribe.py defaults).
_NO_SPEECH_PROB = 0.6
_LOW_LOGPROB = -1.0


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
        # verbose_json adds the duration and per-segment silence scores; gpt-4o-transcribe and some servers reject it.
        self._format: Format = "verbose_json"

    async def close(self) -> None:
        """Release the HTTP connections."""
        await self._client.close()

    async def transcribe(
        self, audio: bytes, *, filename: str, mime: str, prompt: str, language: str | None
    ) -> tuple[Transcript, Usage]:
        """Transcribe one recording; raise ModelUnavailable (service down) or AudioRejected (bad audio)."""
        started = time.perf_counter()
        while True:
            try:
                result = await with_retries(
                    self._client.audio.transcriptions.create,
                    retries=self._retries,
                    backoff=self._backoff,
                    purpose="transcribe",
                    file=(filename, audio, mime),
                    model=self.model,
                    prompt=prompt or openai.omit,
                    language=language or openai.omit,
                    response_format=self._format,
                )
                break
            except openai.BadRequestError as exc:
                if self._format == "verbose_json" and _mentions_format(exc):
                    log.info("transcription server rejects verbose_json; using json")
                    self._format = "json"
                    continue
                log.warning("transcription rejected: status=%s request_id=%s", exc.status_code, exc.request_id)
                raise AudioRejected("The transcription service could not read that recording.") from exc
            except openai.OpenAIError as exc:
                raise unavailable(exc, "transcribe", service="transcription service", where=self._where) from None
        usage = Usage(purpose="transcribe", model=self.model, latency_ms=int((time.perf_counter() - started) * 1000))
        return _transcript(result), usage


def _mentions_format(exc: openai.BadRequestError) -> bool:
    text = f"{exc.message} {exc.param or ''}".lower()
    return "response_format" in text or "verbose_json" in text


def _transcript(result: str | Transcription | TranscriptionVerbose) -> Transcript:
    # segments, duration and language come only with verbose_json, and not from every server: read with getattr.
    if isinstance(result, str):  # a server that answers plain text whatever was asked
        return Transcript(text=result.strip())
    segments = getattr(result, "segments", None) or []
    silent = bool(segments) and all(
        s.no_speech_prob > _NO_SPEECH_PROB and s.avg_logprob < _LOW_LOGPROB for s in segments
    )
    duration = getattr(result, "duration", None)
    return Transcript(
        text=(result.text or "").strip(),
        duration_s=float(duration) if duration else None,
        language=getattr(result, "language", None),
        silent=silent,
    )
