"""`mock-interview slack`: Socket Mode by default, or `--http --port P` for the Events API over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from bots.bootstrap import build_runtime, run_event_loop
from bots.slack.app import EVENTS_PATH, build_slack_app, uses_oauth, web_application
from bots.slack.startup import token_problem
from core.settings import Settings

log = logging.getLogger(__name__)


def configuration_problem(settings: Settings, *, http: bool) -> str | None:
    """What is missing or wrong for the chosen mode, in one line; None when it can run."""
    bot = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else ""
    if http:
        if settings.slack_signing_secret is None:
            return "SLACK_SIGNING_SECRET is not set: HTTP mode checks every request with it (Basic Information page)."
        if bool(settings.slack_client_id) != bool(settings.slack_client_secret):
            return "Set both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for installs in several workspaces, or neither."
        if uses_oauth(settings):
            return None
    if not bot:
        return "SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions."
    if not bot.startswith("xoxb-"):
        return "SLACK_BOT_TOKEN does not look like a bot token: it should start with xoxb-."
    if not http:
        app_token = settings.slack_app_token.get_secret_value() if settings.slack_app_token else ""
        if not app_token:
            return (
                "SLACK_APP_TOKEN is not set: Socket Mode needs an app-level token (xapp-…) with connections:write "
                "(Basic Information > App-Level Tokens), or run with --http."
            )
        if not app_token.startswith("xapp-"):
            return "SLACK_APP_TOKEN does not look like an app-level token: it should start with xapp-."
    return None


def run_slack(settings: Settings, *, http: bool = False, port: int = 3000, host: str = "0.0.0.0") -> int:
    """Run the Slack app until interrupted; 2 with a one-line reason when the configuration is incomplete or
    Slack rejects a token, 1 when Slack cannot be reached to check them."""
    problem = configuration_problem(settings, http=http)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    with contextlib.suppress(KeyboardInterrupt):
        return run_event_loop(_main(settings, http=http, port=port, host=host), uvloop=settings.uvloop)
    return 0


async def _main(settings: Settings, *, http: bool, port: int, host: str) -> int:
    if not (http and uses_oauth(settings)):  # one bot token: check it (and the app token) before serving
        rejected = await token_problem(settings, socket_mode=not http)
        if rejected is not None:
            print(rejected.message, file=sys.stderr)
            return rejected.exit_code
    await (serve_http(settings, port=port, host=host) if http else serve_socket_mode(settings))
    return 0


async def _until_stopped() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on every platform
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()


async def serve_socket_mode(settings: Settings) -> None:
    """Connect to Slack over Socket Mode (no public URL needed) and serve until SIGINT/SIGTERM."""
    runtime = build_runtime(settings)
    bot = build_slack_app(settings, runtime.service, engine=runtime.engine, socket_mode=True)
    assert settings.slack_app_token is not None
    handler = AsyncSocketModeHandler(bot.app, settings.slack_app_token.get_secret_value())
    try:
        await handler.connect_async()
        bot.sweeper.start()
        print(f"Slack app connected over Socket Mode ({runtime.service.mode}). Ctrl-C stops it.", flush=True)
        await _until_stopped()
    finally:
        await handler.close_async()
        await bot.close()
        await runtime.close()


async def serve_http(settings: Settings, *, port: int, host: str = "0.0.0.0") -> None:
    """Serve events, slash commands and interactivity at /slack/events until SIGINT/SIGTERM."""
    runtime = build_runtime(settings)
    bot = build_slack_app(settings, runtime.service, engine=runtime.engine)
    runner = web.AppRunner(web_application(bot), access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        bot.sweeper.start()
        installs = " and /slack/install" if uses_oauth(settings) else ""
        print(
            f"Slack app listening on port {port} (address {host}): {EVENTS_PATH}{installs} ({runtime.service.mode}).",
            flush=True,
        )
        await _until_stopped()
    finally:
        await runner.cleanup()
        await bot.close()
        await runtime.close()
