"""`mock-interview` as a user runs it: scripted practice offline and against the fake model, then history and report.

Each command the CLI has runs at least once as a real child process (run_cli) somewhere in the suite; the other
checks call the same entry point in this process (call_cli), which saves the child's start of about a second.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import chdir, redirect_stderr, redirect_stdout
from pathlib import Path
from unittest import mock

import pytest

from bots.cli import main

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "bots.cli"]
GOOD = (
    "First, a one to many join fans out rows and double counts the revenue, because the key is duplicated. "
    "For example at my last job I checked the grain and uniqueness of the join keys, then aggregated before "
    "joining and reconciled against finance, and finally added a data test on row counts as a result."
)


Runner = Callable[..., subprocess.CompletedProcess]


def run_cli(args: list[str], env: dict[str, str], stdin: str = "", timeout: float = 90) -> subprocess.CompletedProcess:
    """`mock-interview args` in a child process, with env as its whole environment and stdin piped in."""
    return subprocess.run(CLI + args, input=stdin, capture_output=True, text=True, env=env, cwd=ROOT, timeout=timeout)


def call_cli(args: list[str], env: dict[str, str], stdin: str = "", *, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """What run_cli gives, from bots.cli.main in this process: env as the whole environment, stdin piped in (not a
    terminal), standard output and error captured, and the exit status (argparse's SystemExit included)."""
    out, err = io.StringIO(), io.StringIO()
    environ = {"COLUMNS": "80", **env}  # a child's output is a pipe: 80 columns, whatever terminal pytest is in
    with (
        chdir(cwd),
        mock.patch.dict(os.environ, environ, clear=True),
        mock.patch.object(sys, "stdin", io.StringIO(stdin)),
        redirect_stdout(out),
        redirect_stderr(err),
    ):
        try:
            status = main(args)
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else 1
    return subprocess.CompletedProcess(args, status, out.getvalue(), err.getvalue())


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "MOCK_INTERVIEW_"))}
    clean.update(DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}", PYTHONPATH=str(ROOT), NO_COLOR="1")
    return clean


