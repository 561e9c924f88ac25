"""`mock-interview` arguments out of bounds are refused by the parser in one line, before anything is opened.

The CLI's entry point runs in this process: parsing is all these tests reach (test_cli starts real processes)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.test_cli import ROOT, call_cli


def _run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "MOCK_INTERVIEW_"))}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'args.db'}", PYTHONPATH=str(ROOT), NO_COLOR="1")
    return call_cli(args, env)


@pytest.mark.parametrize("limit", ["0", "-3", "1" + "0" * 40, "ten"])
def test_a_history_limit_out_of_bounds_is_refused(limit: str, tmp_path: Path) -> None:
    done = _run(["history", "--limit", limit], tmp_path)
    assert done.returncode == 2
    assert "--limit" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "args.db").exists()  # refused before the database was opened


def test_a_huge_report_id_is_refused_without_echoing_it_or_reaching_the_database(tmp_path: Path) -> None:
    done = _run(["report", "a" * 100_000], tmp_path)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    said = done.stdout + done.stderr
    assert "database" not in said.lower()
    assert len(said) < 400  # named, not echoed back whole


def test_delete_my_data_names_the_platforms_it_knows(tmp_path: Path) -> None:
    done = _run(["delete-my-data", "--platform", "bogus", "--yes"], tmp_path)
    assert done.returncode == 2
    assert "--platform" in done.stderr and "terminal" in done.stderr
