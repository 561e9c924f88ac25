"""`mock-interview slack --http` as a process: health check, signed requests, and a shutdown that finishes replies."""

from __future__ import annotations

import asyncio
import json
import signal
import uuid
from pathlib import Path

import aiohttp

from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.slack_payloads import event_callback, form_body, signed_headers, slash_command, thread_reply
from tests.fakes.slack_server import BOT_TOKEN, FakeSlack
from tests.process_support import free_port, process_env, spawn_slack_http, wait_healthy
from tests.slack_support import FORM, is_question

SECRET = "cli-signing-secret"
CHANNEL = "C0CLIHTTP"


async def _post(http: aiohttp.ClientSession, url: str, body: bytes, content_type: str) -> int:
    async with http.post(url, data=body, headers=signed_headers(SECRET, body, content_type=content_type)) as response:
        return response.status


async def test_http_mode_serves_signed_requests_and_finishes_a_reply_when_stopped(tmp_path: Path) -> None:
    port = free_port()
    async with FakeSlack() as fake, FakeOpenAI(latency=(0.6, 0.6)) as openai:
        env = process_env(
            tmp_path,
            DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}",
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=fake.base_url,
            OPENAI_API_KEY="sk-test-not-a-real-key",
            OPENAI_BASE_URL=openai.base_url,
            PORT=str(port),  # the variable a platform like Heroku sets, rather than --port
        )
        process = await spawn_slack_http(env, cwd=tmp_path)
        base = f"http://127.0.0.1:{port}"
        try:
            async with aiohttp.ClientSession() as http:
                await wait_healthy(http, f"{base}/healthz")
                who = f"U{uuid.uuid4().hex[:8].upper()}"
                fields = slash_command("ds questions=2", user=who, channel=CHANNEL, response_url=fake.response_url(who))
                assert await _post(http, f"{base}/slack/events", form_body(fields), FORM) == 200
                await fake.wait_for(lambda: any(is_question(m) for m in fake.messages.get(CHANNEL, [])), within=20)
                thread_ts = next(m["ts"] for m in fake.messages[CHANNEL] if "thread_ts" not in m)
                before = len(fake.thread(CHANNEL, thread_ts))
                answer = thread_reply("Cross-validation, then a simpler model.", user=who, channel=CHANNEL,
                                      thread_ts=thread_ts)  # fmt: skip
                body = json.dumps(event_callback(answer)).encode()
                assert await _post(http, f"{base}/slack/events", body, "application/json") == 200
                # The interviewer is thinking (the hourglass is on) when the process is told to stop.
                await fake.wait_for(lambda: fake.calls_to("reactions.add"))
                process.send_signal(signal.SIGTERM)
        finally:
            if process.returncode is None and not fake.calls_to("reactions.add"):
                process.send_signal(signal.SIGTERM)
            out, err = await asyncio.wait_for(process.communicate(), 40)
        assert process.returncode == 0, err.decode()
        assert f"listening on port {port}" in out.decode()
        new = fake.thread(CHANNEL, thread_ts)[before:]
        assert any(is_question(m) for m in new)  # the reply in flight was finished, not dropped
        assert BOT_TOKEN not in (out + err).decode() and SECRET not in (out + err).decode()
