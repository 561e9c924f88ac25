"""Shared fixtures: a real SQLite file and a real PostgreSQL database for every storage test."""

from __future__ import annotations

import logging
import os
import sqlite3
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from db.engine import create_db_engine, normalize_database_url
from db.migrate import upgrade_database
from db.store import SqlInterviewStore
from tests.support import isolate_environment

POSTGRES_SKIP_REASON = "set TEST_DATABASE_URL to run PostgreSQL tests"
BACKENDS = ["sqlite", "postgresql"]


def _server_url() -> str:
    """TEST_DATABASE_URL, or skip (fail when REQUIRE_POSTGRES=1, as in CI)."""
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not url:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(POSTGRES_SKIP_REASON, pytrace=False)
        pytest.skip(POSTGRES_SKIP_REASON)
    return normalize_database_url(url)


def _admin_engine(server_url: str) -> Engine:
    """An AUTOCOMMIT engine on the server's default database: CREATE/DROP DATABASE refuse transactions."""
    return create_engine(server_url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)


class _ThrowawayDatabases:
    """Creates uniquely named PostgreSQL databases and drops them all (WITH FORCE) at the end."""

    def __init__(self, server_url: str) -> None:
        self._server_url = server_url
        self._admin = _admin_engine(server_url)
        self._names: list[str] = []

    def create(self) -> str:
        """A new empty database; its URL."""
        name = f"mi_test_{uuid.uuid4().hex[:16]}"
        with self._admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        self._names.append(name)
        return make_url(self._server_url).set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        """Drop the database of url, even with connections left open."""
        name = make_url(url).database
        with self._admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if name in self._names:
            self._names.remove(name)

    def drop_all(self) -> None:
        """Drop every database still around, then let go of the server."""
        for name in list(self._names):
            self.drop(make_url(self._server_url).set(database=name).render_as_string(hide_password=False))
        self._admin.dispose()


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[_ThrowawayDatabases]:
    """A factory of throwaway PostgreSQL databases on TEST_DATABASE_URL's server."""
    databases = _ThrowawayDatabases(_server_url())
    try:
        yield databases
    finally:
        databases.drop_all()


@pytest.fixture(scope="session")
def postgres_url(postgres_databases: _ThrowawayDatabases) -> str:
    """One migrated PostgreSQL database for the whole session; tests keep apart by fresh user ids."""
    url = postgres_databases.create()
    upgrade_database(url)
    return url


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once for the session, for tests to copy: migrating a new file costs about 0.1 s."""
    path = tmp_path_factory.mktemp("template") / "migrated.db"
    upgrade_database(f"sqlite:///{path}")
    return path


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of the SQLite database at source (its write-ahead log included) at target."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated database URL: a SQLite file of this test (a copy of the session's migrated one) or the session's
    PostgreSQL database. Tests that need a database never migrated take fresh_database_url."""
    if request.param == "sqlite":
        path = tmp_path / "store.db"
        copy_sqlite(request.getfixturevalue("migrated_sqlite"), path)
        return f"sqlite:///{path}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture(params=BACKENDS)
def fresh_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty, never migrated database of this test alone."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh' / 'fresh.db'}"
        return
    databases: _ThrowawayDatabases = request.getfixturevalue("postgres_databases")
    url = databases.create()
    try:
        yield url
    finally:
        databases.drop(url)


@pytest.fixture
def make_engine() -> Iterator[Callable[[str], Engine]]:
    """create_db_engine, with every engine it made disposed after the test."""
    engines: list[Engine] = []

    def make(url: str) -> Engine:
        engine = create_db_engine(url)
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.dispose()


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[SqlInterviewStore]:
    """An SqlInterviewStore on a migrated database_url, closed after the test."""
    upgrade_database(database_url)
    sql_store = SqlInterviewStore(create_db_engine(database_url))
    try:
        yield sql_store
    finally:
        await sql_store.close()


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never see the developer's keys, tokens, database or data folder."""
    isolate_environment(monkeypatch, tmp_path / "xdg")


@pytest.fixture(autouse=True)
def _logging_as_it_was() -> Iterator[None]:
    """A test that runs main() in this process installs our handler and LOG_LEVEL: later tests start without them."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
