"""Database failures the test servers cannot stage, classified from the real drivers' errors (issue 15, item 8).

The PostgreSQL of the tests trusts every local login and has disk to spare, so a wrong password and a full disk are
classified from psycopg2 errors carrying the text libpq and PostgreSQL 15 report (captured from real servers);
SQLite's full database is real, made by capping its page count.
"""

from __future__ import annotations

from pathlib import Path

import psycopg2
import psycopg2.errors
import pytest
from sqlalchemy import create_engine, exc, text

from db.problems import DISK_FULL, database_problem

PG_URL = "postgresql://coach:s3cret-pw@db.internal:6432/interviews"


def _from_driver(error: Exception) -> exc.OperationalError:
    """The error as SQLAlchemy raises it around the driver's."""
    return exc.OperationalError("SELECT 1", {}, error)


def test_a_wrong_password_names_the_user_and_not_the_password() -> None:
    said = (
        'connection to server at "10.0.0.5", port 6432 failed: '
        'FATAL:  password authentication failed for user "coach"\n'
    )
    problem = database_problem(_from_driver(psycopg2.OperationalError(said)), PG_URL)
    assert problem == (
        'The database server at db.internal:6432 refused user "coach". '
        "Check the user name and password in DATABASE_URL."
    )


def test_no_password_given_where_one_is_needed_reads_as_a_refusal() -> None:
    said = 'connection to server at "10.0.0.5", port 6432 failed: fe_sendauth: no password supplied\n'
    problem = database_problem(_from_driver(psycopg2.OperationalError(said)), "postgresql://coach@db.internal:6432/x")
    assert problem.startswith('The database server at db.internal:6432 refused user "coach".')


def test_a_full_postgresql_disk_says_the_answers_are_safe() -> None:
    said = 'could not extend file "base/16384/16402": No space left on device\nHINT:  Check free disk space.\n'
    assert database_problem(_from_driver(psycopg2.errors.DiskFull(said)), PG_URL) == DISK_FULL


def test_a_full_sqlite_database_says_the_answers_are_safe(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'capped.db'}"
    engine = create_engine(url)
    try:
        with pytest.raises(exc.OperationalError) as caught, engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE answers (body BLOB)")
            conn.exec_driver_sql("PRAGMA max_page_count = 8")  # SQLite's own SQLITE_FULL, as on a full disk
            for _ in range(100):
                conn.execute(text("INSERT INTO answers VALUES (randomblob(4000))"))
    finally:
        engine.dispose()
    assert "database or disk is full" in str(caught.value.orig)
    assert database_problem(caught.value, url) == DISK_FULL


def test_an_unknown_failure_still_names_its_kind_only() -> None:
    problem = database_problem(_from_driver(psycopg2.OperationalError("something new")), PG_URL)
    assert problem == "Cannot use the database (OperationalError). Check DATABASE_URL."
