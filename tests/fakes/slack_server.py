"""A loopback Slack for tests: the Web API methods the app calls, private file downloads, response_url, OAuth.

Speaks Slack's HTTP protocol (POST /api/<method>, form or JSON bodies, `{"ok": ...}` answers, 429 with
Retry-After), records every call, and keeps the messages it was sent so threads can be read back. The Socket Mode
side lives in tests/fakes/slack_socket.py. Run alone with `python -m tests.fakes.slack_server --port 0`.
The Web API methods live in slack_web_api.py, modals in slack_views.py, files and response_url in slack_files.py.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import signal
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.slack_files import FileRoutesMixin, StoredFile
from tests.fakes.slack_ids import APP_TOKEN, BOT_ID, BOT_TOKEN, BOT_USER_ID, TEAM_ID
from tests.fakes.slack_views import ViewsMixin
from tests.fakes.slack_web_api import WebApiMethodsMixin

__all__ = ["APP_TOKEN", "BOT_ID", "BOT_TOKEN", "BOT_USER_ID", "TEAM_ID", "Call", "FakeSlack", "main"]


@dataclass
class Call:
    """One Web API call as the fake received it."""

    method: str
    params: dict[str, Any]
    token: str | None


@dataclass
class FakeSlack(WebApiMethodsMixin, ViewsMixin, FileRoutesMixin):
    """The fake Web API server; `base_url` is what SLACK_API_URL should be set to."""

    host: str = "127.0.0.1"
    port: int = 0
    bot_tokens: set[str] = field(default_factory=lambda: {BOT_TOKEN})
    app_token: str = APP_TOKEN
    calls: list[Call] = field(default_factory=list)
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # channel -> messages in order
    files: dict[str, StoredFile] = field(default_factory=dict)
    uploads: dict[str, bytes] = field(default_factory=dict)
    upload_info: dict[str, dict[str, str]] = field(default_factory=dict)
    home_views: dict[str, dict[str, Any]] = field(default_factory=dict)
    views: dict[str, dict[str, Any]] = field(default_factory=dict)  # modals opened with views.open, by view id
    used_triggers: set[str] = field(default_factory=set)
    responses: list[dict[str, Any]] = field(default_factory=list)  # what was posted to response_url
    downloads: list[dict[str, Any]] = field(default_factory=list)
    unreachable_channels: set[str] = field(default_factory=set)  # private: not_in_channel, and cannot be joined
    unjoined_channels: set[str] = field(default_factory=set)  # public ones the bot is not in until conversations.join
    socket_url: str | None = None  # what apps.connections.open hands out
    oauth_codes: dict[str, dict[str, Any]] = field(default_factory=dict)  # code -> oauth.v2.access answer
    user_zones: dict[str, str] = field(default_factory=dict)  # user id -> the time zone of their profile
    # What the bot token was granted; Slack names it in the x-oauth-scopes header of every Web API answer.
    scopes: tuple[str, ...] = (
        "commands",
        "chat:write",
        "channels:join",
        "channels:history",
        "groups:history",
        "im:history",
        "mpim:history",
        "reactions:write",
        "files:read",
        "files:write",
        "users:read",
    )

    def __post_init__(self) -> None:
        self._faults: dict[str, deque[tuple[int, str]]] = {}
        self._holds: dict[str, tuple[bool, asyncio.Event]] = {}
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._changed = asyncio.Condition()
        self.base_url = ""
        self.root_url = ""

    # --- scripting ------------------------------------------------------------------------------------

    def fail_next(self, method: str, *, status: int = 429, retry_after: str = "0") -> None:
        """Make the next call of method answer HTTP status (429 carries Retry-After, as Slack sends it)."""
        self._faults.setdefault(method, deque()).append((status, retry_after))

    def hold_next(self, method: str, *, after_doing_it: bool = False) -> asyncio.Event:
        """Make the next call of method never answer: before doing anything, or after doing it (as when the
        connection drops before the answer arrives). The Event is set when that call has arrived (and was done)."""
        arrived = asyncio.Event()
        self._holds[method] = (after_doing_it, arrived)
        return arrived

    def said(self, event: dict[str, Any]) -> dict[str, Any]:
        """Keep a person's message (a `message` event the test delivers) in its channel, as Slack has it there."""
        self.messages.setdefault(event["channel"], []).append(event)
        return event

    def calls_to(self, method: str) -> list[Call]:
        """The recorded calls of one method, in order."""
        return [c for c in self.calls if c.method == method]

    def thread(self, channel: str, thread_ts: str) -> list[dict[str, Any]]:
        """The bot's messages in a thread (the parent excluded), in order."""
        return [m for m in self.messages.get(channel, []) if m.get("thread_ts") == thread_ts and m["ts"] != thread_ts]

    async def wait_for(self, predicate: Callable[[], Any], *, within: float = 10.0) -> Any:
        """Wait until predicate() is truthy (it is checked after every call the fake serves)."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(predicate), within)
        return predicate()

    # --- lifecycle ------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on host:port; sets base_url (with its trailing slash, as slack_sdk wants)."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)  # slack_sdk reads some methods (files.info) with GET
        app.router.add_get("/files-pri/{key}/download/{name}", self._download)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_post("/response/{key}", self._response_url)
        self.extra_routes(app)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        self.port = self._runner.addresses[0][1]
        self.root_url = f"http://{self.host}:{self.port}"
        self.base_url = f"{self.root_url}/api/"

    def extra_routes(self, app: web.Application) -> None:
        """Hook for subclasses (the Socket Mode fake adds its WebSocket)."""

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeSlack:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # --- the Web API ----------------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params: dict[str, Any] = dict(request.query)
        if request.method == "POST" and request.content_type == "application/json":
            params.update(await request.json())
        elif request.method == "POST":
            params.update(await request.post())
        token = request.headers.get("Authorization", "").removeprefix("Bearer ") or params.pop("token", None)
        self.calls.append(Call(method, params, token))
        try:
            fault = self._faults.get(method)
            if fault:
                status, retry_after = fault.popleft()
                headers = {"Retry-After": retry_after} if status == 429 else {}
                return web.json_response({"ok": False, "error": "ratelimited"}, status=status, headers=headers)
            handler = getattr(self, "api_" + method.replace(".", "_"), None)
            if handler is None:
                return web.json_response({"ok": False, "error": "unknown_method"}, status=404)
            if method not in ("oauth.v2.access", "apps.connections.open") and token not in self.bot_tokens:
                return web.json_response({"ok": False, "error": "invalid_auth"})
            hold = self._holds.pop(method, None)
            if hold is not None:
                after_doing_it, arrived = hold
                if after_doing_it:
                    await handler(params, token)
                arrived.set()
                await self._notify()
                await asyncio.Event().wait()  # never answers; ends when the fake stops
            return web.json_response(await handler(params, token), headers={"x-oauth-scopes": ",".join(self.scopes)})
        finally:
            await self._notify()


async def _serve(port: int) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with FakeSlack(port=port) as fake:
        print(fake.base_url, flush=True)
        await stop.wait()


def main(argv: list[str] | None = None) -> None:
    """Serve a FakeSlack until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    asyncio.run(_serve(parser.parse_args(argv).port))


if __name__ == "__main__":
    main()
