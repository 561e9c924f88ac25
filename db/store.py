"""SqlInterviewStore: core.ports.InterviewStore on SQLAlchemy (SQLite or PostgreSQL)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import IntegrityError

from core.domain.models import AnswerSource, ConversationRef, DeletedData, Grade, Interview, Turn, Usage, utcnow
from core.domain.replies import Reply
from core.ports import ActiveInterviewExists, DuplicateEvent, StoreError, TurnConflict
from db.daily import DailyMethods
from db.erasure import erase
from db.events import EventMethods, claim, claim_of_interview, is_duplicate_event, violates
from db.executor import LaneExecutor, in_db_thread
from db.groups import GroupMethods
from db.mapping import interview_from_row, interview_values, turn_values
from db.outbox import OutboxMethods, store_replies
from db.quotas import QuotaMethods
from db.reads import ReadMethods
from db.statements import (
    INTERVIEWS,
    OPEN_INTERVIEW,
    TURNS,
    UPDATE_ANSWERED_TURN,
    add_usage,
    close_open_turn,
    load_interview,
    stalled_query,
    touch,
    write_header,
)
from db.tables import OPEN_INTERVIEW_INDEX, OUTBOX_KEY_CONSTRAINT, TURN_SEQ_CONSTRAINT

log = logging.getLogger(__name__)


# SQLite takes one writer at a time: one thread queues its transactions instead of having several threads wait on
# its lock (and on each other for the GIL). PostgreSQL serves transactions in parallel, but each thread's driver work
# holds the GIL: with 8 threads the event loop was starved for up to a second (bench/load.py); 2 overlap the network
# waits and keep its lag under 25 ms.
_SQLITE_THREADS = 1
_POSTGRES_THREADS = 2


_OPEN_INTERVIEW_COLUMNS = ", ".join(
    f"interviews.{c}" for c in ("platform", "workspace_id", "channel_id", "thread_key", "user_id")
)


def _conflict(err: IntegrityError, what: str, event_id: str | None) -> StoreError:
    """The store error an integrity error of a write stands for (re-raised as it is when it is none of them)."""
    if is_duplicate_event(err):
        return DuplicateEvent(f"event {event_id} was processed already")
    if violates(err, OPEN_INTERVIEW_INDEX, _OPEN_INTERVIEW_COLUMNS):
        return ActiveInterviewExists(f"{what} has an open interview already")
    if violates(err, OUTBOX_KEY_CONSTRAINT, "outbox.key") or violates(
        err, TURN_SEQ_CONSTRAINT, "turns.interview_id, turns.seq"
    ):
        return TurnConflict(f"{what} was moved on by another worker")
    raise err


class SqlInterviewStore(OutboxMethods, QuotaMethods, EventMethods, ReadMethods, DailyMethods, GroupMethods):
    """Durable interviews in a SQL database; each method is one short transaction on the store's threads."""

    def __init__(self, engine: Engine) -> None:
        """Use engine (see db.engine.create_db_engine); the schema must be migrated already."""
        self.engine = engine
        threads = _SQLITE_THREADS if engine.dialect.name == "sqlite" else _POSTGRES_THREADS
        self._executor = LaneExecutor(threads, name="db")

    @in_db_thread
    def create_interview(
        self,
        interview: Interview,
        *,
        replies: Sequence[Reply] = (),
        lease_s: float = 0.0,
        event_id: str | None = None,
    ) -> None:
        """Insert a new interview, its turns and the replies announcing it (into the outbox) with the event claimed,
        in one transaction; ActiveInterviewExists if its conversation has one open."""
        try:
            with self.engine.begin() as conn:
                claim(conn, interview.conv.platform, event_id)
                conn.execute(insert(INTERVIEWS).values(interview_values(interview)))
                if interview.turns:
                    conn.execute(insert(TURNS), [turn_values(interview.id, turn) for turn in interview.turns])
                store_replies(interview.conv, replies, conn, lease_s=lease_s)
        except IntegrityError as err:
            raise _conflict(err, str(interview.conv), event_id) from err

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
    def update_interview(
        self,
        interview: Interview,
        *,
        replies: Sequence[Reply] = (),
        lease_s: float = 0.0,
        event_id: str | None = None,
    ) -> None:
        """Write the header fields (status, level, language, state, overall_score, summary, ended_at) and queue
        the replies announcing the change with the event claimed, in one transaction; TurnConflict if a keyed reply
        was queued already."""
        try:
            with self.engine.begin() as conn:
                claim(conn, interview.conv.platform, event_id)
                write_header(conn, interview)
                store_replies(interview.conv, replies, conn, lease_s=lease_s)
        except IntegrityError as err:  # resuming while another interview was opened meanwhile, or a race
            raise _conflict(err, interview.id, event_id) from err

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
        event_id: str | None = None,
    ) -> None:
        """Insert a turn, with the header fields of header, the usage of the call that chose it, the replies asking
        it (into the outbox; they need header) and the event claimed, in one transaction; TurnConflict if
        (interview_id, seq) exists already."""
        try:
            with self.engine.begin() as conn:
                claim_of_interview(conn, interview_id, event_id)
                conn.execute(insert(TURNS), turn_values(interview_id, turn))
                if header is not None:
                    write_header(conn, header)
                    store_replies(header.conv, replies, conn, lease_s=lease_s)
                else:
                    touch(conn, interview_id)
                if usage is not None:
                    add_usage(conn, interview_id, usage)
        except IntegrityError as err:
            raise _conflict(err, f"turn {turn.seq} of {interview_id}", event_id) from err

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
        replies: Sequence[Reply] = (),
        lease_s: float = 0.0,
    ) -> None:
        """Store the answer of an open turn, the replies it owes at once and its event as processed, atomically:
        a crash can never leave the event marked but the answer lost. TurnConflict otherwise."""
        values = {
            "answer": answer,
            "source": source.value,
            "answered_at": answered_at,
            "answer_event_id": event_id,
            "audio_seconds": audio_seconds,
        }
        try:
            with self.engine.begin() as conn:
                claim_of_interview(conn, interview_id, event_id)
                close_open_turn(conn, interview_id, seq, values)
                if replies:
                    row = conn.execute(select(INTERVIEWS).where(INTERVIEWS.c.id == interview_id)).one()
                    store_replies(interview_from_row(row, []).conv, replies, conn, lease_s=lease_s)
        except IntegrityError as err:
            raise _conflict(err, f"turn {seq} of {interview_id}", event_id) from err

    @in_db_thread
    def close_turn(
        self,
        interview_id: str,
        seq: int,
        *,
        skipped: bool = False,
        hint_requested: bool = False,
        event_id: str | None = None,
    ) -> None:
        """Close an unanswered turn as skipped or turned into a hint, with the event claimed; TurnConflict if it was
        not open."""
        if skipped == hint_requested:
            raise ValueError("close_turn needs exactly one of skipped and hint_requested")
        try:
            with self.engine.begin() as conn:
                claim_of_interview(conn, interview_id, event_id)
                close_open_turn(conn, interview_id, seq, {"skipped": skipped, "hint_requested": hint_requested})
        except IntegrityError as err:
            raise _conflict(err, f"turn {seq} of {interview_id}", event_id) from err

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
    def delete_user_data(
        self,
        *,
        user_id: str,
        platform: str | None = None,
        workspace_id: str | None = None,
        event_id: str | None = None,
    ) -> DeletedData:
        """Erase a person's interviews with their turns and usage records, and their daily question, with the event
        asking for it claimed (on platform), in one transaction; what was removed."""
        owned = select(INTERVIEWS.c.id).where(INTERVIEWS.c.user_id == user_id)
        if platform is not None:
            owned = owned.where(INTERVIEWS.c.platform == platform)
        if workspace_id is not None:
            owned = owned.where(INTERVIEWS.c.workspace_id == workspace_id)
        try:
            with self.engine.begin() as conn:
                if event_id is not None:
                    claim(conn, platform or "", event_id)
                return erase(conn, owned, user_id=user_id, platform=platform, workspace_id=workspace_id)
        except IntegrityError as err:
            raise _conflict(err, user_id, event_id) from err

    async def close(self) -> None:
        """Release connections and the database threads."""
        await asyncio.get_running_loop().run_in_executor(self._executor, self.engine.dispose)
        self._executor.shutdown(wait=False)
