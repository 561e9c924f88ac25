"""Before serving with one bot token: ask Slack whether the tokens work, so a wrong one is one line at start.

Without this, HTTP mode says "listening" and fails on every request, and Socket Mode retries for ever with a
traceback each time. Installs through OAuth have no bot token at start, so there is nothing to check there.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bots.slack.app import web_client
from core.settings import Settings

# What Slack answers for a token it will not take, whatever the reason (mistyped, revoked, wrong kind).
REJECTED = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "not_allowed_token_type",
        "invalid_token",
    }
)
CHECK_TIMEOUT_S = 20.0

BOT_TOKEN_FIX = (
    "copy the Bot User OAuth Token (xoxb-…) again from OAuth & Permissions, and reinstall the app to the "
    "workspace if it was removed."
)
APP_TOKEN_FIX = (
    "create an app-level token with the connections:write scope under Basic Information > App-Level Tokens and "
    "put it in SLACK_APP_TOKEN, or run with --http."
)


@dataclass(frozen=True)
class StartProblem:
    """Why the app cannot start, in one line, and the process exit code for it."""

    message: str
    exit_code: int


async def token_problem(settings: Settings, *, socket_mode: bool) -> StartProblem | None:
    """Whether Slack takes SLACK_BOT_TOKEN (auth.test) and, for Socket Mode, SLACK_APP_TOKEN (apps.connections.open)."""
    assert settings.slack_bot_token is not None  # configuration_problem ran first
    bot = web_client(settings, settings.slack_bot_token.get_secret_value())
    problem = await _ask(settings, "SLACK_BOT_TOKEN", "auth.test", bot.auth_test(), BOT_TOKEN_FIX)
    if problem is not None or not socket_mode:
        return problem
    assert settings.slack_app_token is not None
    app_token = settings.slack_app_token.get_secret_value()
    app = web_client(settings, app_token)
    return await _ask(
        settings,
        "SLACK_APP_TOKEN",
        "apps.connections.open",
        app.apps_connections_open(app_token=app_token),
        APP_TOKEN_FIX,
    )


async def _ask(settings: Settings, name: str, method: str, call: Awaitable[Any], fix: str) -> StartProblem | None:
    """One Web API call: None when it worked, else what went wrong (2: the token; 1: reaching Slack)."""
    where = settings.slack_api_url or AsyncWebClient.BASE_URL
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_S):
            await call
    except SlackApiError as exc:
        error = str(exc.response.get("error") or "unknown_error")
        if error in REJECTED:
            return StartProblem(f"Slack rejected {name} ({error}): {fix}", 2)
        return StartProblem(f"Slack answered {method} with “{error}” when checking {name}; try again shortly.", 1)
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        # The URL is ours (SLACK_API_URL or Slack's); the token travels in a header, never in the text.
        return StartProblem(
            f"Cannot reach Slack at {where} to check {name} ({type(exc).__name__}): check the network, "
            "and SLACK_API_URL if it is set.",
            1,
        )
    return None
