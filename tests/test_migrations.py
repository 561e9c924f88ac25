"""The engine and the Alembic migrations, against a real SQLite file and a real PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, inspect

from db.engine import create_db_engine, normalize_database_url
from db.migrate import alembic_config, current_revision, head_revision, upgrade_database
from db.store import SqlInterviewStore
from db.tables import OPEN_INTERVIEW_INDEX, Base
from tests.store_support import EngineFactory, make_interview, scalar

ROOT = Path(__file__).resolve().parents[1]
SLACK_TABLES = {"slack_installations", "slack_bots", "slack_oauth_states"}


def _all_metadata() -> MetaData:
    """Our models plus the tables slack_sdk's installation and OAuth state stores define (migration 0002)."""
    metadata = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(metadata)
    SQLAlchemyInstallationStore.build_installations_table(metadata, "slack_installations")
    SQLAlchemyInstallationStore.build_bots_table(metadata, "slack_bots")
    SQLAlchemyOAuthStateStore.build_oauth_states_table(metadata, "slack_oauth_states")
    return metadata


# --- engine and URLs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u:p%40ss@db.example:5432/app", "postgresql+psycopg2://u:p%40ss@db.example:5432/app"),
        ("postgresql://u@h/app?sslmode=require", "postgresql+psycopg2://u@h/app?sslmode=require"),
        ("postgresql+psycopg2://u@h/app", "postgresql+psycopg2://u@h/app"),
        ("sqlite:///:memory:", "sqlite:///:memory:"),
    ],
)
def test_normalize_database_url(url: str, expected: str) -> None:
    assert normalize_database_url(url) == expected


def test_normalize_keeps_relative_sqlite_and_creates_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert normalize_database_url("sqlite:///data/nested/app.db") == "sqlite:///data/nested/app.db"
    assert (tmp_path / "data" / "nested").is_dir()
    assert not (tmp_path / "data" / "nested" / "app.db").exists()


def test_engines_connect_lazily(tmp_path: Path) -> None:
    sqlite_engine = create_db_engine(f"sqlite:///{tmp_path / 'lazy.db'}")
    pg_engine = create_db_engine("postgres://nobody@127.0.0.1:1/nothing")  # nothing listens there
    assert not (tmp_path / "lazy.db").exists()
    assert pg_engine.dialect.driver == "psycopg2"
    sqlite_engine.dispose()
    pg_engine.dispose()


def test_sqlite_engine_pragmas(tmp_path: Path, make_engine: EngineFactory) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'pragmas.db'}")
    assert scalar(engine, "PRAGMA journal_mode") == "wal"
    assert scalar(engine, "PRAGMA busy_timeout") == 5000
    assert scalar(engine, "PRAGMA foreign_keys") == 1


def test_heroku_style_url_reaches_postgres(postgres_url: str) -> None:
    heroku_url = "postgres://" + postgres_url.split("://", 1)[1]
    assert current_revision(heroku_url) == head_revision()


# --- migrations ------------------------------------------------------------------------------------


def test_migrations_create_every_table(fresh_database_url: str, make_engine: EngineFactory) -> None:
    assert current_revision(fresh_database_url) is None
    upgrade_database(fresh_database_url)
    assert head_revision() == "0007"
    assert current_revision(fresh_database_url) == head_revision()
    tables = set(inspect(make_engine(fresh_database_url)).get_table_names())
    ours = {"interviews", "turns", "processed_events", "llm_usage", "outbox", "inbox", "start_locks", "daily_questions"}
    ours |= {"group_sessions", "group_members"}
    ours.add("alembic_version")
    assert tables == ours | SLACK_TABLES


def test_migrated_schema_matches_the_models(fresh_database_url: str, make_engine: EngineFactory) -> None:
    upgrade_database(fresh_database_url)
    engine = make_engine(fresh_database_url)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), _all_metadata()) == []
    indexes = {ix["name"]: ix for ix in inspect(engine).get_indexes("interviews")}
    open_index = indexes[OPEN_INTERVIEW_INDEX]
    assert open_index["unique"]
    where = str(open_index["dialect_options"].get(f"{engine.dialect.name}_where"))
    assert "active" in where and "paused" in where


async def test_upgrade_twice_is_a_no_op(fresh_database_url: str) -> None:
    upgrade_database(fresh_database_url)
    store = SqlInterviewStore(create_db_engine(fresh_database_url))
    interview = make_interview()
    await store.create_interview(interview)
    upgrade_database(fresh_database_url)
    assert current_revision(fresh_database_url) == head_revision()
    assert await store.get_interview(interview.id) == interview
    await store.close()


def test_downgrade_drops_everything(fresh_database_url: str, make_engine: EngineFactory) -> None:
    upgrade_database(fresh_database_url)
    command.downgrade(alembic_config(fresh_database_url), "base")
    assert set(inspect(make_engine(fresh_database_url)).get_table_names()) == {"alembic_version"}
    assert current_revision(fresh_database_url) is None
    upgrade_database(fresh_database_url)
    assert current_revision(fresh_database_url) == head_revision()


_UPGRADE_AT_ONCE = """
import sys, time
from pathlib import Path
from db.migrate import upgrade_database
url, folder, count = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
(folder / str(time.monotonic_ns())).touch()
while len(list(folder.iterdir())) < count:  # a barrier across processes: start together
    time.sleep(0.001)
upgrade_database(url)
"""


def test_concurrent_upgrades_of_a_fresh_database(fresh_database_url: str, tmp_path: Path) -> None:
    barrier, count = tmp_path / "barrier", 6
    barrier.mkdir()
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    args = [sys.executable, "-c", _UPGRADE_AT_ONCE, fresh_database_url, str(barrier), str(count)]
    procs = [subprocess.Popen(args, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True) for _ in range(count)]
    errors = [p.communicate(timeout=50)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * count, errors
    assert current_revision(fresh_database_url) == head_revision()
