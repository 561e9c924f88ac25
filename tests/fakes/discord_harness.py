"""Running the real bot (bots.discord.runner.serve) against a FakeDiscord, for the Discord tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from bots.discord.runner import serve
from core.interview.service import InterviewService
from tests.fakes.discord_server import FakeDiscord
from tests.support import make_settings, runtime_for


@dataclass
class RunningBot:
    """A bot connected to the fake: its service, and how it ended once stopped."""

    fake: FakeDiscord
    service: InterviewService
    exit_code: int | None = None


@asynccontextmanager
async def running_bot(
    fake: FakeDiscord, database_url: str, *, sessions: int = 1, seed: int = 7, **overrides: Any
) -> AsyncIterator[RunningBot]:
    """Start the bot exactly as `mock-interview discord` does, wait for its gateway sessions, stop it after."""
    settings = make_settings(
        database_url,
        DISCORD_TOKEN=fake.token,
        DISCORD_API_URL=fake.api_url,
        DISCORD_GATEWAY_URL=fake.gateway_url,
        **overrides,
    )
    service = runtime_for(settings, seed=seed).service
    stop = asyncio.Event()
    task = asyncio.create_task(serve(settings, service, stop=stop))
    bot = RunningBot(fake, service)
    try:
        waiter = asyncio.create_task(fake.gateway.wait_sessions(sessions))
        done, _ = await asyncio.wait({task, waiter}, timeout=15, return_when=asyncio.FIRST_COMPLETED)
        if task in done:
            waiter.cancel()
            raise AssertionError(f"the bot stopped while connecting (exit {task.result()})")
        await waiter
        yield bot
    finally:
        stop.set()
        bot.exit_code = await asyncio.wait_for(task, 15)
        await service.close()
