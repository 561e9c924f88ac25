"""Exactly-once claims of platform events, written in the transaction of the change they cause, and start locks."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import ColumnElement, Connection, Engine, Update, and_, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from core.domain.models import utcnow
from core.ports import DuplicateEvent
from db.executor import in_db_thread
from db.statements import EVENTS, INSERT_EVENT_OF_INTERVIEW, PLATFORM_OF
from db.tables import InboxRow, StartLockRow, table_of

START_LOCKS = table_of(StartLockRow)
INBOX = table_of(InboxRow)
# Built once (db/statements.py says why): asked before showing progress on every redelivered event.
EVENT_SEEN = select(EVENTS.c.event_id).where(
    EVENTS.c.platform == bindparam("p_platform"), EVENTS.c.event_id == bindparam("p_event_id")
)
EVENT_KEY = "pk_processed_events"
_EVENT_COLUMNS = "processed_events.platform, processed_events.event_id"


def _marking_handled(platform: ColumnElement[str]) -> Update:
    return (
        update(INBOX)
        .where(INBOX.c.platform == platform, INBOX.c.event_key == bindparam("p_event_key"), INBOX.c.done_at.is_(None))
        .values(done_at=bindparam("p_done_at"))
    )


# An event is handled once it is recorded as processed: the transaction that records it marks it in the inbox too.
MARK_INBOX_DONE = _marking_handled(bindparam("p_platform"))
MARK_INBOX_DONE_OF_INTERVIEW = _marking_handled(PLATFORM_OF.scalar_subquery())  # on the interview's platform


def mark_handled(conn: Connection, platform: str, event_key: str) -> None:
    """Mark a kept event handled, in the caller's transaction."""
    conn.execute(MARK_INBOX_DONE, {"p_platform": platform, "p_event_key": event_key, "p_done_at": utcnow()})


def mark_handled_of_interview(conn: Connection, interview_id: str, event_key: str) -> None:
    """Mark a kept event of an interview handled, in the caller's transaction."""
    params = {"p_interview_id": interview_id, "p_event_key": event_key, "p_done_at": utcnow()}
    conn.execute(MARK_INBOX_DONE_OF_INTERVIEW, params)


def violates(err: IntegrityError, constraint: str, sqlite_columns: str) -> bool:
    """Whether err is a unique violation of that constraint (PostgreSQL names it, SQLite lists columns)."""
    diag = getattr(err.orig, "diag", None)
    if diag is not None:
        return getattr(diag, "constraint_name", None) == constraint
    return f"UNIQUE constraint failed: {sqlite_columns}" in str(err.orig)


def is_duplicate_event(err: IntegrityError) -> bool:
    """Whether err says an event id was recorded already."""
    return violates(err, EVENT_KEY, _EVENT_COLUMNS)


def claim(conn: Connection, platform: str, event_id: str | None) -> None:
    """Record an event as processed in the caller's transaction (and mark it handled in the inbox); the
    transaction fails with an IntegrityError (see is_duplicate_event) for an event recorded already."""
    if event_id is not None:
        conn.execute(insert(EVENTS).values(platform=platform, event_id=event_id, created_at=utcnow()))
        mark_handled(conn, platform, event_id)


def claim_of_interview(conn: Connection, interview_id: str, event_id: str | None) -> None:
    """claim(), on the platform of an interview the caller does not hold in memory."""
    if event_id is not None:
        conn.execute(
            INSERT_EVENT_OF_INTERVIEW,
            {"p_interview_id": interview_id, "p_event_id": event_id, "p_created_at": utcnow()},
        )
        mark_handled_of_interview(conn, interview_id, event_id)


def _lock_of(platform: str, workspace_id: str, channel_id: str, user_id: str) -> list[ColumnElement[bool]]:
    return [
        START_LOCKS.c.platform == platform,
        START_LOCKS.c.workspace_id == workspace_id,
        START_LOCKS.c.channel_id == channel_id,
        START_LOCKS.c.user_id == user_id,
    ]


class EventMethods:
    """The store's claims and start locks (mixed into SqlInterviewStore; see core.ports)."""

    engine: Engine

    @in_db_thread
    def claim_event(self, platform: str, event_id: str) -> bool:
        """Record a platform event id; True the first time, False for a duplicate."""
        # A plain INSERT on the primary key: the database decides the race between processes.
        try:
            with self.engine.begin() as conn:
                claim(conn, platform, event_id)
        except IntegrityError as err:
            if is_duplicate_event(err):
                return False
            raise
        return True

    @in_db_thread
    def event_seen(self, platform: str, event_id: str) -> bool:
        """Whether a platform event id was recorded already."""
        with self.engine.begin() as conn:
            return conn.execute(EVENT_SEEN, {"p_platform": platform, "p_event_id": event_id}).first() is not None

    @in_db_thread
    def claim_start(
        self, platform: str, workspace_id: str, channel_id: str, user_id: str, *, hold_s: float, event_id: str | None
    ) -> bool:
        """Take the start lock (taking over one older than hold_s) with the event claimed; False while another
        start holds it (the event claimed alone), DuplicateEvent for an event recorded already."""
        now = utcnow()
        where = _lock_of(platform, workspace_id, channel_id, user_id)
        row = {"platform": platform, "workspace_id": workspace_id, "channel_id": channel_id, "user_id": user_id}
        try:
            with self.engine.begin() as conn:
                # A lock this old belongs to a worker that stopped mid-start: the next start takes it over.
                conn.execute(
                    delete(START_LOCKS).where(and_(*where), START_LOCKS.c.acquired_at < now - timedelta(seconds=hold_s))
                )
                claim(conn, platform, event_id)
                conn.execute(insert(START_LOCKS).values(**row, acquired_at=now))
            return True
        except IntegrityError as err:
            if is_duplicate_event(err):
                raise DuplicateEvent(f"event {event_id} was processed already") from err
        # The lock is held: the event is answered all the same ("a start is under way"), so it is claimed alone.
        try:
            with self.engine.begin() as conn:
                claim(conn, platform, event_id)
        except IntegrityError as err:
            if is_duplicate_event(err):
                raise DuplicateEvent(f"event {event_id} was processed already") from err
            raise
        return False

    @in_db_thread
    def release_start(self, platform: str, workspace_id: str, channel_id: str, user_id: str) -> None:
        """Let go of a start lock."""
        with self.engine.begin() as conn:
            conn.execute(delete(START_LOCKS).where(*_lock_of(platform, workspace_id, channel_id, user_id)))
