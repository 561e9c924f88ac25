"""The storage port: interviews, the outbox and the inbox, exactly-once claims. Implementation: db/store.py.

Every write that an inbound event causes takes the event's id (event_id) and records it as processed in the same
transaction, so an event is claimed exactly when its change is stored: a redelivery raises DuplicateEvent.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from core.domain.daily import DailySchedule
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
from core.ports.groups import GroupStore
from core.ports.platform import OutboxItem


class StoreError(Exception):
    """Base class of storage errors the core reacts to."""


class ActiveInterviewExists(StoreError):
    """The conversation already has an open (active or paused) interview."""


class TurnConflict(StoreError):
    """Another worker wrote this turn first (same interview and seq, or the answer was already taken)."""


class DuplicateEvent(TurnConflict):
    """The event was processed already (a redelivery, or a racing copy): nothing was written."""


class OutboxStore(Protocol):
    """Replies stored before they are sent (see core.interview.outbox). Replies are stored keyed."""

    async def queue_replies(
        self, conv: ConversationRef, replies: Sequence[Reply], *, lease_s: float, event_id: str | None = None
    ) -> None:
        """Store keyed replies leased to this worker for lease_s, with event_id claimed in the same transaction
        (DuplicateEvent if it was processed already)."""

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

    async def inbox_stalled(
        self, platform: str, *, older_than_s: float, max_attempts: int, limit: int
    ) -> list[dict[str, Any]]:
        """Take over events stored longer than older_than_s ago and never handled (each attempt counted)."""

    async def purge_delivered(self, *, older_than_s: float) -> None:
        """Forget handled events and sent replies older than older_than_s (they hold what people wrote)."""


class QuotaStore(Protocol):
    """The reads behind the abuse limits (core.interview.quotas)."""

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


class EventStore(Protocol):
    """Exactly-once claims of platform events, and the locks that keep two starts in one place apart."""

    async def claim_event(self, platform: str, event_id: str) -> bool:
        """Record a platform event id (and mark it handled in the inbox); True the first time, False for a copy."""

    async def event_seen(self, platform: str, event_id: str) -> bool:
        """Whether a platform event id was recorded already."""

    async def claim_start(
        self, platform: str, workspace_id: str, channel_id: str, user_id: str, *, hold_s: float, event_id: str | None
    ) -> bool:
        """Take the person's start lock in a channel (one taken longer than hold_s ago is taken over), with event_id
        claimed in the same transaction; False while another start holds it (the event is claimed all the same),
        DuplicateEvent for an event processed already."""

    async def release_start(self, platform: str, workspace_id: str, channel_id: str, user_id: str) -> None:
        """Let go of a start lock."""


class DailyStore(Protocol):
    """The daily questions' schedules (core/interview/daily.py)."""

    async def save_daily(self, schedule: DailySchedule) -> None:
        """Keep a person's daily question, replacing the one they had."""

    async def daily_of(self, platform: str, workspace_id: str, user_id: str) -> DailySchedule | None:
        """A person's daily question, or None."""

    async def drop_daily(self, platform: str, workspace_id: str, user_id: str) -> bool:
        """Stop a person's daily question; whether there was one."""

    async def due_dailies(self, platform: str, *, now: datetime, limit: int = 50) -> list[DailySchedule]:
        """The platform's daily questions due by now, the longest waiting first."""

    async def advance_daily(self, schedule: DailySchedule, next_due_at: datetime) -> bool:
        """Move a daily question on to next_due_at if it is still due when schedule says; whether this call did."""


class InterviewStore(OutboxStore, InboxStore, QuotaStore, EventStore, DailyStore, GroupStore, Protocol):
    """Durable storage of interviews; every method is safe to call from the event loop."""

    async def create_interview(
        self,
        interview: Interview,
        *,
        replies: Sequence[Reply] = (),
        lease_s: float = 0.0,
        event_id: str | None = None,
    ) -> None:
        """Insert a new interview, its turns and the replies announcing it (into the outbox, leased for lease_s)
        in one transaction, with event_id claimed; ActiveInterviewExists if the conversation has one open."""

    async def get_interview(self, interview_id: str) -> Interview | None:
        """The interview with its turns ordered by seq, or None."""

    async def get_open_interview(self, conv: ConversationRef) -> Interview | None:
        """The conversation's active or paused interview, or None."""

    async def thread_owner(self, conv: ConversationRef) -> str | None:
        """The candidate of the newest interview held in conv's thread (any status, whoever conv's user is)."""

    async def open_in_channel(
        self, *, platform: str, workspace_id: str, channel_id: str, user_id: str
    ) -> Interview | None:
        """The person's open interview in any thread of a channel, or None."""

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

    async def asked_questions(self, *, platform: str, user_id: str, role: str) -> dict[str, datetime]:
        """Pack question id -> when this person was last asked it as a main question in that role."""

    async def interviews_of(
        self, *, platform: str, user_id: str, role: str | None = None, limit: int = 500
    ) -> list[Interview]:
        """A person's interviews whole (any workspace), oldest first: the newest `limit`, in one role if given."""

    async def update_interview(
        self,
        interview: Interview,
        *,
        replies: Sequence[Reply] = (),
        lease_s: float = 0.0,
        event_id: str | None = None,
    ) -> None:
        """Write the header fields (status, level, language, state, overall_score, summary, ended_at) with the
        replies announcing the change and event_id claimed, in one transaction; TurnConflict if a keyed reply was
        stored already."""

    async def add_turn(
        self,
        interview_id: str,
        turn: Turn,
        *,
        header: Interview | None = None,
        usage: Usage | None = None,
        replies: Sequence[Reply] = (),
        lease_s: float = 0.0,
        event_id: str | None = None,
    ) -> None:
        """Insert a turn, with header's header fields, the usage of the call that chose it, the replies asking it
        (they need header) and event_id claimed, in one transaction; TurnConflict if (interview_id, seq) exists."""

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
        replies: Sequence[Reply] = (),
        lease_s: float = 0.0,
    ) -> None:
        """Store the answer of an open turn with the replies it owes at once (a transcript) and event_id claimed,
        in one transaction; TurnConflict if it was answered, skipped or hinted already, DuplicateEvent for an
        event processed already."""

    async def close_turn(
        self,
        interview_id: str,
        seq: int,
        *,
        skipped: bool = False,
        hint_requested: bool = False,
        event_id: str | None = None,
    ) -> None:
        """Close an unanswered turn as skipped or as turned into a hint, with event_id claimed; TurnConflict if it
        was not open."""

    async def save_grade(self, interview_id: str, seq: int, grade: Grade, *, usage: Usage | None = None) -> None:
        """Store (or replace) the grade of an answered turn, with the usage of the call that made it."""

    async def record_usage(self, interview_id: str, usage: Usage) -> None:
        """Append one model call's usage."""

    async def usage_totals(self, interview_id: str) -> UsageTotals:
        """Sum of the interview's recorded usage."""

    async def delete_user_data(
        self,
        *,
        user_id: str,
        platform: str | None = None,
        workspace_id: str | None = None,
        event_id: str | None = None,
    ) -> DeletedData:
        """Erase a person's interviews with their turns and usage records, and their daily question (optionally on
        one platform or workspace), with event_id claimed on that platform in the same transaction."""

    async def close(self) -> None:
        """Release connections."""
