"""The statements a turn runs, built once, and the steps each store transaction is made of.

Core tables, not ORM sessions: a turn's few statements cost a fraction of the ORM's unit of work (bench/load.py).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, Select, and_, bindparam, func, insert, or_, select, text, update

from core.domain.models import Interview, InterviewStatus, Usage, utcnow
from core.ports import TurnConflict
from db.mapping import HEADER_FIELDS, interview_from_row, turn_from_row
from db.tables import OPEN_STATUS_CLAUSE, InterviewRow, LlmUsageRow, ProcessedEventRow, TurnRow, table_of

# "Open", written exactly as the partial unique index's WHERE: SQLite uses a partial index only when the query's
# terms match it literally, and cannot see through bound parameters. Without it the per-turn lookup took the
# workspace's quota index and read every interview of the workspace (4x slower at 500, and growing).
IS_OPEN = text(OPEN_STATUS_CLAUSE)
INTERVIEWS = table_of(InterviewRow)
TURNS = table_of(TurnRow)
EVENTS = table_of(ProcessedEventRow)
USAGE = table_of(LlmUsageRow)

# The statements of a turn, built once: building and hashing a statement costs more than SQLite running it.
# Parameters of WHERE clauses are named p_*; the SET or VALUES columns come from each call's parameters.
OPEN_INTERVIEW = select(INTERVIEWS).where(
    INTERVIEWS.c.platform == bindparam("p_platform"),
    INTERVIEWS.c.workspace_id == bindparam("p_workspace_id"),
    INTERVIEWS.c.channel_id == bindparam("p_channel_id"),
    INTERVIEWS.c.thread_key == bindparam("p_thread_key"),
    INTERVIEWS.c.user_id == bindparam("p_user_id"),
    IS_OPEN,
)
PLATFORM_OF = select(INTERVIEWS.c.platform).where(INTERVIEWS.c.id == bindparam("p_interview_id"))
INSERT_USAGE = insert(USAGE)  # built once, like the others: a turn records two model calls' usage
TURNS_OF = select(TURNS).where(TURNS.c.interview_id == bindparam("p_interview_id")).order_by(TURNS.c.seq)
UPDATE_INTERVIEW = update(INTERVIEWS).where(INTERVIEWS.c.id == bindparam("p_interview_id"))
UPDATE_OPEN_TURN = update(TURNS).where(
    TURNS.c.interview_id == bindparam("p_interview_id"),
    TURNS.c.seq == bindparam("p_seq"),
    TURNS.c.answer.is_(None),
    TURNS.c.skipped.is_(False),
    TURNS.c.hint_requested.is_(False),
)
UPDATE_ANSWERED_TURN = update(TURNS).where(
    TURNS.c.interview_id == bindparam("p_interview_id"),
    TURNS.c.seq == bindparam("p_seq"),
    TURNS.c.answer.is_not(None),
)
INSERT_EVENT_OF_INTERVIEW = insert(EVENTS).values(
    platform=PLATFORM_OF.scalar_subquery(),
    event_id=bindparam("p_event_id"),
    created_at=bindparam("p_created_at"),
)


STALLED_WITHIN_S = 24 * 3600  # older half-done turns are left alone: a question a day late helps nobody


def stalled_query(platform: str, *, idle_s: float, limit: int) -> Select[Any]:
    """Ids of active interviews idle between idle_s and a day whose last turn is closed (answered, skipped or
    turned into a hint) with no next turn, or that hold an answer never graded."""
    now = utcnow()
    last = TURNS.alias("last_turn")
    latest_seq = (
        select(func.max(TURNS.c.seq)).where(TURNS.c.interview_id == last.c.interview_id).correlate(last)
    ).scalar_subquery()
    closed_last = (
        select(last.c.id)
        .where(
            last.c.interview_id == INTERVIEWS.c.id,
            last.c.seq == latest_seq,
            or_(last.c.answer.is_not(None), last.c.skipped.is_(True), last.c.hint_requested.is_(True)),
        )
        .exists()
    )
    ungraded = (
        select(TURNS.c.id)
        .where(TURNS.c.interview_id == INTERVIEWS.c.id, TURNS.c.answer.is_not(None), TURNS.c.graded_at.is_(None))
        .exists()
    )
    return (
        select(INTERVIEWS.c.id)
        .where(
            INTERVIEWS.c.platform == platform,
            INTERVIEWS.c.status == InterviewStatus.ACTIVE.value,
            INTERVIEWS.c.updated_at < now - timedelta(seconds=idle_s),
            INTERVIEWS.c.updated_at > now - timedelta(seconds=STALLED_WITHIN_S),
            # A turn the model could not serve waits for the candidate's `retry`: nothing is owed until then.
            or_(and_(closed_last, INTERVIEWS.c.state["pending"].as_string().is_(None)), ungraded),
        )
        .order_by(INTERVIEWS.c.updated_at)
        .limit(limit)
    )


def close_open_turn(conn: Connection, interview_id: str, seq: int, values: dict[str, Any]) -> None:
    """Write values to the turn only while it is open; the database arbitrates between workers."""
    if conn.execute(UPDATE_OPEN_TURN, {"p_interview_id": interview_id, "p_seq": seq, **values}).rowcount == 0:
        raise TurnConflict(f"turn {seq} of {interview_id} is not open")
    touch(conn, interview_id)


def write_header(conn: Connection, interview: Interview) -> None:
    """Update the interview row's header fields from interview."""
    values = {name: getattr(interview, name) for name in HEADER_FIELDS}
    values.update(status=interview.status.value, updated_at=utcnow())
    conn.execute(UPDATE_INTERVIEW, {"p_interview_id": interview.id, **values})


def add_usage(conn: Connection, interview_id: str, usage: Usage) -> None:
    """Record one model call's usage."""
    conn.execute(
        INSERT_USAGE,
        {
            "interview_id": interview_id,
            "purpose": usage.purpose,
            "model": usage.model,
            "prompt_tokens": usage.prompt_tokens,
            "cached_tokens": usage.cached_tokens,
            "completion_tokens": usage.completion_tokens,
            "latency_ms": usage.latency_ms,
            "created_at": usage.created_at,
        },
    )


def touch(conn: Connection, interview_id: str) -> None:
    """Bump the interview's updated_at after a write to one of its turns."""
    conn.execute(UPDATE_INTERVIEW, {"p_interview_id": interview_id, "updated_at": utcnow()})


def load_interview(conn: Connection, row: Any) -> Interview:
    """The Interview of row with its turns, read in the same transaction."""
    turns = conn.execute(TURNS_OF, {"p_interview_id": row.id})
    return interview_from_row(row, [turn_from_row(t) for t in turns])
