"""The AI ports: a chat model that answers with JSON, and speech to text. Implementations: core/providers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from core.domain.models import Usage


class ModelError(Exception):
    """A model call failed; the message is safe to show to a user."""

    def __init__(self, message: str, *, usage: Usage | None = None) -> None:
        super().__init__(message)
        self.usage = usage  # tokens already spent on replies that could not be used


class ModelUnavailable(ModelError):
    """The model could not be reached or kept failing (timeouts, 429s, 5xx) after retries."""


class ModelOutputInvalid(ModelError):
    """The model answered, but not with the JSON we asked for, even after one retry."""


@dataclass(frozen=True)
class ChatResult:
    """A parsed JSON object from the model with the call's usage."""

    data: dict[str, Any]
    usage: Usage


class ChatModel(Protocol):
    """A chat model that answers with one JSON object."""

    model: str

    async def close(self) -> None:
        """Release the HTTP connections."""

    async def complete_json(
        self,
        *,
        purpose: str,
        messages: list[dict[str, str]],
        schema_name: str,
        schema: dict[str, Any],
        temperature: float | None = None,
        max_tokens: int | None = None,
    ) -> ChatResult:
        """Ask for one JSON object matching schema (at temperature, else the client's own; at most max_tokens long
        where the server takes a bound); raise ModelUnavailable or ModelOutputInvalid."""


@dataclass(frozen=True)
class Transcript:
    """What a speech-to-text model heard in one recording."""

    text: str
    duration_s: float | None = None  # as the model measured it, when it says
    language: str | None = None
    silent: bool = False  # the model itself judged every segment to be no speech


class AudioRejected(Exception):
    """The transcription service could not decode the recording; the message is user-facing."""


class Transcriber(Protocol):
    """Speech to text for voice answers."""

    model: str

    async def close(self) -> None:
        """Release the HTTP connections."""

    async def transcribe(
        self, audio: bytes, *, filename: str, mime: str, prompt: str, language: str | None
    ) -> tuple[Transcript, Usage]:
        """Transcribe one recording; raise ModelUnavailable (service down) or AudioRejected (bad audio)."""
