"""`mock-interview slack` in Socket Mode, the default: the real CLI process against the loopback Socket Mode fake."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bots.slack.runner import configuration_problem, run_slack
from tests.fakes.slack_payloads import event_callback, slash_command, thread_reply
from tests.fakes.slack_server import APP_TOKEN, BOT_TOKEN
from tests.fakes.slack_socket import FakeSlackWithSocket
from tests.slack_support import is_question
from tests.support import make_settings

ROOT = Path(__file__).resolve().parents[1]
CHANNEL = "C0SOCKET"


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlackWithSocket]:
    async with FakeSlackWithSocket() as server:
        yield server


async def test_socket_mode_runs_an_interview_and_ignores_a_redelivered_event(
    fake: FakeSlackWithSocket, tmp_path: Path
) -> None:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "xdg"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'socket.db'}",
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_APP_TOKEN": APP_TOKEN,
        "SLACK_API_URL": fake.base_url,
        "SLACK_CLIENT_ID": "1234.5678",  # ignored in Socket Mode: it serves the bot token's workspace
        "SLACK_CLIENT_SECRET": "not-used-here",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bots.cli", "slack", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await asyncio.wait_for(fake.connected.wait(), 30)
        who = f"U{uuid.uuid4().hex[:8].upper()}"
        command = slash_command("ds questions=2", user=who, channel=CHANNEL, response_url=fake.response_url(who))
        envelope = await fake.send("slash_commands", command)
        await fake.wait_for(lambda: envelope in fake.acks)
        await fake.wait_for(lambda: any(is_question(m) for m in fake.messages.get(CHANNEL, [])), within=20)
        thread_ts = next(m["ts"] for m in fake.messages[CHANNEL] if "thread_ts" not in m)
        before = len(fake.thread(CHANNEL, thread_ts))
        answer = thread_reply("Regularisation trades a little bias for less variance.", user=who, channel=CHANNEL,
                              thread_ts=thread_ts)  # fmt: skip
        payload = event_callback(answer, event_id="Ev0SOCKET01")
        first = await fake.send("events_api", payload)
        await fake.wait_for(lambda: any(is_question(m) for m in fake.thread(CHANNEL, thread_ts)[before:]))
        again = await fake.send("events_api", payload, retry_attempt=1)  # redelivered: the ack was "lost"
        await fake.wait_for(lambda: again in fake.acks)
        await asyncio.sleep(0.5)
        assert first in fake.acks
        assert sum(is_question(m) for m in fake.thread(CHANNEL, thread_ts)[before:]) == 1
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, err.decode()
    assert "Socket Mode" in out.decode()
    assert BOT_TOKEN not in (out + err).decode() and APP_TOKEN not in (out + err).decode()


@pytest.mark.parametrize(
    ("values", "http", "expected"),
    [
        ({}, False, "SLACK_BOT_TOKEN is not set"),
        ({"SLACK_BOT_TOKEN": "xoxp-user-token"}, False, "should start with xoxb-"),
        ({"SLACK_BOT_TOKEN": BOT_TOKEN}, False, "SLACK_APP_TOKEN is not set"),
        ({"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": BOT_TOKEN}, False, "should start with xapp-"),
        ({"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": APP_TOKEN}, False, None),
        ({"SLACK_BOT_TOKEN": BOT_TOKEN}, True, "SLACK_SIGNING_SECRET is not set"),
        ({"SLACK_SIGNING_SECRET": "s"}, True, "SLACK_BOT_TOKEN is not set"),
        ({"SLACK_SIGNING_SECRET": "s", "SLACK_CLIENT_ID": "1.2"}, True, "both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET"),
        ({"SLACK_SIGNING_SECRET": "s", "SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "c"}, True, None),
        ({"SLACK_SIGNING_SECRET": "s", "SLACK_BOT_TOKEN": BOT_TOKEN}, True, None),
    ],
)
def test_configuration_problems_are_named_in_one_line(values: dict, http: bool, expected: str | None) -> None:
    problem = configuration_problem(make_settings("sqlite://", **values), http=http)
    if expected is None:
        assert problem is None
    else:
        assert problem is not None and expected in problem and "\n" not in problem
        assert BOT_TOKEN not in problem


def test_run_slack_without_tokens_exits_2_with_the_reason(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_slack(make_settings("sqlite://"), http=False) == 2
    assert "SLACK_BOT_TOKEN is not set" in capsys.readouterr().err
