"""Lines read at the terminal are bounded: an over-long line is refused with its length (never echoed back whole) and
the rest of it skipped, an endless input without line ends stops the practice instead of filling memory, and bytes
that are not UTF-8 do not end it with a traceback."""

from __future__ import annotations

import io
import json
import resource
import subprocess
from pathlib import Path

from bots.terminal.lines import LineReader, OverLong
from tests.test_cli import CLI, GOOD, ROOT, env, run_cli  # noqa: F401  (fixtures)

# Before the fix a line was read whole: a ceiling on the child's memory makes that fail fast instead of swapping.
MEMORY_CEILING = 1024**3


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CEILING, MEMORY_CEILING))


def _practice_from(source: Path, environ: dict[str, str], user: str) -> subprocess.CompletedProcess[str]:
    args = [*CLI, "practice", "--role", "ds", "--questions", "2", "--user", user]
    with source.open("rb") as stdin:
        return subprocess.run(
            args, stdin=stdin, capture_output=True, text=True, env=environ, cwd=ROOT, timeout=40, preexec_fn=_limited
        )


def _stored_answers(environ: dict[str, str], user: str) -> list[str]:
    short_id = run_cli(["history", "--user", user], environ).stdout.splitlines()[1].split()[0]
    document = json.loads(run_cli(["report", short_id, "--format", "json"], environ).stdout)
    return [t["answer"] for t in document["turns"] if t["answer"] is not None]


def test_one_and_a_hundred_megabyte_lines_are_refused_by_length_and_the_interview_carries_on(
    env: dict[str, str],  # noqa: F811
    tmp_path: Path,
) -> None:
    answers = tmp_path / "answers.txt"
    with answers.open("wb") as out:
        out.write(b"x" * 1_000_000 + b"\n")
        out.write(b"y" * 100_000_000 + b"\n")
        out.write(f"{GOOD}\nend\n".encode())
    done = _practice_from(answers, env, "long-lines")
    assert done.returncode == 0, done.stderr[-2000:]
    assert len(done.stdout) < 30_000  # neither line came back whole
    said = " ".join(done.stdout.split())
    assert "That answer is 1,000,000 characters; the limit is 10,000" in said
    assert "That answer is 100,000,000 characters; the limit is 10,000" in said
    assert "still open" in said and "Scorecard" in said
    assert _stored_answers(env, "long-lines") == [GOOD]


def test_practice_from_dev_zero_stops_with_a_message_instead_of_filling_memory(
    env: dict[str, str],  # noqa: F811
) -> None:
    done = _practice_from(Path("/dev/zero"), env, "zeros")
    assert done.returncode == 0, done.stderr[-2000:]
    assert len(done.stdout) < 30_000 and "MemoryError" not in done.stderr
    said = " ".join(done.stdout.split())
    assert "no line end" in said and "Your interview is saved" in said


def test_bytes_that_are_not_utf8_are_read_as_text_with_replacement_characters(
    env: dict[str, str],  # noqa: F811
    tmp_path: Path,
) -> None:
    answers = tmp_path / "latin1.txt"
    answers.write_bytes(GOOD.encode() + b" caf\xe9 \xff\xfe\n" + b"end\n")
    done = _practice_from(answers, env, "latin1")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr and "Scorecard" in done.stdout
    assert _stored_answers(env, "latin1") == [f"{GOOD} caf\ufffd \ufffd\ufffd"]


async def test_the_reader_skips_the_rest_of_an_over_long_line_and_echoes_only_its_length() -> None:
    stdin = io.TextIOWrapper(io.BytesIO(b"a" * 50_000 + b"\nnext answer\n"), encoding="utf-8")
    echoed = io.StringIO()
    reader = LineReader(stdin, interactive=False, out=echoed)
    assert await reader.read(1_000) == OverLong(50_000)
    assert await reader.read(1_000) == "next answer"
    assert await reader.read(1_000) is None
    assert len(echoed.getvalue()) < 500 and "50,000 characters" in echoed.getvalue()
    assert "next answer" in echoed.getvalue()  # an answer that fits is echoed as before


async def test_a_line_exactly_at_the_limit_is_an_answer_and_one_more_character_is_not() -> None:
    text = "é" * 999 + "\n" + "é" * 1_000 + "\n" + "é" * 1_001  # two bytes each, the last without a line end
    reader = LineReader(io.TextIOWrapper(io.BytesIO(text.encode())), interactive=False, out=io.StringIO())
    assert await reader.read(1_000) == "é" * 999
    assert await reader.read(1_000) == "é" * 1_000
    assert await reader.read(1_000) == OverLong(1_001)
    assert await reader.read(1_000) is None
