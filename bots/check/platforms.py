"""The checks of the Slack and Discord tokens, when they are set: valid, and granted what the bot needs."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bots.check.findings import Finding, fails, unset, works
from bots.slack.app import BOT_SCOPES, web_client
from bots.slack.startup import APP_TOKEN_FIX, BOT_TOKEN_FIX
from core.settings import Settings

TIMEOUT_S = 20.0
DISCORD_API = "https://discord.com/api/v10"
# Application flags that mean "Message Content Intent" is on (GATEWAY_MESSAGE_CONTENT, and its _LIMITED form for
# bots in fewer than 100 servers): without it the bot cannot read answers typed in server threads.
MESSAGE_CONTENT = (1 << 18) | (1 << 19)


async def check_slack(settings: Settings) -> Finding:
    """SLACK_BOT_TOKEN answers auth.test with every scope the app asks for; SLACK_APP_TOKEN opens Socket Mode."""
    if settings.slack_bot_token is None:
        if settings.slack_client_id and settings.slack_client_secret:
            return works("Slack", "OAuth installs: each workspace's token arrives with its install (HTTP mode)")
        return unset("Slack", "no SLACK_BOT_TOKEN: the Slack app is off")
    bot = web_client(settings, settings.slack_bot_token.get_secret_value())
    try:
        async with asyncio.timeout(TIMEOUT_S):
            answer = await bot.auth_test()
            app_token = settings.slack_app_token.get_secret_value() if settings.slack_app_token else None
            socket = await _socket_mode(settings, app_token) if app_token else None
    except SlackApiError as exc:
        error = str(exc.response.get("error") or "unknown_error")
        token = "SLACK_APP_TOKEN" if exc.response.api_url.endswith("apps.connections.open") else "SLACK_BOT_TOKEN"
        fix = APP_TOKEN_FIX if token == "SLACK_APP_TOKEN" else BOT_TOKEN_FIX
        return fails("Slack", f"Slack rejected {token} ({error})", fix[0].upper() + fix[1:])
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        where = settings.slack_api_url or AsyncWebClient.BASE_URL
        return fails(
            "Slack", f"cannot reach Slack at {where} ({type(exc).__name__})", "check the network or SLACK_API_URL"
        )
    granted = {s.strip() for s in str(answer.headers.get("x-oauth-scopes", "")).split(",") if s.strip()}
    missing = [scope for scope in BOT_SCOPES if scope not in granted]
    team = answer.get("team") or answer.get("team_id") or "the workspace"
    if granted and missing:
        return fails(
            "Slack",
            f"bot token of {team} lacks {', '.join(missing)}",
            "add those Bot Token Scopes under OAuth & Permissions, then reinstall the app to the workspace",
        )
    mode = socket or "HTTP mode (no SLACK_APP_TOKEN)"
    scopes = "every scope it needs" if granted else "scopes not reported"
    return works("Slack", f"bot token of {team}: valid, {scopes}; {mode}")


async def _socket_mode(settings: Settings, app_token: str) -> str:
    client = web_client(settings, app_token)
    await client.apps_connections_open(app_token=app_token)
    return "Socket Mode connects"


async def check_discord(settings: Settings) -> Finding:
    """DISCORD_TOKEN is taken by /users/@me, and the application has the Message Content intent switched on."""
    if settings.discord_token is None:
        return unset("Discord", "no DISCORD_TOKEN: the Discord bot is off")
    api = (settings.discord_api_url or DISCORD_API).rstrip("/")
    headers = {"Authorization": f"Bot {settings.discord_token.get_secret_value().strip()}"}
    try:
        async with aiohttp.ClientSession(headers=headers, timeout=aiohttp.ClientTimeout(total=TIMEOUT_S)) as http:
            me = await _get(http, f"{api}/users/@me")
            if me is None:
                return fails(
                    "Discord",
                    "Discord rejected DISCORD_TOKEN",
                    "reset the bot's token under Bot in the Developer Portal and set it again",
                )
            application = await _get(http, f"{api}/oauth2/applications/@me") or {}
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        return fails("Discord", f"cannot reach Discord at {api} ({type(exc).__name__})", "check the network")
    name = str(me.get("username") or "the bot")
    flags = application.get("flags")
    if isinstance(flags, int) and not flags & MESSAGE_CONTENT:
        return fails(
            "Discord",
            f"{name}: the Message Content intent is off, so answers typed in server threads cannot be read",
            "turn on Message Content Intent under Bot in the Developer Portal",
        )
    return works("Discord", f"{name}: token valid, Message Content intent on")


async def _get(http: aiohttp.ClientSession, url: str) -> dict[str, Any] | None:
    """The JSON object at url; None when Discord refuses the token (401)."""
    async with http.get(url) as response:
        if response.status == 401:
            return None
        response.raise_for_status()
        data = await response.json(content_type=None)
        return data if isinstance(data, dict) else {}
