"""The apps under the duplicate matrix, and the ways an event reaches them more than once.

One Slack app served both over HTTP and over Socket Mode, and one Discord bot, on one database, with one fake
OpenAI behind them (slow enough that a copy delivered "at once" arrives while the first is still being worked on).
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from core.domain.models import Interview
from core.interview.service import InterviewService
from tests.fakes.discord_harness import RunningBot, running_bot
from tests.fakes.discord_server import FakeDiscord
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.slack_payloads import event_callback, form_body, interactivity_body
from tests.fakes.slack_server import APP_TOKEN
from tests.fakes.slack_socket import FakeSlackWithSocket
from tests.slack_support import FORM, SlackHarness, slack_harness
from tests.support import find_interview, isolate_environment

COPIES = 4  # the first delivery and three more
AT_ONCE, LATER = "at-once", "later"
HTTP, SOCKET = "http", "socket-mode"
REDISPATCH, RESUME = "redispatch", "resume"
QUIET_S = 0.15  # no call to a fake for this long, and nothing in flight: a duplicate's reply would have shown up
SPOKEN = "I would compare the training error with the validation error, then regularise the model."
MODEL_LATENCY_S = (0.03, 0.1)

Deliver = Callable[[int], Awaitable[None]]  # delivers the event once; the argument is the attempt, 0 first
Waiter = Callable[[], Awaitable[Any]]


@dataclass
class MatrixBots:
    """Everything a matrix case talks to."""

    slack: SlackHarness
    socket_fake: FakeSlackWithSocket
    discord: RunningBot
    guild_channel: dict[str, Any]
    openai: FakeOpenAI


@asynccontextmanager
async def matrix_bots(tmp: Path, url: str) -> AsyncIterator[MatrixBots]:
    """The Slack app (HTTP and Socket Mode at once) and the Discord bot on one database; the fakes they use."""
    with pytest.MonkeyPatch.context() as env:
        isolate_environment(env, tmp / "xdg")  # module-wide: conftest's per-test isolation has not run yet
        async with (
            FakeOpenAI(latency=MODEL_LATENCY_S, transcript_text=SPOKEN, seed=3) as openai,
            FakeSlackWithSocket() as slack_fake,
            FakeDiscord() as discord_fake,
        ):
            model = {"OPENAI_API_KEY": "sk-test-not-a-real-key", "OPENAI_BASE_URL": openai.base_url}
            guild_channel = discord_fake.add_guild()
            async with slack_harness(url, fake=slack_fake, SLACK_APP_TOKEN=APP_TOKEN, **model) as slack:
                handler = AsyncSocketModeHandler(slack.bot.app, APP_TOKEN)
                await handler.connect_async()
                try:
                    await asyncio.wait_for(slack_fake.connected.wait(), 10)
                    async with running_bot(discord_fake, url, **model) as discord:
                        yield MatrixBots(slack, slack_fake, discord, guild_channel, openai)
                finally:
                    await handler.close_async()


# --- Slack: the same request again over HTTP (Slack's retries), or the same envelope again over Socket Mode ------


def slack_event(bots: MatrixBots, wire: str, event: dict[str, Any]) -> Deliver:
    """Deliver an Events API callback: one event_id, retries numbered as Slack numbers them."""
    body = event_callback(event, event_id=f"Ev{uuid.uuid4().hex[:10].upper()}")
    if wire == SOCKET:
        return _envelope(bots, "events_api", body)

    async def post(attempt: int) -> None:
        headers = {"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": "http_timeout"} if attempt else {}
        status, _ = await bots.slack.post(json.dumps(body).encode(), content_type="application/json", headers=headers)
        assert status == 200

    return post


def slack_command(bots: MatrixBots, wire: str, fields: dict[str, str]) -> Deliver:
    """Deliver one `/mock-interview` invocation (the same trigger_id every time)."""
    if wire == SOCKET:
        return _envelope(bots, "slash_commands", fields)

    async def post(attempt: int) -> None:
        status, _ = await bots.slack.post(form_body(fields), content_type=FORM)
        assert status == 200

    return post


def slack_interaction(bots: MatrixBots, wire: str, payload: dict[str, Any]) -> Deliver:
    """Deliver one button click (the same trigger_id and action_ts every time)."""
    if wire == SOCKET:
        return _envelope(bots, "interactive", payload)

    async def post(attempt: int) -> None:
        status, _ = await bots.slack.post(interactivity_body(payload), content_type=FORM)
        assert status == 200

    return post


def _envelope(bots: MatrixBots, kind: str, payload: dict[str, Any]) -> Deliver:
    """Socket Mode: the same envelope (id and payload) pushed again, as after an acknowledgement Slack missed."""
    envelope_id = f"env-{uuid.uuid4().hex}"

    async def push(attempt: int) -> None:
        await bots.socket_fake.send(kind, payload, retry_attempt=attempt, envelope_id=envelope_id)

    return push


async def slack_four_times(deliver: Deliver, *, timing: str, replied: Waiter) -> None:
    """Deliver COPIES times, all together or the copies after the first reply; then wait for that reply."""
    if timing == AT_ONCE:
        await asyncio.gather(*(deliver(n) for n in range(COPIES)))
    else:
        await deliver(0)
        await replied()
        for n in range(1, COPIES):
            await deliver(n)
    await replied()


async def slack_quiet(bots: MatrixBots) -> None:
    """Wait until the Slack app has nothing in flight and the fake saw no call for QUIET_S; grades stored."""
    fake, bot = bots.slack.fake, bots.slack.bot
    async with asyncio.timeout(10):
        while True:
            seen = len(fake.calls) + len(fake.responses) + len(fake.downloads)
            await asyncio.sleep(QUIET_S)
            if not bot.inflight and seen == len(fake.calls) + len(fake.responses) + len(fake.downloads):
                break
    await bots.slack.service.drain()


# --- Discord: the gateway sends the same dispatch again, or replays it after a RESUME -----------------------------


async def discord_four_times(
    bots: MatrixBots, first: Callable[[], Awaitable[dict[str, Any]]], *, wire: str, timing: str, replied: Waiter
) -> dict[str, Any]:
    """Dispatch an event, then COPIES - 1 more times (at once, or after its reply); the event."""
    gateway = bots.discord.fake.gateway
    event = await first()
    guild_id = event["d"].get("guild_id")
    if timing == LATER:
        await replied()
    for _ in range(1, COPIES):
        if wire == REDISPATCH:
            await gateway.redeliver(event, guild_id=guild_id)
        else:
            resumed = len(gateway.resumes)
            gateway.replay_from = event["s"]
            try:
                await gateway.reconnect(guild_id=guild_id)
                await gateway.wait_sessions(1, resumed=resumed + 1)
            finally:
                gateway.replay_from = None
    await replied()
    if wire == RESUME:  # the client really received it again after each RESUME
        replays = [e for e in gateway.replayed if e["t"] == event["t"] and e["d"]["id"] == event["d"]["id"]]
        assert len(replays) == COPIES - 1
    return event


async def discord_quiet(bots: MatrixBots) -> None:
    """Wait until the fake Discord saw no request for QUIET_S; grades stored."""
    fake = bots.discord.fake
    async with asyncio.timeout(10):
        while True:
            seen = len(fake.requests) + len(fake.cdn_requests)
            await asyncio.sleep(QUIET_S)
            if seen == len(fake.requests) + len(fake.cdn_requests):
                break
    await bots.discord.service.drain()


async def interviews_of(service: InterviewService, user: str, platform: str) -> list[Interview]:
    """Every stored interview of user, with its turns."""
    rows = await service.history(user_id=user, platform=platform)
    return [await find_interview(service, row.id, user_id=user) for row in rows]


def one_graded_answer(interview: Interview) -> None:
    """Assert the interview holds exactly one answer, graded, and its turns have no gap."""
    answered = [t for t in interview.turns if t.answer is not None]
    assert len(answered) == 1, [t.answer for t in interview.turns]
    assert answered[0].grade is not None
    assert [t.seq for t in interview.turns] == list(range(1, len(interview.turns) + 1))
