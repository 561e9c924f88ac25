"""The ports the core talks through: storage and the chat model. Implementations live outside core/."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from core.domain.models import (
    AnswerSource,
    ConversationRef,
    DeletedData,
    Grade,
    Interview,
    InterviewSummary,
    Turn,
    Usage,
    UsageTotals,
)
from core.domain.replies import Reply


@dataclass(frozen=True)
class OutboxItem:
    """One stored reply waiting to be sent (or sent already, when sent is True).

    A keyed reply fresh from the core is known by its key alone: its row was written with its change, so sending
    it needs no read first."""

    id: int | None
    conv: ConversationRef
    reply: Reply
    attempts: int = 0
    sent: bool = False

    @property
    def ref(self) -> str:
        """What names this item on the platform side (message metadata): its key, else its row id."""
        return self.reply.key or f"#{self.id}"


class StoreError(Exception):
    """Base class of storage errors the core reacts to."""


class ActiveInterviewExists(StoreError):
    """The conversation already has an open (active or paused) interview."""


class TurnConflict(StoreError):
    """Another worker wrote this turn first (same interview and seq, or the answer was already taken)."""


class OutboxStore(Protocol):
    """Replies stored before they are sent (see core.outbox)."""

    async def queue_replies(self, conv: ConversationRef, replies: list[Reply], *, lease_s: float) -> list[OutboxItem]:
        """Store replies (unkeyed: keyed ones are stored with their change), leased to this worker for lease_s;
        their outbox items, in order."""

    async def mark_sent(self, *, item_id: int | None, key: str | None, message_id: str | None) -> None:
        """Record that an item (by row id, else by key) was sent, with the platform's id of its (first) message."""

    async def claim_unsent(self, platform: str, *, lease_s: float, max_attempts: int, limit: int) -> list[OutboxItem]:
        """Take over unsent items whose lease ran out (oldest first), leasing them to this worker for lease_s."""

    async def unsent_for(self, conv: ConversationRef) -> list[OutboxItem]:
        """The conversation's items never marked sent, oldest first, whatever their lease."""


class InboxStore(Protocol):
    """Platform events stored before they are acknowledged, so a crash after the acknowledgement loses none."""

    async def inbox_put(self, platform: str, event_key: str, *, user_id: str, body: dict[str, Any]) -> bool:
        """Store an event; False when it was stored already (a redelivery)."""

    async def inbox_done(self, platform: str, event_key: str) -> None:
        """Mark an event handled."""

    async def inbox_stalled(
        self, platform: str, *, older_than_s: float, max_attempts: int, limit: int
    ) -> list[dict[str, Any]]:
        """Take over events stored longer than older_than_s ago and never handled (each attempt counted)."""

    async def purge_delivered(self, *, older_than_s: float) -> None:
        """Forget handled events and sent replies older than older_than_s (they hold what people wrote)."""


class InterviewStore(OutboxStore, InboxStore, Protocol):
    """Durable storage of interviews; every method is safe to call from the event loop."""

    async def create_interview(
        self, interview: Interview, *, replies: Sequence[Reply] = (), lease_s: float = 0.0
    ) -> None:
        """Insert a new interview, its turns and the replies announcing it (into the outbox, leased for lease_s)
        in one transaction; raise ActiveInterviewExists if the conversation has one open."""

    async def get_interview(self, interview_id: str) -> Interview | None:
        """The interview with its turns ordered by seq, or None."""

    async def get_open_interview(self, conv: ConversationRef) -> Interview | None:
        """The conversation's active or paused interview, or None."""

    async def find_interview_ids(
        self,
        prefix: str,
        *,
        user_id: str | None = None,
        platform: str | None = None,
        workspace_id: str | None = None,
    ) -> list[str]:
        """Ids starting with prefix (case-insensitive), filtered by whichever of user, platform and workspace are
        given; at most 10."""

    async def list_interviews(
        self,
        *,
        user_id: str | None = None,
        platform: str | None = None,
        workspace_id: str | None = None,
        limit: int = 20,
        channel_id: str | None = None,
    ) -> list[InterviewSummary]:
        """Interviews newest first, filtered by whichever of user, platform, workspace and channel are given."""

    async def update_interview(
        self, interview: Interview, *, replies: Sequence[Reply] = (), lease_s: float = 0.0
    ) -> None:
        """Write the header fields (status, level, language, state, overall_score, summary, ended_at) with the
        replies announcing the change, in one transaction; TurnConflict if a keyed reply was stored already."""

    async def add_turn(
        self,
        interview_id: str,
        turn: Turn,
        *,
        header: Interview | None = None,
        usage: Usage | None = None,
        replies: Sequence[Reply] = (),
        lease_s: float = 0.0,
    ) -> None:
        """Insert a turn, with header's header fields, the usage of the call that chose it and the replies asking
        it (into the outbox; they need header), in one transaction; TurnConflict if (interview_id, seq) exists."""

    async def stalled_interviews(self, platform: str, *, idle_s: float, limit: int = 50) -> list[str]:
        """Active interviews idle for idle_s (up to a day) whose last turn is closed without a next one, or that
        hold an ungraded answer: a worker stopped mid-turn. Oldest first."""

    async def save_answer(
        self,
        interview_id: str,
        seq: int,
        *,
        answer: str,
        source: AnswerSource,
        answered_at: datetime,
        event_id: str | None = None,
        audio_seconds: float | None = None,
    ) -> None:
        """Store the answer of an open turn; raise TurnConflict if it was answered, skipped or hinted already.

        With an event_id the event is recorded as processed in the same transaction, so an event is marked
        processed exactly when its answer is stored; a duplicate event raises TurnConflict and stores nothing.
        """

    async def close_turn(
        self, interview_id: str, seq: int, *, skipped: bool = False, hint_requested: bool = False
    ) -> None:
        """Close an unanswered turn as skipped or as turned into a hint; raise TurnConflict if it was not open."""

    async def save_grade(self, interview_id: str, seq: int, grade: Grade, *, usage: Usage | None = None) -> None:
        """Store (or replace) the grade of an answered turn, with the usage of the call that made it."""

    async def record_usage(self, interview_id: str, usage: Usage) -> None:
        """Append one model call's usage."""

    async def usage_totals(self, interview_id: str) -> UsageTotals:
        """Sum of the interview's recorded usage."""

    async def delete_user_data(
        self, *, user_id: str, platform: str | None = None, workspace_id: str | None = None
    ) -> DeletedData:
        """Erase a person's interviews with their turns and usage records (optionally on one platform or workspace)."""

    async def claim_event(self, platform: str, event_id: str) -> bool:
        """Record a platform event id; True the first time, False for a duplicate."""

    async def event_seen(self, platform: str, event_id: str) -> bool:
        """Whether a platform event id was recorded already (by claim_event or save_answer)."""

    async def close(self) -> None:
        """Release connections."""

    async def count_open_interviews(self, *, platform: str, workspace_id: str, user_id: str) -> int:
        """How many active or paused interviews the person has on that platform and workspace."""

    async def answer_times(
        self, *, platform: str, workspace_id: str, user_id: str, since: datetime, limit: int
    ) -> list[datetime]:
        """When the person's answers stored since `since` (on that platform and workspace) were given, newest
        first, at most limit."""

    async def tokens_since(self, *, platform: str, workspace_id: str, user_id: str | None, since: datetime) -> int:
        """Prompt plus completion tokens of the model calls since `since` for the interviews of that platform and
        workspace (only the person's when user_id is given)."""


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
    ) -> ChatResult:
        """Ask for one JSON object matching schema; raise ModelUnavailable or ModelOutputInvalid."""


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
