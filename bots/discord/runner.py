"""`mock-interview discord`: check the configuration, point discord.py at its endpoints, run until stopped."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Iterator

import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bots.bootstrap import build_runtime, run_event_loop
from bots.discord.client import create_bot
from bots.discord.shards import ShardSettingsError, shard_plan
from core.interview.service import InterviewService
from core.settings import Settings

log = logging.getLogger(__name__)

MISSING_TOKEN = (
    "DISCORD_TOKEN is not set. Create a bot in the Discord Developer Portal (see the README's Discord section) "
    "and put its token in DISCORD_TOKEN."
)
REJECTED_TOKEN = "Discord rejected DISCORD_TOKEN. Reset the bot's token in the Developer Portal and set it again."
NEEDS_MESSAGE_CONTENT = (
    "Discord refused the Message Content intent. Turn on “Message Content Intent” under Bot in the Developer "
    "Portal (the bot reads answers in server threads with it)."
)


def check_settings(settings: Settings) -> str | None:
    """A one-line problem with the Discord settings, or None when they are usable."""
    token = settings.discord_token.get_secret_value().strip() if settings.discord_token else ""
    if not token:
        return MISSING_TOKEN
    if any(c.isspace() for c in token) or token.lower().startswith("bot "):
        return "DISCORD_TOKEN must be the bare bot token (no “Bot ” prefix, no spaces)."
    try:
        shard_plan(settings)
    except ShardSettingsError as problem:
        return str(problem)
    if settings.discord_api_url and yarl.URL(settings.discord_api_url).scheme not in ("http", "https"):
        return "DISCORD_API_URL must be an http(s) URL such as https://discord.com/api/v10."
    if settings.discord_gateway_url and yarl.URL(settings.discord_gateway_url).scheme not in ("ws", "wss"):
        return "DISCORD_GATEWAY_URL must be a ws(s) URL such as wss://gateway.discord.gg/."
    return None


@contextlib.contextmanager
def discord_endpoints(settings: Settings) -> Iterator[None]:
    """Point discord.py at DISCORD_API_URL / DISCORD_GATEWAY_URL while inside, and restore the defaults after.

    Both are class attributes in discord.py, so they hold for every client in the process. discord.py adds the
    `v`, `encoding` and `compress` query itself and resumes at the URL Discord gives in READY.
    """
    saved = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    try:
        if settings.discord_api_url:
            Route.BASE = settings.discord_api_url.rstrip("/")
        if settings.discord_gateway_url:
            DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url).with_query(None)
        yield
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved


async def serve(settings: Settings, service: InterviewService, *, stop: asyncio.Event | None = None) -> int:
    """Run the bot on service until stop is set or the connection ends for good; the process exit code."""
    assert settings.discord_token is not None  # check_settings ran first
    bot = create_bot(service, shard_plan(settings))
    stop = stop or asyncio.Event()
    with discord_endpoints(settings):
        runner = asyncio.create_task(bot.start(settings.discord_token.get_secret_value()))
        stopper = asyncio.create_task(stop.wait())
        try:
            await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopper.cancel()
            await bot.close()
        try:
            await runner
        except discord.LoginFailure:
            print(REJECTED_TOKEN, file=sys.stderr)
            return 2
        except discord.PrivilegedIntentsRequired:
            print(NEEDS_MESSAGE_CONTENT, file=sys.stderr)
            return 2
        except (discord.GatewayNotFound, discord.ConnectionClosed, discord.HTTPException, OSError) as exc:
            # The exception text can carry the request URL, never the token (discord.py keeps it in a header).
            print(f"Lost the connection to Discord: {type(exc).__name__}: {exc}", file=sys.stderr)
            return 1
    return 0


async def _main(settings: Settings) -> int:
    runtime = build_runtime(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):  # Heroku and systemd stop with SIGTERM: finish grades, then go
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        return await serve(settings, runtime.service, stop=stop)
    finally:
        await runtime.close()


def run_discord(settings: Settings) -> int:
    """Entry point of `mock-interview discord`: 0 after a clean stop, 2 for a configuration problem."""
    problem = check_settings(settings)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    return run_event_loop(_main(settings), uvloop=settings.uvloop)
