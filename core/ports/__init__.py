"""The ports the core talks through: storage, the AI models and the platforms. Implementations live outside them:
db/ stores, core/providers/ talks to OpenAI-compatible servers, bots/ shows replies on each platform."""

from core.ports.ai import (
    AudioRejected,
    ChatModel,
    ChatResult,
    ModelError,
    ModelOutputInvalid,
    ModelUnavailable,
    Transcriber,
    Transcript,
)
from core.ports.platform import AudioUnavailable, FetchAudio, OutboxItem, ReplySender
from core.ports.store import (
    ActiveInterviewExists,
    DuplicateEvent,
    InboxStore,
    InterviewStore,
    OutboxStore,
    QuotaStore,
    StoreError,
    TurnConflict,
)

__all__ = [
    "ActiveInterviewExists",
    "AudioRejected",
    "AudioUnavailable",
    "ChatModel",
    "ChatResult",
    "DuplicateEvent",
    "FetchAudio",
    "InboxStore",
    "InterviewStore",
    "ModelError",
    "ModelOutputInvalid",
    "ModelUnavailable",
    "OutboxItem",
    "OutboxStore",
    "QuotaStore",
    "ReplySender",
    "StoreError",
    "Transcriber",
    "Transcript",
    "TurnConflict",
]
