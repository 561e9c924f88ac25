"""The tailoring form over Socket Mode: the real CLI process, the form's problem sent back in the acknowledgement of
the submission's envelope, and a fixed submission starting the interview."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fakes.slack_payloads import slash_command, view_submission
from tests.fakes.slack_server import APP_TOKEN, BOT_TOKEN
from tests.fakes.slack_socket import FakeSlackWithSocket
from tests.slack_support import block_text, is_question

ROOT = Path(__file__).resolve().parents[1]
CHANNEL = "C0SOCKTAILOR"
POSTING = (
    "Backend Engineer\nWe build distributed systems in Go. You will design APIs, review code and debug production "
    "incidents.\nRequirements\n- Experience with concurrency and databases\n- System design for high traffic"
)


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlackWithSocket]:
    async with FakeSlackWithSocket() as server:
        yield server


async def test_the_form_over_socket_mode(fake: FakeSlackWithSocket, tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "xdg"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'socket.db'}",
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_APP_TOKEN": APP_TOKEN,
        "SLACK_API_URL": fake.base_url,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bots.cli", "slack", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await asyncio.wait_for(fake.connected.wait(), 30)
        who = f"U{uuid.uuid4().hex[:8].upper()}"
        await fake.send("slash_commands", slash_command("tailor", user=who, channel=CHANNEL, response_url=""))
        await fake.wait_for(lambda: fake.views, within=20)
        [view] = fake.views.values()

        bad = await fake.send("interactive", view_submission(view, {"posting": "  "}, user=who))
        await fake.wait_for(lambda: bad in fake.acks)
        answer = fake.acks[bad]["payload"]
        assert answer["response_action"] == "errors" and "empty" in answer["errors"]["posting"]

        good = await fake.send("interactive", view_submission(view, {"posting": POSTING, "questions": 2}, user=who))
        await fake.wait_for(lambda: good in fake.acks)
        assert not fake.acks[good].get("payload")  # the form closes
        await fake.wait_for(lambda: any(is_question(m) for m in fake.messages.get(CHANNEL, [])), within=20)
        intro = block_text(next(m for m in fake.messages[CHANNEL] if "thread_ts" in m))
        assert "Software Engineering mock interview, tailored to the job posting" in intro
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, err.decode()
