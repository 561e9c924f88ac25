"""A loopback Slack for tests: the Web API methods the app calls, private file downloads, response_url, OAuth.

Speaks Slack's HTTP protocol (POST /api/<method>, form or JSON bodies, `{"ok": ...}` answers, 429 with
Retry-After), records every call, and keeps the messages it was sent so threads can be read back. The Socket Mode
side lives in tests/fakes/slack_socket.py. Run alone with `python -m tests.fakes.slack_server --port 0`.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import signal
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_TOKEN = "xoxb-fake-bot-token"
APP_TOKEN = "xapp-1-fake-app-token"
TEAM_ID = "T0FAKE"
BOT_USER_ID = "U0COACHBOT"
BOT_ID = "B0COACHBOT"
LOGIN_PAGE = "<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in to your workspace</body></html>"


@dataclass
class Call:
    """One Web API call as the fake received it."""

    method: str
    params: dict[str, Any]
    token: str | None


@dataclass
class StoredFile:
    """A file the fake serves at its url_private_download."""

    info: dict[str, Any]
    content: bytes


@dataclass
class FakeSlack:
    """The fake Web API server; `base_url` is what SLACK_API_URL should be set to."""

    host: str = "127.0.0.1"
    port: int = 0
    bot_tokens: set[str] = field(default_factory=lambda: {BOT_TOKEN})
    app_token: str = APP_TOKEN
    calls: list[Call] = field(default_factory=list)
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # channel -> messages in order
    files: dict[str, StoredFile] = field(default_factory=dict)
    uploads: dict[str, bytes] = field(default_factory=dict)
    responses: list[dict[str, Any]] = field(default_factory=list)  # what was posted to response_url
    downloads: list[dict[str, Any]] = field(default_factory=list)
    unreachable_channels: set[str] = field(default_factory=set)  # private: not_in_channel, and cannot be joined
    unjoined_channels: set[str] = field(default_factory=set)  # public ones the bot is not in until conversations.join
    socket_url: str | None = None  # what apps.connections.open hands out
    oauth_codes: dict[str, dict[str, Any]] = field(default_factory=dict)  # code -> oauth.v2.access answer

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

    def add_file(self, info: dict[str, Any], content: bytes) -> dict[str, Any]:
        """Serve content as a private file; returns the full file object (with url_private_download)."""
        file_id = info.get("id") or f"F{next(self._ids):08d}"
        name = info.get("name", "file")
        url = f"{self.root_url}/files-pri/{TEAM_ID}-{file_id}/download/{name}"
        full = {
            "id": file_id,
            "size": len(content),
            "url_private": url,
            "url_private_download": url,
            **info,
        }
        self.files[file_id] = StoredFile(full, content)
        return full

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

    def response_url(self, key: str = "cmd") -> str:
        """A response_url that records what is posted to it."""
        return f"{self.root_url}/response/{key}"

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
            return web.json_response(await handler(params, token))
        finally:
            await self._notify()

    async def api_auth_test(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """auth.test."""
        return {
            "ok": True,
            "url": "https://fake.slack.test/",
            "team": "Fake Team",
            "user": "coach",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _next_ts(self) -> str:
        return f"{1_800_000_000 + next(self._ts)}.000100"

    async def api_chat_postMessage(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """chat.postMessage: stores the message; not_in_channel for unreachable channels."""
        channel = params.get("channel", "")
        if channel in self.unreachable_channels or channel in self.unjoined_channels:
            return {"ok": False, "error": "not_in_channel"}
        message = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "ts": self._next_ts(),
            "text": params.get("text", ""),
            "blocks": _json_field(params.get("blocks")) or [],
            "metadata": _json_field(params.get("metadata")),
        }
        if params.get("thread_ts"):
            message["thread_ts"] = params["thread_ts"]
        self.messages.setdefault(channel, []).append(message)
        return {"ok": True, "channel": channel, "ts": message["ts"], "message": message}

    async def api_conversations_join(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """conversations.join: works for public channels only."""
        channel = params.get("channel", "")
        if channel in self.unreachable_channels:
            return {"ok": False, "error": "method_not_supported_for_channel_type"}
        self.unjoined_channels.discard(channel)
        return {"ok": True, "channel": {"id": channel, "is_member": True}}

    async def api_chat_update(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """chat.update of a stored message."""
        channel, ts = params.get("channel", ""), params.get("ts")
        for message in self.messages.get(channel, []):
            if message["ts"] == ts:
                message["text"] = params.get("text", message["text"])
                if "blocks" in params:
                    message["blocks"] = _json_field(params["blocks"]) or []
                if params.get("metadata"):
                    message["metadata"] = _json_field(params["metadata"])
                return {"ok": True, "channel": channel, "ts": ts, "text": message["text"]}
        return {"ok": False, "error": "message_not_found"}

    async def api_chat_postEphemeral(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """chat.postEphemeral (recorded only: nobody else sees it)."""
        return {"ok": True, "message_ts": self._next_ts()}

    async def api_reactions_add(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """reactions.add."""
        return {"ok": True}

    async def api_reactions_remove(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """reactions.remove."""
        return {"ok": True}

    async def api_conversations_replies(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """conversations.replies: the parent first, then the thread."""
        channel, ts = params.get("channel", ""), params.get("ts")
        found = [m for m in self.messages.get(channel, []) if m["ts"] == ts or m.get("thread_ts") == ts]
        if not found:
            return {"ok": False, "error": "thread_not_found"}
        return {"ok": True, "messages": found[: int(params.get("limit", 1000))], "has_more": False}

    async def api_files_info(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """files.info."""
        stored = self.files.get(params.get("file", ""))
        return {"ok": True, "file": stored.info} if stored else {"ok": False, "error": "file_not_found"}

    async def api_files_getUploadURLExternal(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """Step 1 of files_upload_v2: where to send the bytes."""
        file_id = f"F{next(self._ids):08d}"
        return {"ok": True, "upload_url": f"{self.root_url}/upload/{file_id}", "file_id": file_id}

    async def api_files_completeUploadExternal(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """Step 3 of files_upload_v2: share the uploaded files in a channel."""
        files = _json_field(params.get("files")) or []
        missing = [f["id"] for f in files if f["id"] not in self.uploads]
        if missing:
            return {"ok": False, "error": "invalid_file_id"}
        if params.get("channel_id") in self.unreachable_channels:
            return {"ok": False, "error": "not_in_channel"}
        return {"ok": True, "files": [{"id": f["id"], "title": f.get("title", "")} for f in files]}

    async def api_apps_connections_open(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """apps.connections.open: needs the app-level token."""
        if token != self.app_token:
            return {"ok": False, "error": "invalid_auth"}
        if self.socket_url is None:
            return {"ok": False, "error": "not_allowed_token_type"}
        return {"ok": True, "url": self.socket_url}

    async def api_oauth_v2_access(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """oauth.v2.access: exchanges a code registered in oauth_codes."""
        answer = self.oauth_codes.get(params.get("code", ""))
        if answer is None:
            return {"ok": False, "error": "invalid_code"}
        self.bot_tokens.add(answer["access_token"])
        return answer

    # --- files, uploads and response_url --------------------------------------------------------------

    async def _download(self, request: web.Request) -> web.Response:
        file_id = request.match_info["key"].split("-", 1)[-1]
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        self.downloads.append({"file": file_id, "authorized": token in self.bot_tokens})
        await self._notify()
        stored = self.files.get(file_id)
        if token not in self.bot_tokens or stored is None:
            # What Slack really does without a token: a 200 with its sign-in page, not the file.
            return web.Response(text=LOGIN_PAGE, content_type="text/html")
        mimetype = stored.info.get("mimetype") or "application/octet-stream"
        return web.Response(body=stored.content, content_type=mimetype)

    async def _upload(self, request: web.Request) -> web.Response:
        data = await request.read()  # files_upload_v2 sends the raw bytes
        self.uploads[request.match_info["file_id"]] = data
        await self._notify()
        return web.Response(text=f"OK - {len(data)}")

    async def _response_url(self, request: web.Request) -> web.Response:
        self.responses.append({"key": request.match_info["key"], **(await request.json())})
        await self._notify()
        return web.Response(text="ok")


def _json_field(value: Any) -> Any:
    """A field that slack_sdk sends as JSON text in form bodies, or as JSON in JSON bodies."""
    if isinstance(value, str) and value[:1] in "[{":
        return json.loads(value)
    return value


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
