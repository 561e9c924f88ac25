"""The Slack app under test: the real AsyncApp served over HTTP on 127.0.0.1, against the loopback fake Slack."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from bots.slack.app import SlackBot, build_slack_app, web_application
from core.interview.service import InterviewService
from tests.fakes.slack_payloads import (
    block_actions,
    event_callback,
    form_body,
    interactivity_body,
    signed_headers,
    slash_command,
)
from tests.fakes.slack_server import BOT_TOKEN, FakeSlack
from tests.support import make_settings, runtime_for

SIGNING_SECRET = "fake-signing-secret-0123456789abcdef"
FORM = "application/x-www-form-urlencoded"


def is_question(message: dict[str, Any]) -> bool:
    """Whether a posted message is a question with our buttons under it (not a scorecard's "Try again" ones)."""
    return any(
        not e.get("action_id", "").startswith("mi:try_again:")
        for b in message.get("blocks") or []
        if b["type"] == "actions"
        for e in b.get("elements") or []
    )


def is_scorecard(message: dict[str, Any]) -> bool:
    """Whether a posted message is (the first part of) a scorecard."""
    return any(b["type"] == "header" and "Scorecard" in b["text"]["text"] for b in message.get("blocks") or [])


def block_text(message: dict[str, Any]) -> str:
    """All the text of a message's blocks, joined."""
    parts = []
    for block in message.get("blocks") or []:
        if "text" in block:
            parts.append(block["text"]["text"])
        parts += [e.get("text", "") for e in block.get("elements", []) if isinstance(e.get("text"), str)]
    return "\n".join(parts) or message.get("text", "")


@dataclass
class SlackHarness:
    """Sends signed requests to the app and reads what it did from the fake."""

    fake: FakeSlack
    service: InterviewService
    bot: SlackBot
    events_url: str
    http: aiohttp.ClientSession

    async def post(
        self, body: bytes, *, content_type: str, secret: str = SIGNING_SECRET, headers: dict[str, str] | None = None
    ) -> tuple[int, str]:
        """POST a body to /slack/events, signed with secret."""
        signed = signed_headers(secret, body, content_type=content_type) | (headers or {})
        async with self.http.post(self.events_url, data=body, headers=signed) as response:
            return response.status, await response.text()

    async def command(self, text: str, *, user: str, channel: str) -> int:
        """Run `/mock-interview text` as user in channel; the HTTP status of the acknowledgement."""
        fields = slash_command(text, user=user, channel=channel, response_url=self.fake.response_url(user))
        status, _ = await self.post(form_body(fields), content_type=FORM)
        return status

    async def event(self, event: dict[str, Any], *, event_id: str | None = None, retry: int = 0) -> int:
        """Deliver an Events API callback (retry > 0 adds Slack's retry headers)."""
        body = json.dumps(event_callback(event, event_id=event_id)).encode()
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else {}
        status, _ = await self.post(body, content_type="application/json", headers=headers)
        return status

    async def click(self, message: dict[str, Any], action_id: str, *, user: str, channel: str) -> int:
        """Click one of the buttons under a posted message."""
        payload = block_actions(
            message, action_id, user=user, channel=channel, response_url=self.fake.response_url(user)
        )
        status, _ = await self.post(interactivity_body(payload), content_type=FORM)
        return status

    async def submit(self, payload: dict[str, Any]) -> tuple[int, dict[str, Any] | None]:
        """Deliver a view_submission payload; the HTTP status and the acknowledgement's JSON (None when it is empty,
        which closes the modal)."""
        status, text = await self.post(interactivity_body(payload), content_type=FORM)
        return status, json.loads(text) if text.strip() else None

    def parent(self, channel: str, user: str) -> dict[str, Any]:
        """The newest parent message the app posted for user in channel."""
        return [m for m in self.fake.messages.get(channel, []) if "thread_ts" not in m and f"<@{user}>" in m["text"]][
            -1
        ]

    def thread(self, channel: str, thread_ts: str) -> list[dict[str, Any]]:
        """The app's messages in a thread."""
        return self.fake.thread(channel, thread_ts)

    async def wait_thread(self, channel: str, thread_ts: str, *, after: int, scorecard: bool = False) -> list[dict]:
        """Wait for a question (or the scorecard) posted after the first `after` thread messages; the new ones."""
        want = is_scorecard if scorecard else is_question

        def arrived() -> bool:
            return any(want(m) for m in self.thread(channel, thread_ts)[after:])

        await self.fake.wait_for(arrived)
        return self.thread(channel, thread_ts)[after:]


@asynccontextmanager
async def slack_harness(
    database_url: str, *, fake: FakeSlack | None = None, oauth: bool = False, **settings: Any
) -> AsyncIterator[SlackHarness]:
    """The app on database_url, served over HTTP, talking to a fake Slack (a fresh one unless given)."""
    own_fake = fake is None
    fake = fake or FakeSlack()
    if own_fake:
        await fake.start()
    values: dict[str, Any] = {
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.base_url,
        "SLACK_BOT_TOKEN": None if oauth else BOT_TOKEN,
        **settings,
    }
    config = make_settings(database_url, **values)
    runtime = runtime_for(config)
    service = runtime.service
    bot = build_slack_app(config, service, engine=runtime.engine)
    runner = web.AppRunner(web_application(bot), access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    try:
        async with aiohttp.ClientSession() as http:
            yield SlackHarness(fake, service, bot, f"http://{host}:{port}/slack/events", http)
    finally:
        await runner.cleanup()
        await bot.close()
        await service.close()
        if own_fake:
            await fake.stop()
