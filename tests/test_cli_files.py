"""`@path` answers in the terminal take regular files only: a named pipe or a device is refused at once, with a message,
instead of hanging the program or reading without end; the question stays open and the interview carries on."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import IO

import pytest

from bots.terminal.recordings import read_recording
from core.ports import AudioUnavailable
from tests.test_cli import CLI, GOOD, ROOT, env, fake_server_url  # noqa: F401  (fixtures)

# Before the fix a device was read whole: a ceiling on the child's memory turns that into a failure, not a swap storm.
MEMORY_CEILING = 1024**3
# Well under pytest's own timeout, so a hang before the fix fails here, with what the child printed.
CHILD_TIMEOUT = 25  # a hang fails the test; a slow start on a busy machine must not


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CEILING, MEMORY_CEILING))


def _practice(environ: dict[str, str], user: str, stdin: str) -> subprocess.CompletedProcess[str]:
    args = [*CLI, "practice", "--role", "swe", "--questions", "2", "--user", user]
    return subprocess.run(
        args,
        input=stdin,
        capture_output=True,
        text=True,
        env=environ,
        cwd=ROOT,
        timeout=CHILD_TIMEOUT,
        preexec_fn=_limited,
    )


def _model(environ: dict[str, str], url: str) -> dict[str, str]:
    return {**environ, "OPENAI_API_KEY": "sk-test-key-for-fake", "OPENAI_BASE_URL": url}


def _said(done: subprocess.CompletedProcess[str]) -> str:
    """What the child printed, with the terminal's line wrapping undone."""
    return " ".join(done.stdout.split())


def test_a_named_pipe_named_like_a_recording_is_refused_without_waiting_for_a_writer(
    env: dict[str, str],  # noqa: F811
    fake_server_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    fifo = tmp_path / "answer.ogg"
    os.mkfifo(fifo)
    done = _practice(_model(env, fake_server_url), "fifo", f"@{fifo}\n{GOOD}\nend\n")
    assert done.returncode == 0, done.stderr
    said = _said(done)
    assert "answer.ogg is not a regular file (it is a named pipe)" in said and "still open" in said
    assert "Scorecard" in said and GOOD[:40] in said  # the typed answer after it was taken


def test_links_to_endless_devices_are_refused_before_anything_is_read(
    env: dict[str, str],  # noqa: F811
    fake_server_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    (tmp_path / "zero.ogg").symlink_to("/dev/zero")
    (tmp_path / "noise.wav").symlink_to("/dev/urandom")
    (tmp_path / "folder.ogg").mkdir()
    answers = f"@{tmp_path / 'zero.ogg'}\n@{tmp_path / 'noise.wav'}\n@{tmp_path / 'folder.ogg'}\n{GOOD}\nend\n"
    done = _practice(_model(env, fake_server_url), "devices", answers)
    assert done.returncode == 0, done.stderr[-2000:]
    said = _said(done)
    for name, kind in (("zero.ogg", "a device"), ("noise.wav", "a device"), ("folder.ogg", "a folder")):
        assert f"{name} is not a regular file (it is {kind})" in said
    assert "Scorecard" in said and GOOD[:40] in said and "MemoryError" not in done.stderr


def test_a_recording_over_the_limit_is_refused_and_a_path_too_long_for_the_system_is_named_short(
    env: dict[str, str],  # noqa: F811
    fake_server_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    big = tmp_path / "long.ogg"
    big.write_bytes(b"OggS" + bytes(4096))
    too_long_for_a_path = "@" + "a" * 5000 + ".ogg"
    settings = {**_model(env, fake_server_url), "MOCK_INTERVIEW_MAX_DOWNLOAD_BYTES": "1024"}
    done = _practice(settings, "limits", f"@{big}\n{too_long_for_a_path}\n{GOOD}\nend\n")
    assert done.returncode == 0, done.stderr[-2000:]
    said = _said(done)
    assert "long.ogg is 4.0 KB: too large to use as an answer (the limit is 1.0 KB)" in said
    assert "(File name too long). Your question is still open." in said
    refusal = said.split("Could not read ", 1)[1].split(" (File name too long)", 1)[0]
    assert len(refusal) < 90 and refusal.endswith("aaaa.ogg")  # named by its start and its end only
    assert "Traceback" not in done.stderr and "Scorecard" in said


@pytest.mark.timeout(90)  # two child waits of CHILD_TIMEOUT each
def test_ctrl_c_after_a_named_pipe_answer_leaves_at_once_with_the_interview_saved(
    env: dict[str, str],  # noqa: F811
    tmp_path: Path,
) -> None:
    fifo = tmp_path / "take.ogg"
    os.mkfifo(fifo)
    args = [*CLI, "practice", "--role", "swe", "--questions", "2", "--user", "ctrl-c"]
    child = subprocess.Popen(
        args,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
        # A suite started in the background (`make test &`) ignores SIGINT, and the child would inherit that.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert child.stdin is not None and child.stdout is not None and child.stderr is not None
    child.stdin.write(f"@{fifo}\n")
    child.stdin.flush()  # stdin stays open: the program waits for the next answer, or (before the fix) on the pipe
    try:
        _wait_for_echo(child.stdout)
        child.send_signal(signal.SIGINT)
        assert child.wait(timeout=CHILD_TIMEOUT) == 130
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert "Your interview is saved" in child.stderr.read()


def _wait_for_echo(stdout: IO[str]) -> None:
    """Until the practice echoes the `@` answer (it is being taken), or fail after a while."""
    deadline = time.monotonic() + CHILD_TIMEOUT
    while time.monotonic() < deadline:
        if (line := stdout.readline()).startswith("> @"):
            return
        if not line:
            break
    pytest.fail("the practice never echoed the answer")


def test_a_recording_is_read_up_to_the_limit_and_reading_stops_when_told(tmp_path: Path) -> None:
    fits = tmp_path / "fits.ogg"
    fits.write_bytes(b"OggS" + bytes(1020))
    assert read_recording(fits, 1024) == b"OggS" + bytes(1020)
    with pytest.raises(AudioUnavailable, match=r"fits\.ogg is 1\.0 KB: too large .*the limit is 1023 bytes"):
        read_recording(fits, 1023)
    stopped = threading.Event()
    stopped.set()  # as after Ctrl-C: the reading thread stops before its next chunk
    with pytest.raises(AudioUnavailable, match="was stopped"):
        read_recording(fits, 1024, stopped)
