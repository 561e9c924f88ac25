"""SqlInterviewStore: core.ports.InterviewStore on SQLAlchemy (SQLite or PostgreSQL)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Table, delete, func, insert, select
from sqlalchemy.exc import IntegrityError

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
    utcnow,
)
from core.domain.replies import Reply
from core.ports import ActiveInterviewExists, TurnConflict
from db.executor import LaneExecutor, in_db_thread
from db.mapping import (
    interview_values,
    summary_from_row,
    turn_values,
)
from db.outbox import INBOX, OUTBOX, OutboxMethods, mark_handled, mark_handled_of_interview, store_replies
from db.quotas import QuotaMethods
from db.statements import (
    EVENTS,
    INSERT_EVENT_OF_INTERVIEW,
    INTERVIEWS,
    OPEN_INTERVIEW,
    TURNS,
    UPDATE_ANSWERED_TURN,
    USAGE,
    add_usage,
    close_open_turn,
    load_interview,
    stalled_query,
    touch,
    write_header,
)
from db.tables import (
    OPEN_INTERVIEW_INDEX,
    OUTBOX_KEY_CONSTRAINT,
    TURN_SEQ_CONSTRAINT,
    InterviewRow,
    LlmUsageRow,
    ProcessedEventRow,
    TurnRow,
)

log = logging.getLogger(__name__)

_FIND_LIMIT = 10


# SQLite takes one writer at a time: one thread queues its transactions instead of having several threads wait on
# its lock (and on each other for the GIL). PostgreSQL serves transactions in parallel, but each thread's driver work
# holds the GIL: with 8 threads the event loop was starved for up to a second (bench/load.py); 2 overlap the network
# waits and keep its lag under 25 ms.
_SQLITE_THREADS = 1
_POSTGRES_THREADS = 2


def _violates(err: IntegrityError, constraint: str, sqlite_columns: str) -> bool:
    """Whether err is a unique violation of that constraint (PostgreSQL names it, SQLite lists columns)."""
    diag = getattr(err.orig, "diag", None)
    if diag is not None:
        return getattr(diag, "constraint_name", None) == constraint
    return f"UNIQUE constraint failed: {sqlite_columns}" in str(err.orig)


def _owned_by(table: Table, user_id: str, platform: str | None, workspace_id: str | None) -> list[Any]:
    """WHERE clauses picking a person's rows of table (by user, and platform and workspace when given)."""
    clauses = [table.c.user_id == user_id]
    if platform is not None:
        clauses.append(table.c.platform == platform)
    if workspace_id is not None:
        clauses.append(table.c.workspace_id == workspace_id)
    return clauses


_EVENT_COLUMNS = "processed_events.platform, processed_events.event_id"
_OPEN_INTERVIEW_COLUMNS = ", ".join(
    f"interviews.{c}" for c in ("platform", "workspace_id", "channel_id", "thread_key", "user_id")
)


