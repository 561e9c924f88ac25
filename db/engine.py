"""Database URLs and engines: SQLite by default, PostgreSQL (psycopg2) in production."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

# Execution option a Connection sets to have its transaction start with BEGIN IMMEDIATE on SQLite.
SQLITE_BEGIN_IMMEDIATE = "sqlite_begin_immediate"

_PG_DRIVER = "postgresql+psycopg2://"
_PG_ALIASES = ("postgres://", "postgresql://")


def normalize_database_url(url: str) -> str:
    """Make a DATABASE_URL usable by SQLAlchemy; create the folder of a SQLite file if missing."""
    url = url.strip()
    for alias in _PG_ALIASES:
        # Heroku-style and driverless URLs: pick psycopg2 explicitly. String surgery, not URL
        # re-rendering, so a percent-encoded password comes through byte for byte.
        if url.startswith(alias):
            return _PG_DRIVER + url[len(alias) :]
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not parsed.query.get("uri"):
            # A folder that cannot be made (a file in its place, no permission) is left for SQLite to report as a
            # file it cannot open, which db/problems.py explains.
            with contextlib.suppress(OSError):
                Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    return url


def _json_text(value: Any) -> str:
    """A JSON column's text, compact, by orjson; by the json module for what orjson refuses (ints past 64 bits)."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:  # orjson.JSONEncodeError is one
        return json.dumps(value)


def _json_value(text: str | bytes) -> Any:
    """A JSON column's value; the json module reads what orjson refuses (NaN, ints past 64 bits, written before)."""
    try:
        return orjson.loads(text)
    except ValueError:  # orjson.JSONDecodeError is one
        return json.loads(text)


# Every turn writes an interview's state and a grade, and reads them back: orjson does it in a fraction of the time.
_JSON: dict[str, Any] = {"json_serializer": _json_text, "json_deserializer": _json_value}


def create_db_engine(url: str) -> Engine:
    """An Engine for url (normalised first); it connects lazily, on first use."""
    url = normalize_database_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, in_memory=parsed.database in (None, "", ":memory:"))
    if parsed.get_backend_name() == "postgresql":
        return create_engine(
            url,
            **_JSON,
            pool_pre_ping=True,  # a worker idle behind a load balancer finds its connection cut
            pool_size=5,
            max_overflow=10,  # the store uses 2 threads; other users (the Slack installation store) run in to_thread
            pool_recycle=1800,
            connect_args={"connect_timeout": 10, "application_name": "mock-interview-coach"},
        )
    return create_engine(url, **_JSON, pool_pre_ping=True)


def _sqlite_engine(url: str, *, in_memory: bool) -> Engine:
    """A SQLite engine with WAL, a busy timeout, enforced foreign keys and real transactions."""
    kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False}, **_JSON}
    if in_memory:
        # Every connection to :memory: is a new empty database: share one across worker threads.
        kwargs["poolclass"] = StaticPool
    engine = create_engine(url, **kwargs)
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    """Per-connection pragmas; run on the raw connection, outside any transaction."""
    # sqlite3's legacy mode never BEGINs before SELECT or DDL; we emit BEGIN ourselves instead
    # (see _on_sqlite_begin) so reads see one snapshot and migrations are transactional.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        # busy_timeout first: switching to WAL needs a lock another process may hold briefly.
        cursor.execute("PRAGMA busy_timeout = 5000")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")  # off by default in SQLite; ON DELETE CASCADE needs it
        # In WAL mode NORMAL stays consistent after a crash and only risks the last commits on power loss;
        # FULL's fsync per commit costs several milliseconds on every turn.
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def _on_sqlite_begin(connection: Any) -> None:
    """Start the transaction SQLAlchemy is beginning."""
    # IMMEDIATE takes the write lock up front, so a transaction that reads before it writes
    # (a migration) waits for busy_timeout instead of failing when another writer got there first.
    immediate = connection.get_execution_options().get(SQLITE_BEGIN_IMMEDIATE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
