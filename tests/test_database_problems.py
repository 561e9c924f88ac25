"""Each way the database fails reads as one line that says what to change, never the password (issue 15, item 8).

Driven through `mock-interview` (bots.cli.main) against the real PostgreSQL of TEST_DATABASE_URL and real SQLite files.
"""

from __future__ import annotations

import io
import json
import logging
import os
import resource
import socket
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bots.cli import main

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "s3cret-pw"


@pytest.fixture(autouse=True)
def _keep_root_logging() -> Iterator[None]:
    """main() installs a stderr handler on the root logger: take it away again after each test."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], url: str, *args: str, stdin: str = ""
) -> tuple[int, str]:
    """mock-interview with DATABASE_URL=url: the exit status and standard error, checked for leaks and tracebacks."""
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    status = main(list(args or ["history"]))
    out = capsys.readouterr()
    assert PASSWORD not in out.out + out.err
    assert "Traceback" not in out.err
    return status, out.err.strip()


def _closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _with(url: str, **parts: str) -> str:
    return make_url(url).set(**parts).render_as_string(hide_password=False)


def test_a_closed_port_says_the_server_cannot_be_reached_at_its_host_and_port(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    port = _closed_port()
    status, err = _run(monkeypatch, capsys, f"postgresql://coach:{PASSWORD}@127.0.0.1:{port}/interviews")
    assert status == 1
    assert err == (
        f"Cannot connect to the database server at 127.0.0.1:{port}. "
        "Check DATABASE_URL's host and port, and that PostgreSQL is running there."
    )


def test_an_unknown_host_says_the_server_cannot_be_reached(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status, err = _run(monkeypatch, capsys, f"postgresql://coach:{PASSWORD}@no-such-host.invalid/interviews")
    assert status == 1
    assert err.startswith("Cannot connect to the database server at no-such-host.invalid:5432.")


def test_a_missing_database_is_named_with_how_to_create_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], postgres_url: str
) -> None:
    name = f"mi_missing_{uuid.uuid4().hex[:10]}"
    server = make_url(postgres_url)
    status, err = _run(monkeypatch, capsys, _with(postgres_url, database=name, password=PASSWORD))
    assert status == 1
    assert err == (
        f'The database "{name}" does not exist on the server at {server.host}:{server.port or 5432}. '
        f"Create it (createdb {name}) or fix its name in DATABASE_URL."
    )


def test_an_unknown_user_is_refused_by_name(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], postgres_url: str
) -> None:
    # The test server trusts every local login, so a role that does not exist is how it refuses one for real.
    user = f"mi_nobody_{uuid.uuid4().hex[:8]}"
    server = make_url(postgres_url)
    status, err = _run(monkeypatch, capsys, _with(postgres_url, username=user, password=PASSWORD))
    assert status == 1
    assert err == (
        f'The database server at {server.host}:{server.port or 5432} refused user "{user}". '
        "Check the user name and password in DATABASE_URL."
    )


def test_a_read_only_sqlite_file_says_so_and_names_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "ro.db"
    assert _run(monkeypatch, capsys, f"sqlite:///{path}", "db", "upgrade")[0] == 0
    # chmod does not stop root, who may run the tests: SQLite's own read-only open gives the same error.
    status, err = _run(
        monkeypatch, capsys, f"sqlite:///file:{path}?mode=ro&uri=true", "practice", "--role", "ds", stdin="an answer\n"
    )
    assert status == 1
    assert err.splitlines()[-1] == (
        f"The SQLite file {path} is read-only. Make it writable for this user, or point DATABASE_URL at one that is."
    )


def test_a_sqlite_file_in_a_folder_that_cannot_exist_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    status, err = _run(monkeypatch, capsys, f"sqlite:///{blocker / 'interviews.db'}")
    assert status == 1
    assert err == (
        f"Cannot open the SQLite file {blocker / 'interviews.db'}. "
        "Check that its folder exists and that you may write there, or point DATABASE_URL at another file."
    )


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (f"mysql://coach:{PASSWORD}@localhost/interviews", "mysql://"),
        (f"postgresql+asyncpg://coach:{PASSWORD}@localhost/interviews", "postgresql+asyncpg://"),
        ("/home/coach/interviews.db", "a path"),
    ],
)
def test_an_unsupported_url_fails_at_start_as_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], url: str, shown: str
) -> None:
    status, err = _run(monkeypatch, capsys, url)
    assert status == 2
    assert err.startswith("Configuration error: DATABASE_URL: ") and len(err.splitlines()) == 1
    assert "sqlite:///" in err and "postgresql://" in err
    refused = err.removeprefix("Configuration error: DATABASE_URL: ").split(";")[0]
    assert refused == (f"{shown} databases are not supported" if shown.endswith("://") else "not a URL")


def _answers_stored(url: str) -> list[str]:
    """The answers stored in the one interview of url, read back through the CLI."""
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    listed = subprocess.run([sys.executable, "-m", "bots.cli", "history", "--user", "full"], **_quiet(env))
    assert listed.returncode == 0, listed.stderr
    short_id = listed.stdout.splitlines()[1].split()[0]
    report = subprocess.run([sys.executable, "-m", "bots.cli", "report", short_id, "--format", "json"], **_quiet(env))
    assert report.returncode == 0, report.stderr
    return [turn["answer"] for turn in json.loads(report.stdout)["turns"] if turn["answer"]]


def _quiet(env: dict[str, str]) -> dict[str, object]:
    return {"env": env, "cwd": ROOT, "capture_output": True, "text": True, "timeout": 60}


def test_a_full_disk_says_the_answers_are_safe_up_to_the_last_one_stored(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'full.db'}"
    assert _run(monkeypatch, capsys, url, "db", "upgrade")[0] == 0
    answers = [f"Answer number {n}: I would check the grain of the join keys. " * 20 for n in range(1, 12)]
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}

    def small_disk() -> None:
        # A file-size limit makes SQLite's writes past it fail as a full disk (or a full quota) does. The migrated
        # file holds 132 KiB: this much more leaves room for the start and an answer or two, not for eleven.
        resource.setrlimit(resource.RLIMIT_FSIZE, (150_000, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))

    done = subprocess.run(
        [sys.executable, "-m", "bots.cli", "practice", "--role", "ds", "--questions", "12", "--user", "full"],
        input="\n".join(answers) + "\n",
        preexec_fn=small_disk,
        **_quiet({**env, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}),  # type: ignore[arg-type]
    )
    # (A grade running in the background when the disk filled logs its own failure above this line.)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        "Cannot write to the database: the disk is full (or failing). Your answers are safe up to the last one "
        "stored. Free some space, then run the command again to carry on."
    )
    stored = _answers_stored(url)
    assert 1 <= len(stored) < len(answers) and stored == [a.strip() for a in answers[: len(stored)]]
    with sqlite3.connect(tmp_path / "full.db") as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