class SqlInterviewStore(OutboxMethods, QuotaMethods):
    """Durable interviews in a SQL database; each method is one short transaction on the store's threads."""

    def __init__(self, engine: Engine) -> None:
        """Use engine (see db.engine.create_db_engine); the schema must be migrated already."""
        self.engine = engine
        threads = _SQLITE_THREADS if engine.dialect.name == "sqlite" else _POSTGRES_THREADS
        self._executor = LaneExecutor(threads, name="db")

    @in_db_thread
    def create_interview(self, interview: Interview, *, replies: Sequence[Reply] = (), lease_s: float = 0.0) -> None:
        """Insert a new interview, its turns and the replies announcing it (into the outbox), in one transaction;
        ActiveInterviewExists if its conversation has one open."""
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(INTERVIEWS).values(interview_values(interview)))
                if interview.turns:
                    conn.execute(insert(TURNS), [turn_values(interview.id, turn) for turn in interview.turns])
                store_replies(interview.conv, replies, conn, lease_s=lease_s)
        except IntegrityError as err:
            if _violates(err, OPEN_INTERVIEW_INDEX, _OPEN_INTERVIEW_COLUMNS):
                raise ActiveInterviewExists(f"{interview.conv} has an open interview already") from err
            raise

    @in_db_thread
    def get_interview(self, interview_id: str) -> Interview | None:
        """The interview with its turns ordered by seq, or None."""
        with self.engine.begin() as conn:
            row = conn.execute(select(INTERVIEWS).where(INTERVIEWS.c.id == interview_id)).first()
            return load_interview(conn, row) if row else None

    @in_db_thread
    def get_open_interview(self, conv: ConversationRef) -> Interview | None:
        """The conversation's active or paused interview, or None."""
        where = {
            "p_platform": conv.platform,
            "p_workspace_id": conv.workspace_id,
            "p_channel_id": conv.channel_id,
            "p_thread_key": conv.thread_id or "",
            "p_user_id": conv.user_id,
        }
        with self.engine.begin() as conn:
            row = conn.execute(OPEN_INTERVIEW, where).first()  # the partial unique index allows one at most
            return load_interview(conn, row) if row else None

    @in_db_thread
    def find_interview_ids(
        self,
        prefix: str,
        *,
        user_id: str | None = None,
        platform: str | None = None,
        workspace_id: str | None = None,
    ) -> list[str]:
        """Ids starting with prefix (case-insensitive), filtered by whichever of user, platform and workspace are
        given; at most 10."""
        query = select(InterviewRow.id).where(InterviewRow.id.istartswith(prefix, autoescape=True))
        for column, value in (
            (InterviewRow.user_id, user_id),
            (InterviewRow.platform, platform),
            (InterviewRow.workspace_id, workspace_id),
        ):
            if value is not None:
                query = query.where(column == value)
        query = query.order_by(InterviewRow.created_at.desc(), InterviewRow.id).limit(_FIND_LIMIT)
        with self.engine.begin() as conn:
            return list(conn.execute(query).scalars())

    @in_db_thread
    def list_interviews(
        self,
        *,
        user_id: str | None = None,
        platform: str | None = None,
        workspace_id: str | None = None,
        limit: int = 20,
        channel_id: str | None = None,
    ) -> list[InterviewSummary]:
        """Interviews newest first, filtered by whichever of user, platform, workspace and channel are given."""
        # A correlated count keeps it to one query whatever the number of interviews.
        answered = (
            select(func.count(TurnRow.id))
            .where(TurnRow.interview_id == InterviewRow.id, TurnRow.answer.is_not(None))
            .correlate(InterviewRow)
            .scalar_subquery()
        )
        query = select(INTERVIEWS, answered.label("answered"))
        for column, value in (
            (InterviewRow.user_id, user_id),
            (InterviewRow.platform, platform),
            (InterviewRow.workspace_id, workspace_id),
            (InterviewRow.channel_id, channel_id),
        ):
            if value is not None:
                query = query.where(column == value)
        query = query.order_by(InterviewRow.created_at.desc(), InterviewRow.id).limit(max(limit, 0))
        with self.engine.begin() as conn:
            return [summary_from_row(row, row.answered) for row in conn.execute(query)]

    @in_db_thread
    def update_interview(self, interview: Interview, *, replies: Sequence[Reply] = (), lease_s: float = 0.0) -> None:
        """Write the header fields (status, level, language, state, overall_score, summary, ended_at) and queue
        the replies announcing the change, in one transaction; TurnConflict if a keyed reply was queued already."""
        try:
            with self.engine.begin() as conn:
                write_header(conn, interview)
                store_replies(interview.conv, replies, conn, lease_s=lease_s)
        except IntegrityError as err:  # resuming while another interview was opened meanwhile
            if _violates(err, OPEN_INTERVIEW_INDEX, _OPEN_INTERVIEW_COLUMNS):
                raise ActiveInterviewExists(f"{interview.conv} has an open interview already") from err
            if _violates(err, OUTBOX_KEY_CONSTRAINT, "outbox.key"):
                raise TurnConflict(f"{interview.id} was moved on by another worker") from err
            raise

    @in_db_thread
    def add_turn(
        self,
        interview_id: str,
        turn: Turn,
        *,
        header: Interview | None = None,
        usage: Usage | None = None,
        replies: Sequence[Reply] = (),
        lease_s: float = 0.0,
    ) -> None:
        """Insert a turn, with the header fields of header, the usage of the call that chose it and the replies
        asking it (into the outbox; they need header), in one transaction; TurnConflict if (interview_id, seq)
        exists already."""
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(TURNS), turn_values(interview_id, turn))
                if header is not None:
                    write_header(conn, header)
                    store_replies(header.conv, replies, conn, lease_s=lease_s)
                else:
                    touch(conn, interview_id)
                if usage is not None:
                    add_usage(conn, interview_id, usage)
        except IntegrityError as err:
            if _violates(err, TURN_SEQ_CONSTRAINT, "turns.interview_id, turns.seq"):
                raise TurnConflict(f"turn {turn.seq} of {interview_id} exists already") from err
            raise

    @in_db_thread
    def stalled_interviews(self, platform: str, *, idle_s: float, limit: int = 50) -> list[str]:
        """Active interviews idle for idle_s (up to a day) left mid-turn: last turn closed with no next one, or an
        answer not graded. Oldest first."""
        with self.engine.begin() as conn:
            return list(conn.execute(stalled_query(platform, idle_s=idle_s, limit=limit)).scalars())

    @in_db_thread
    def save_answer(
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
        """Store the answer of an open turn (and its event as processed, atomically); TurnConflict otherwise."""
        values = {
            "answer": answer,
            "source": source.value,
            "answered_at": answered_at,
            "answer_event_id": event_id,
            "audio_seconds": audio_seconds,
        }
        try:
            with self.engine.begin() as conn:
                if event_id is not None:
                    # Same transaction as the answer: a crash can never leave the event marked but the answer lost.
                    event = {"p_interview_id": interview_id, "p_event_id": event_id, "p_created_at": utcnow()}
                    conn.execute(INSERT_EVENT_OF_INTERVIEW, event)
                    mark_handled_of_interview(conn, interview_id, event_id)
                close_open_turn(conn, interview_id, seq, values)
        except IntegrityError as err:
            if _violates(err, "pk_processed_events", _EVENT_COLUMNS):
                raise TurnConflict(f"event {event_id} was processed already") from err
            raise

    @in_db_thread
    def close_turn(self, interview_id: str, seq: int, *, skipped: bool = False, hint_requested: bool = False) -> None:
        """Close an unanswered turn as skipped or turned into a hint; TurnConflict if it was not open."""
        if skipped == hint_requested:
            raise ValueError("close_turn needs exactly one of skipped and hint_requested")
        with self.engine.begin() as conn:
            close_open_turn(conn, interview_id, seq, {"skipped": skipped, "hint_requested": hint_requested})

    @in_db_thread
    def save_grade(self, interview_id: str, seq: int, grade: Grade, *, usage: Usage | None = None) -> None:
        """Store (or replace) the grade of an answered turn, with the usage of the call that made it."""
        values = {"grade": grade.to_dict(), "score": grade.score, "graded_at": utcnow()}
        with self.engine.begin() as conn:
            if (
                conn.execute(UPDATE_ANSWERED_TURN, {"p_interview_id": interview_id, "p_seq": seq, **values}).rowcount
                == 0
            ):
                # A late grade for a deleted interview is no reason to crash a background task.
                log.warning("no answered turn %s of interview %s to grade", seq, interview_id)
            elif usage is not None:
                add_usage(conn, interview_id, usage)

    @in_db_thread
    def record_usage(self, interview_id: str, usage: Usage) -> None:
        """Append one model call's usage."""
        with self.engine.begin() as conn:
            add_usage(conn, interview_id, usage)

    @in_db_thread
    def usage_totals(self, interview_id: str) -> UsageTotals:
        """Sum of the interview's recorded usage."""
        query = select(
            func.coalesce(func.sum(LlmUsageRow.prompt_tokens), 0),
            func.coalesce(func.sum(LlmUsageRow.cached_tokens), 0),
            func.coalesce(func.sum(LlmUsageRow.completion_tokens), 0),
            func.count(LlmUsageRow.id),
        ).where(LlmUsageRow.interview_id == interview_id)
        with self.engine.begin() as conn:
            prompt, cached, completion, calls = conn.execute(query).one()
        return UsageTotals(
            prompt_tokens=int(prompt),
            cached_tokens=int(cached),
            completion_tokens=int(completion),
            calls=int(calls),
        )

    @in_db_thread
    def delete_user_data(
        self, *, user_id: str, platform: str | None = None, workspace_id: str | None = None
    ) -> DeletedData:
        """Erase a person's interviews with their turns and usage records, in one transaction; what was removed."""
        owned = select(INTERVIEWS.c.id).where(INTERVIEWS.c.user_id == user_id)
        if platform is not None:
            owned = owned.where(INTERVIEWS.c.platform == platform)
        if workspace_id is not None:
            owned = owned.where(INTERVIEWS.c.workspace_id == workspace_id)
        with self.engine.begin() as conn:
            # Replies and events not tied to an interview (notes, refusals) can still hold what the person wrote.
            conn.execute(delete(OUTBOX).where(*_owned_by(OUTBOX, user_id, platform, workspace_id)))
            conn.execute(delete(INBOX).where(*_owned_by(INBOX, user_id, platform, None)))
            ids = list(conn.execute(owned).scalars())
            if not ids:
                return DeletedData()
            answers = conn.execute(
                select(func.count()).where(TURNS.c.interview_id.in_(ids), TURNS.c.answer.is_not(None))
            ).scalar_one()
            usage = conn.execute(select(func.count()).where(USAGE.c.interview_id.in_(ids))).scalar_one()
            # Turns and usage rows go with their interview (ON DELETE CASCADE); said explicitly all the same,
            # so erasure never depends on a connection's foreign-key setting.
            conn.execute(delete(OUTBOX).where(OUTBOX.c.interview_id.in_(ids)))
            conn.execute(delete(TURNS).where(TURNS.c.interview_id.in_(ids)))
            conn.execute(delete(USAGE).where(USAGE.c.interview_id.in_(ids)))
            conn.execute(delete(INTERVIEWS).where(INTERVIEWS.c.id.in_(ids)))
        return DeletedData(interviews=len(ids), answers=int(answers), usage_records=int(usage))

    @in_db_thread
    def claim_event(self, platform: str, event_id: str) -> bool:
        """Record a platform event id; True the first time, False for a duplicate."""
        # A plain INSERT on the primary key: the database decides the race between processes.
        row = {"platform": platform, "event_id": event_id, "created_at": utcnow()}
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(EVENTS).values(row))
                mark_handled(conn, platform, event_id)
        except IntegrityError as err:
            if _violates(err, "pk_processed_events", _EVENT_COLUMNS):
                return False
            raise
        return True

    @in_db_thread
    def event_seen(self, platform: str, event_id: str) -> bool:
        """Whether a platform event id was recorded already."""
        query = select(ProcessedEventRow.event_id).where(
            ProcessedEventRow.platform == platform, ProcessedEventRow.event_id == event_id
        )
        with self.engine.begin() as conn:
            return conn.execute(query).first() is not None

    async def close(self) -> None:
        """Release connections and the database threads."""
        await asyncio.get_running_loop().run_in_executor(self._executor, self.engine.dispose)
        self._executor.shutdown(wait=False)