@pytest.fixture(scope="module")
def fake_server_url() -> Iterator[str]:
    """The fake model server in a process of its own (main() runs its own event loop), shared by a module's tests:
    it keeps no state a test reads."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.openai_server", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        yield proc.stdout.readline().strip()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _practice_then_report(env: dict[str, str], user: str, cli: Runner) -> dict:
    answers = "\n".join([GOOD, "", "I don't know", "skip", GOOD, "end"]) + "\n"
    done = cli(["practice", "--role", "ds", "--questions", "3", "--user", user], env, answers)
    assert done.returncode == 0, done.stderr
    assert "Question 1 of 3" in done.stdout and "Hint" in done.stdout and "Scorecard" in done.stdout
    history = cli(["history", "--user", user], env)
    assert history.returncode == 0 and "Data Science" in history.stdout
    short_id = history.stdout.splitlines()[1].split()[0]
    report = cli(["report", short_id, "--format", "json"], env)
    assert report.returncode == 0, report.stderr
    return json.loads(report.stdout)


def test_offline_practice_history_and_report(env: dict[str, str]) -> None:
    document = _practice_then_report(env, "ada", run_cli)  # practice, history and report as real processes
    assert document["status"] == "completed" and document["role"] == "data-science"
    kinds = [t["kind"] for t in document["turns"]]
    assert kinds[0] == "question" and "hint" in kinds
    assert all(t["source"] in ("text", None) for t in document["turns"])
    scores = [t["score"] for t in document["turns"] if t["answer"] is not None]
    assert scores and all(1 <= s <= 10 for s in scores)
    assert isinstance(document["overall_score"], float) and 1 <= document["overall_score"] <= 10
    assert document["usage"]["prompt_tokens"] == 0  # the offline coach calls no model
    markdown = call_cli(["report", document["id"][:10], "--format", "md"], env)
    assert markdown.stdout.startswith("# Data Science mock interview") and GOOD[:40] in markdown.stdout


def test_model_practice_through_the_fake_server(env: dict[str, str], fake_server_url: str) -> None:
    env.update(OPENAI_API_KEY="sk-test-key-for-fake", OPENAI_BASE_URL=fake_server_url, MOCK_INTERVIEW_MODEL="fake-4")
    document = _practice_then_report(env, "grace", call_cli)
    questions = [t["question"] for t in document["turns"]]
    assert "Fake question" not in questions[0]  # the plan's first question, as written
    assert any("Fake question" in q for q in questions[1:])  # the model's moves
    graded = [t for t in document["turns"] if t["answer"] is not None]
    assert graded and all(t["score"] is not None and t["feedback"] for t in graded)
    usage = document["usage"]
    assert usage["prompt_tokens"] > 0 and usage["completion_tokens"] > 0 and usage["calls"] >= len(graded)


def test_an_at_path_answer_is_a_voice_answer(env: dict[str, str], fake_server_url: str) -> None:
    env.update(OPENAI_API_KEY="sk-test-key-for-fake", OPENAI_BASE_URL=fake_server_url)
    recording = ROOT / "tests" / "fixtures" / "audio" / "voice-message.ogg"
    answers = f"@{recording}\n@missing-answer.ogg\n@Transactional marks the method\nend\n"
    done = call_cli(["practice", "--role", "swe", "--questions", "2", "--user", "vo", "--language", "en"], env, answers)
    assert done.returncode == 0, done.stderr
    assert "I heard (0:06)" in done.stdout and "This is a transcribed answer." in done.stdout
    assert "There is no file at missing-answer.ogg" in done.stdout
    document = json.loads(call_cli(["report", _only_id(env, "vo"), "--format", "json"], env).stdout)
    assert [t["source"] for t in document["turns"] if t["answer"]] == ["voice", "text"]
    assert document["language"] == "en"
    assert document["turns"][0]["audio_seconds"] == pytest.approx(6.0, abs=0.1)


def _only_id(env: dict[str, str], user: str) -> str:
    history = call_cli(["history", "--user", user], env)
    return history.stdout.splitlines()[1].split()[0]


def test_end_of_input_keeps_the_interview_and_the_next_run_resumes_it(env: dict[str, str]) -> None:
    first = call_cli(["practice", "--role", "law", "--questions", "2", "--user", "lin"], env, GOOD + "\n")
    assert first.returncode == 0 and "saved" in first.stdout
    second = call_cli(["practice", "--role", "law", "--user", "lin"], env, "end\n")
    assert "already have a Law interview" in second.stdout and "Scorecard" in second.stdout
    assert GOOD[:30] in second.stdout  # the answer from the first run is on the scorecard


def test_unknown_role_and_broken_pack_exit_2_with_a_clear_message(env: dict[str, str], tmp_path: Path) -> None:
    unknown = call_cli(["practice", "--role", "astronaut"], env)
    assert unknown.returncode == 2 and "data-science" in unknown.stdout and "astronaut" in unknown.stdout
    (tmp_path / "packs").mkdir()
    (tmp_path / "packs" / "broken.yaml").write_text("id: broken\ntitle: Broken\n")
    env["MOCK_INTERVIEW_ROLES_DIR"] = str(tmp_path / "packs")
    broken = call_cli(["roles"], env)
    assert broken.returncode == 2 and "broken.yaml" in broken.stderr and "description" in broken.stderr


def test_roles_lists_every_role_and_db_upgrade_is_idempotent(env: dict[str, str]) -> None:
    roles = run_cli(["roles"], env)  # a real process, as are the first upgrade and the erasing below
    for role_id in ("data-science", "digital-marketing", "full-stack", "product-management", "human-resources"):
        assert role_id in roles.stdout
    for cli in (run_cli, call_cli):
        upgraded = cli(["db", "upgrade"], env)
        assert upgraded.returncode == 0 and "up to date" in upgraded.stdout


def test_report_of_an_unknown_id_says_so(env: dict[str, str]) -> None:
    missing = call_cli(["report", "deadbeef"], env)
    assert missing.returncode == 1 and "No interview has an id starting with `deadbeef`" in missing.stderr


def test_bad_configuration_and_unreachable_database_fail_clearly_without_secrets(env: dict[str, str]) -> None:
    env["MOCK_INTERVIEW_QUESTIONS"] = "many"
    bad = call_cli(["history"], env)
    assert bad.returncode == 2 and "MOCK_INTERVIEW_QUESTIONS" in bad.stderr
    del env["MOCK_INTERVIEW_QUESTIONS"]
    env["DATABASE_URL"] = "postgresql://coach:s3cret-pw@127.0.0.1:9/interviews"
    down = call_cli(["history"], env)
    assert down.returncode == 1 and "Check DATABASE_URL" in down.stderr
    assert "s3cret-pw" not in down.stderr + down.stdout


def test_delete_my_data_erases_only_that_users_interviews_and_says_how_many(env: dict[str, str]) -> None:
    for user in ("erase-me", "keep-me"):
        done = call_cli(["practice", "--role", "law", "--questions", "2", "--user", user], env, GOOD + "\nend\n")
        assert done.returncode == 0, done.stderr
    refused = call_cli(["delete-my-data", "--user", "erase-me"], env)  # no terminal to confirm at
    assert refused.returncode == 2 and "--yes" in refused.stderr
    erased = run_cli(["delete-my-data", "--user", "erase-me", "--yes"], env)
    assert erased.returncode == 0
    assert erased.stdout.strip() == "Deleted 1 interview, 1 answer and 0 model usage records. Nothing of them is kept."
    assert "No interviews yet" in call_cli(["history", "--user", "erase-me"], env).stdout
    assert "Law" in call_cli(["history", "--user", "keep-me"], env).stdout


def test_a_one_question_interview_speaks_of_one_main_question(env: dict[str, str]) -> None:
    done = call_cli(["practice", "--role", "ds", "--questions", "1", "--user", "solo"], env, GOOD + "\nend\n")
    assert done.returncode == 0, done.stderr
    assert "1 main question, with follow-ups" in done.stdout and "1 of 1 main question answered" in done.stdout
    assert "main questions" not in done.stdout
