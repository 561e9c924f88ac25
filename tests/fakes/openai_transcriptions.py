"""The fake OpenAI's audio transcriptions endpoint: records uploads, refuses undecodable audio, answers like Whisper."""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from tests.fakes.openai_endpoint import EndpointBase, error_response

# Containers a transcription service decodes (mp4 is recognised by its "ftyp" box at offset 4).
_AUDIO_MAGIC = (b"OggS", b"\x1a\x45\xdf\xa3", b"ID3", b"\xff\xfb", b"\xff\xf3", b"RIFF", b"fLaC")


class TranscriptionsMixin(EndpointBase):
    """POST /v1/audio/transcriptions; mixed into FakeOpenAI."""

    transcript_text: str
    transcript_duration: float
    transcript_silent: bool
    supports_verbose_json: bool
    transcriptions: list[dict[str, Any]]

    async def _transcribe(self, request: web.Request) -> web.Response:
        arrived = time.monotonic()
        _headers, authorized = self._headers(request)
        form = await request.post()
        upload = form.get("file")
        audio = upload.file.read() if isinstance(upload, web.FileField) else b""
        fields = {k: (str(form[k]) if k in form else None) for k in ("model", "prompt", "language", "response_format")}
        record = {
            "at": arrived,
            **fields,
            "filename": getattr(upload, "filename", None),
            "content_type": getattr(upload, "content_type", None),
            "byte_length": len(audio),
            "bytes": audio,
            "authorized": authorized,
        }
        self.transcriptions.append(record)
        await self._delay()
        if not authorized:
            return self._unauthorized(request)
        step = self._next_script("transcriptions")
        if step:
            response = await self._transport_fault(step[1])
            if response is not None:
                return response
        response_format = fields["response_format"] or "json"
        if response_format == "verbose_json" and not self.supports_verbose_json:
            return error_response(
                400,
                f"response_format 'verbose_json' is not compatible with model '{fields['model']}'.",
                kind="invalid_request_error",
                code="unsupported_value",
                param="response_format",
            )
        if not audio.startswith(_AUDIO_MAGIC) and audio[4:8] != b"ftyp":
            # What OpenAI answers for bytes it cannot decode.
            return error_response(
                400,
                "The audio file could not be decoded or its format is not supported.",
                kind="invalid_request_error",
                param="file",
            )
        if response_format in ("text", "srt", "vtt"):
            return web.Response(text=self.transcript_text)
        if response_format == "verbose_json":
            return web.json_response(self._verbose(fields["language"]))
        return web.json_response({"text": self.transcript_text})

    def _verbose(self, language: str | None) -> dict[str, Any]:
        no_speech, logprob = (0.92, -1.6) if self.transcript_silent else (0.01, -0.2)
        segment = {
            "id": 0,
            "seek": 0,
            "start": 0.0,
            "end": self.transcript_duration,
            "text": self.transcript_text,
            "tokens": [50364, 400],
            "temperature": 0.0,
            "avg_logprob": logprob,
            "compression_ratio": 1.2,
            "no_speech_prob": no_speech,
        }
        return {
            "task": "transcribe",
            "language": {"hi": "hindi", "en": "english"}.get(language or "en", language),
            "duration": self.transcript_duration,
            "text": self.transcript_text,
            "segments": [segment],
        }
