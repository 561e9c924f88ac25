"""An AI service that cannot be reached says so, apart from one that is slow; a base URL that cannot work fails at
start (issue 15, item 9). The real openai client against a closed loopback port and the loopback FakeOpenAI.
"""

from __future__ import annotations

import io
import logging
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bots.cli import main
from core.ports import ModelUnavailable
from core.providers.chat import OpenAIChatModel
from core.providers.speech import WhisperTranscriber
from tests.fakes.openai_server import FakeOpenAI
from tests.llm_support import grade

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


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI() as server:
        yield server


@pytest.fixture
def fake_server_url() -> Iterator[str]:
    """A FakeOpenAI in its own process, for main(), which runs its own event loop."""
    proc = subprocess.Popen([sys.executable, "-m", "tests.fakes.openai_server", "--port", "0"], cwd=ROOT, stdout=-1)
    try:
        assert proc.stdout is not None
        yield proc.stdout.readline().decode().strip()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.timeout(10)
async def test_a_refused_chat_connection_says_it_cannot_connect_not_that_it_timed_out() -> None:
    port = _closed_port()
    model = OpenAIChatModel(api_key="sk-test", base_url=f"http://127.0.0.1:{port}/v1", model="m", max_retries=0)
    try:
        with pytest.raises(ModelUnavailable) as caught:
            await grade(model)
    finally:
        await model.close()
    assert str(caught.value) == f"Cannot connect to the AI service at 127.0.0.1:{port}."


@pytest.mark.timeout(10)
async def test_a_refused_transcription_connection_says_it_cannot_connect() -> None:
    port = _closed_port()
    transcriber = WhisperTranscriber(
        api_key="sk-test", base_url=f"http://127.0.0.1:{port}/v1", model="whisper-1", max_retries=0
    )
    try:
        with pytest.raises(ModelUnavailable) as caught:
            await transcriber.transcribe(b"OggS" * 64, filename="a.ogg", mime="audio/ogg", prompt="", language=None)
    finally:
        await transcriber.close()
    assert str(caught.value) == f"Cannot connect to the transcription service at 127.0.0.1:{port}."


@pytest.mark.timeout(10)
async def test_a_slow_service_still_reads_as_timed_out(fake: FakeOpenAI) -> None:
    fake.enqueue("timeout")
    model = OpenAIChatModel(api_key="sk-test", base_url=fake.base_url, model="m", max_retries=0, timeout_s=0.3)
    try:
        with pytest.raises(ModelUnavailable) as caught:
            await grade(model)
    finally:
        await model.close()
    assert str(caught.value) == "The AI service timed out."


@pytest.mark.timeout(10)
async def test_a_transport_that_refuses_the_request_is_not_mistaken_for_an_unreadable_reply(fake: FakeOpenAI) -> None:
    # aiohttp refuses credentials in the URL next to the API key's header with a ValueError; it was read as a reply
    # that is not JSON, so the built-in coach silently took over from the AI interviewer.
    credentials = fake.base_url.replace("http://", f"http://coach:{PASSWORD}@")
    model = OpenAIChatModel(api_key="sk-test", base_url=credentials, model="m", max_retries=0)
    try:
        with pytest.raises(ValueError, match="credentials"):
            await grade(model)
    finally:
        await model.close()
    assert fake.requests == []


@pytest.mark.timeout(30)
def test_practice_against_a_closed_port_tells_the_candidate_it_cannot_connect(tmp_path: Path) -> None:
    port = _closed_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "MOCK_INTERVIEW_", "DATABASE_"))}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}",
        OPENAI_API_KEY="sk-test-not-real",
        OPENAI_BASE_URL=f"http://127.0.0.1:{port}/v1",
        MOCK_INTERVIEW_MODEL_RETRIES="0",
        PYTHONPATH=str(ROOT),
        NO_COLOR="1",
        COLUMNS="200",
    )
    done = subprocess.run(
        [sys.executable, "-m", "bots.cli", "practice", "--role", "ds", "--questions", "2"],
        input="I would check the grain of the join keys first.\n",
        **{"env": env, "cwd": ROOT, "capture_output": True, "text": True, "timeout": 25},
    )
    assert done.returncode == 0, done.stderr
    assert f"Cannot connect to the AI service at 127.0.0.1:{port}. Your answer is saved." in done.stdout
    assert "timed out" not in done.stdout + done.stderr


@pytest.mark.parametrize(
    ("template", "said"),
    [
        ("http://coach:{password}@{rest}", "must not hold a user name or password"),
        ("http://{password}@{rest}", "must not hold a user name or password"),
        ("{rest}", "must start with http:// or https://"),
    ],
)
def test_a_base_url_that_cannot_work_fails_at_start_in_one_line(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    fake_server_url: str,
    template: str,
    said: str,
) -> None:
    base_url = template.format(password=PASSWORD, rest=fake_server_url.removeprefix("http://"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-real")
    monkeypatch.setenv("OPENAI_BASE_URL", base_url)
    monkeypatch.setattr(sys, "stdin", io.StringIO("an answer\n"))
    status = main(["practice", "--role", "ds", "--questions", "2"])
    out = capsys.readouterr()
    assert status == 2 and out.out == ""
    assert out.err.startswith(f"Configuration error: OPENAI_BASE_URL: {said}")
    assert len(out.err.strip().splitlines()) == 1 and PASSWORD not in out.err
