"""The statement every turn runs first is served by the index made for it, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Executable

from db.engine import create_db_engine
from db.migrate import upgrade_database
from db.statements import OPEN_INTERVIEW
from db.tables import OPEN_INTERVIEW_INDEX


def _plan(conn: Connection, statement: Executable, params: dict[str, Any]) -> str:
    """The database's plan for statement, as text."""
    compiled = statement.compile(dialect=conn.dialect)
    values = compiled.construct_params(params)
    args = tuple(values[name] for name in compiled.positiontup or ()) if compiled.positional else values
    explain = "EXPLAIN QUERY PLAN " if conn.dialect.name == "sqlite" else "EXPLAIN "
    return "\n".join(str(row) for row in conn.exec_driver_sql(explain + str(compiled), args))


def test_the_open_interview_of_a_conversation_is_found_through_its_partial_unique_index(database_url: str) -> None:
    # A workspace-wide index also matches the lookup's first two columns; taking it reads every interview of the
    # workspace on each turn. SQLite takes the partial index only when "open" is written as the index's WHERE.
    upgrade_database(database_url)
    engine = create_db_engine(database_url)
    params = {
        "p_platform": "slack",
        "p_workspace_id": "T1",
        "p_channel_id": "C1",
        "p_thread_key": "1700000000.000100",
        "p_user_id": "U1",
    }
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # A near-empty table is cheapest to scan whole; ask which index PostgreSQL would use.
                conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            plan = _plan(conn, OPEN_INTERVIEW, params)
    finally:
        engine.dispose()
    assert OPEN_INTERVIEW_INDEX in plan, plan
