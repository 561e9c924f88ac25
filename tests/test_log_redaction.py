"""Secrets never reach a log line, even at DEBUG: a real Slack OAuth install by the real `mock-interview slack --http`
process, whose SDKs log the oauth.v2.access exchange (its code, its client secret, the new workspace's tokens)."""

from __future__ import annotations

import base64
import html
import logging
import re
from pathlib import Path
from unittest.mock import ANY
from urllib.parse import parse_qs, urlparse

import aiohttp
import pytest

from bots.logs import log_level, redact, setup_logging
from tests.fakes.slack_server import BOT_USER_ID, FakeSlack
from tests.process_support import free_port, process_env, spawn_slack_http, stop, wait_healthy
from tests.slack_support import SIGNING_SECRET

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "c0ffee-client-secret-5e5e5e5e5e"
CODE = "8675309.4242.0a1b2c3d4e5f6a7b8c9d"
BOT_TOKEN = "xoxb-2222-3333-newworkspacebottoken"
REFRESH_TOKEN = "xoxe-1-refreshtokenofthenewworkspace"
USER_TOKEN = "xoxp-2222-4444-installersusertoken"


def _access() -> dict:
    """What oauth.v2.access answers for a bot install with token rotation on."""
    return {
        "ok": True,
        "access_token": BOT_TOKEN,
        "refresh_token": REFRESH_TOKEN,
        "expires_in": 43200,
        "token_type": "bot",
        "scope": "commands,chat:write",
        "bot_user_id": BOT_USER_ID,
        "app_id": "A0FAKE",
        "team": {"name": "Redacted", "id": "T0REDACT"},
        "enterprise": None,
        "authed_user": {"id": "U0INSTALLER", "access_token": USER_TOKEN, "token_type": "user"},
        "is_enterprise_install": False,
    }


def _leaks(text: str) -> list[str]:
    """Which secrets (or their tell-tale parts) text holds."""
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    secrets = [CLIENT_SECRET, CODE, BOT_TOKEN, REFRESH_TOKEN, USER_TOKEN, SIGNING_SECRET, basic]
    pieces = ["newworkspacebottoken", "refreshtokenofthenewworkspace", "installersusertoken", "0a1b2c3d4e5f6a7b"]
    return [s[:14] + "…" for s in secrets + pieces if s in text]


async def test_an_oauth_install_at_debug_logs_no_code_token_or_client_secret(tmp_path: Path) -> None:
    port = free_port()
    async with FakeSlack() as fake:
        fake.oauth_codes[CODE] = _access()
        env = process_env(
            tmp_path,
            DATABASE_URL=f"sqlite:///{tmp_path / 'oauth.db'}",
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_CLIENT_ID=CLIENT_ID,
            SLACK_CLIENT_SECRET=CLIENT_SECRET,
            SLACK_API_URL=fake.base_url,
            LOG_LEVEL="DEBUG",
        )
        process = await spawn_slack_http(env, cwd=tmp_path, port=port)
        root = f"http://127.0.0.1:{port}"
        try:
            async with aiohttp.ClientSession() as http:
                await wait_healthy(http, f"{root}/healthz")
                async with http.get(f"{root}/slack/install") as response:
                    assert response.status == 200
                    page = await response.text()
                    cookie = response.headers["Set-Cookie"].split(";")[0]
                found = re.search(r'href="([^"]+oauth/v2/authorize[^"]+)"', page)
                assert found is not None
                state = parse_qs(urlparse(html.unescape(found.group(1))).query)["state"][0]
                redirect = f"{root}/slack/oauth_redirect?code={CODE}&state={state}"
                async with http.get(redirect, headers={"Cookie": cookie}) as response:
                    finished = response.status, await response.text()
        finally:
            out, err = await stop(process)
    assert finished[0] == 200, f"{finished[1]}\n--- the app's log:\n{err}"  # the log says why a state was refused
    assert [c.params.get("code") for c in fake.calls_to("oauth.v2.access")] == [CODE]  # the install really ran
    assert "oauth.v2.access" in err and "DEBUG slack_sdk" in err  # and the SDK logged the exchange at DEBUG
    assert _leaks(out + err) == []


def test_every_kind_of_secret_is_rewritten_and_ordinary_words_are_not() -> None:
    discord_token = "MTA5ODc2NTQzMjEwOTg3NjU0Mw.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB"
    lines = {
        "Authorization: Bearer sk-proj-abcdefghijklmnop0123": "sk-proj-abcdefghijklmnop0123",
        "key=sk-test-secret-key-0123456789abcdef failed": "sk-test-secret-key-0123456789abcdef",
        '{"access_token": "ya29.not-a-slack-token"}': "ya29.not-a-slack-token",
        '{\\"refresh_token\\": \\"r3fr3sh-0123\\"}': "r3fr3sh-0123",
        "POST /oauth?client_id=1.2&client_secret=hush-hush-77&code=4242.5555.abc": "hush-hush-77",
        "GET /slack/oauth_redirect?code=4242.5555.abc&state=s": "4242.5555.abc",
        f"headers: {{'Authorization': 'Bot {discord_token}'}}": discord_token,
        f"identify with {discord_token}": discord_token,
        "socket: xapp-1-A0APP-1234-abcdef and xoxe.xoxp-1-rotating": "xapp-1-A0APP-1234-abcdef",
        "url postgresql://coach:s3cret-pw@db:5432/interviews": "s3cret-pw",
        "Authorization: Basic MTExMS4yMjIyOmMwZmZlZQ==": "MTExMS4yMjIyOmMwZmZlZQ==",
    }
    for line, secret in lines.items():
        assert secret not in redact(line), line
    assert "xoxp-1-rotating" not in redact("xoxe.xoxp-1-rotating")
    kept = "exit code=1; 'code': 'insufficient_quota'; token_type=bot; GET http://127.0.0.1:8080/v1 status=429"
    assert redact(kept) == kept


def test_the_installed_handler_redacts_messages_arguments_and_tracebacks(capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    before = (root.level, list(root.handlers))
    handler = setup_logging("debug")
    try:
        log = logging.getLogger("tests.redaction")
        log.debug("sending %s", {"token": "xoxb-1-2-argument"})
        try:
            raise RuntimeError("rejected key sk-test-secret-key-0123456789abcdef")
        except RuntimeError:
            log.exception("call failed for %s", "Bearer abcdefgh12345678")
    finally:
        root.removeHandler(handler)
        root.setLevel(before[0])
    err = capsys.readouterr().err
    assert "DEBUG tests.redaction: sending" in err and "Traceback" in err and "RuntimeError" in err
    for secret in ("xoxb-1-2-argument", "sk-test-secret-key", "abcdefgh12345678"):
        assert secret not in err
    assert root.handlers == before[1]


def test_an_unknown_log_level_warns_and_uses_warning() -> None:
    assert log_level("verbose") == (logging.WARNING, ANY)
    assert log_level(" info ") == (logging.INFO, None)
    assert log_level(None) == (logging.WARNING, None)
