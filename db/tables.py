"""The SQLAlchemy models of the schema; db/migrations/versions must create exactly these."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Deterministic constraint names, so migrations can refer to them and errors can be told apart.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# The partial unique index that allows one open interview per conversation, across processes.
OPEN_INTERVIEW_INDEX = "uq_interviews_open_conversation"
OPEN_STATUS_CLAUSE = "status IN ('active', 'paused')"
TURN_SEQ_CONSTRAINT = "uq_turns_interview_id_seq"
OUTBOX_KEY_CONSTRAINT = "uq_outbox_key"


class UtcDateTime(TypeDecorator[datetime]):
    """DateTime(timezone=True) that stores UTC and always returns timezone-aware UTC values."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert to UTC: SQLite keeps only the wall-clock digits, so they must all be UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: the store only takes timezone-aware values")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Attach UTC to SQLite's naive values; move PostgreSQL's to UTC whatever the session zone."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of every table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class InterviewRow(Base):
    """One mock interview (the header; its turns live in `turns`)."""

    __tablename__ = "interviews"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    workspace_id: Mapped[str] = mapped_column(String(128))
    channel_id: Mapped[str] = mapped_column(String(128))
    # ConversationRef.thread_id, "" for None: NULLs never collide in a unique index.
    thread_key: Mapped[str] = mapped_column(String(128))
    user_id: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    planned_questions: Mapped[int] = mapped_column(Integer)
    level: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    overall_score: Mapped[float | None] = mapped_column(Float)
    summary: Mapped[str | None] = mapped_column(Text)
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")

    __table_args__ = (
        Index(
            OPEN_INTERVIEW_INDEX,
            "platform",
            "workspace_id",
            "channel_id",
            "thread_key",
            "user_id",
            unique=True,
            sqlite_where=text(OPEN_STATUS_CLAUSE),
            postgresql_where=text(OPEN_STATUS_CLAUSE),
        ),
        Index("ix_interviews_user_id_created_at", "user_id", "created_at"),
        Index("ix_interviews_created_at", "created_at"),
        # The abuse limits (db/quotas.py): a workspace's recently written interviews.
        Index("ix_interviews_platform_workspace_id_updated_at", "platform", "workspace_id", "updated_at"),
        # Whose interview a thread holds (the candidate-only rule): the newest one held there.
        Index(
            "ix_interviews_platform_channel_id_thread_key_created_at",
            "platform",
            "channel_id",
            "thread_key",
            "created_at",
        ),
    )


class TurnRow(Base):
    """One question–response pair of an interview."""

    __tablename__ = "turns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    interview_id: Mapped[str] = mapped_column(String(36), ForeignKey("interviews.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    question: Mapped[str] = mapped_column(Text)
    question_index: Mapped[int | None] = mapped_column(Integer)
    asked_at: Mapped[datetime] = mapped_column(UtcDateTime)
    answer: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(16))
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    answer_event_id: Mapped[str | None] = mapped_column(String(255))
    audio_seconds: Mapped[float | None] = mapped_column(Float)
    skipped: Mapped[bool] = mapped_column(default=False, server_default=false())
    hint_requested: Mapped[bool] = mapped_column(default=False, server_default=false())
    score: Mapped[int | None] = mapped_column(Integer)  # copy of grade["score"], for queries
    # none_as_null: a missing grade is SQL NULL, not the JSON text 'null'.
    grade: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    graded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    # The unique index also serves every "turns of this interview" lookup.
    __table_args__ = (UniqueConstraint("interview_id", "seq", name=TURN_SEQ_CONSTRAINT),)


class ProcessedEventRow(Base):
    """A platform event id already handled (dedupe of retries and redeliveries)."""

    __tablename__ = "processed_events"

    platform: Mapped[str] = mapped_column(String(32), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class LlmUsageRow(Base):
    """Token usage and latency of one model call."""

    __tablename__ = "llm_usage"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    interview_id: Mapped[str] = mapped_column(String(36), ForeignKey("interviews.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(32))
    model: Mapped[str] = mapped_column(String(128))
    prompt_tokens: Mapped[int] = mapped_column(Integer)
    cached_tokens: Mapped[int] = mapped_column(Integer)
    completion_tokens: Mapped[int] = mapped_column(Integer)
    latency_ms: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class OutboxRow(Base):
    """A reply stored before it is sent; sent_at and message_id say it went out (see core.outbox)."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str | None] = mapped_column(String(255), unique=True)  # a reply standing for a change, stored once
    interview_id: Mapped[str | None] = mapped_column(
        String(36), ForeignKey("interviews.id", ondelete="CASCADE"), index=True
    )
    platform: Mapped[str] = mapped_column(String(32))
    workspace_id: Mapped[str] = mapped_column(String(128))
    channel_id: Mapped[str] = mapped_column(String(128))
    thread_key: Mapped[str] = mapped_column(String(128))
    user_id: Mapped[str] = mapped_column(String(128))
    reply: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    lease_until: Mapped[datetime] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    message_id: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (Index("ix_outbox_platform_sent_at_lease_until", "platform", "sent_at", "lease_until"),)


class InboxRow(Base):
    """A platform event stored before it was acknowledged; done_at says it was handled."""

    __tablename__ = "inbox"

    platform: Mapped[str] = mapped_column(String(32), primary_key=True)
    event_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128), index=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_inbox_platform_done_at_received_at", "platform", "done_at", "received_at"),)


class StartLockRow(Base):
    """A start under way: one person's in one channel, held while its thread is opened (see core.interview.starting)."""

    __tablename__ = "start_locks"

    platform: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    acquired_at: Mapped[datetime] = mapped_column(UtcDateTime)


class DailyQuestionRow(Base):
    """One person's daily question: their DM, the local time and zone it comes at, and when the next is due."""

    __tablename__ = "daily_questions"

    platform: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(128))
    local_time: Mapped[str] = mapped_column(String(5))  # "HH:MM"
    zone: Mapped[str] = mapped_column(String(64))
    role: Mapped[str | None] = mapped_column(String(64))
    next_due_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_daily_questions_platform_next_due_at", "platform", "next_due_at"),)


class GroupSessionRow(Base):
    """A study group's session in one thread: its phase, a version for compare-and-set, and the rest as JSON."""

    __tablename__ = "group_sessions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    workspace_id: Mapped[str] = mapped_column(String(128))
    channel_id: Mapped[str] = mapped_column(String(128))
    thread_key: Mapped[str] = mapped_column(String(128))
    host_id: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(64))
    phase: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer)
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        # One group session per thread, ever: a thread's buttons and answers can only ever mean one session.
        UniqueConstraint("platform", "workspace_id", "channel_id", "thread_key", name="uq_group_sessions_thread"),
        Index("ix_group_sessions_platform_due_at", "platform", "due_at"),
    )


class GroupMemberRow(Base):
    """Who took part in which group session: how a person's group answers are found to erase them."""

    __tablename__ = "group_members"

    group_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("group_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    workspace_id: Mapped[str] = mapped_column(String(128))

    __table_args__ = (Index("ix_group_members_platform_user_id", "platform", "user_id"),)


def table_of(row: type[Base]) -> Table:
    """The Core Table of a declarative row class (typed as the Table it is, for insert/update/delete)."""
    table = row.__table__
    assert isinstance(table, Table)
    return table
