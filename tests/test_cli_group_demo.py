"""`mock-interview group-demo`, run as a person runs it: simulated members, answers read from files, a silent member
whose round the clock closes, and the group scorecard with every member's own interview stored."""

from __future__ import annotations

from pathlib import Path

from tests.test_cli import GOOD, call_cli, env, run_cli  # noqa: F401  (fixtures)


def _said(stdout: str) -> str:
    return " ".join(stdout.split())


def test_a_group_demo_reads_answers_from_files_and_ends_with_the_group_scorecard(
    tmp_path: Path,
    env: dict[str, str],  # noqa: F811
) -> None:
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text(f"{GOOD}\n{GOOD}\n")
    second.write_text("\nI would look at the data first.\n")  # no answer to question 1
    args = ["group-demo", "ds", "--members", "3", "--questions", "2", "--answers", str(first), str(second)]
    done = run_cli(args, env)  # a real process
    said = _said(done.stdout)
    assert done.returncode == 0, done.stderr
    assert "@member-2 does not answer." in said and "@member-2: no answer (1/10)" in said
    assert "Group scorecard: 2 questions" in said and "Best answers" in said
    assert "3 personal scorecards stored" in said
    history = call_cli(["history", "--user", "member-2"], env)
    assert history.returncode == 0 and "completed" in history.stdout


def test_a_group_demo_with_a_bad_role_or_size_says_so(
    tmp_path: Path,
    env: dict[str, str],  # noqa: F811
) -> None:
    unknown = call_cli(["group-demo", "astronaut"], env)
    assert unknown.returncode == 2 and "I don't know the role" in unknown.stderr
    alone = call_cli(["group-demo", "ds", "--members", "1"], env)
    assert alone.returncode == 2 and "between 2 and 10" in alone.stderr
