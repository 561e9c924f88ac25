"""The Socket Mode side of the fake Slack: apps.connections.open hands out a ws:// URL served here.

Sends `hello` on connect, pushes envelopes (events_api, slash_commands, interactive) as Slack does, and records
the acknowledgements the app sends back.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any

from aiohttp import WSMsgType, web

from tests.fakes.slack_server import FakeSlack

SOCKET_PATH = "/link"


class FakeSlackWithSocket(FakeSlack):
    """FakeSlack plus a Socket Mode WebSocket endpoint."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.acks: dict[str, dict[str, Any]] = {}
        self.connections = 0
        self._sockets: list[web.WebSocketResponse] = []
        self._envelopes = itertools.count(1)
        self.connected = asyncio.Event()

    def extra_routes(self, app: web.Application) -> None:
        """Serve the WebSocket."""
        app.router.add_get(SOCKET_PATH, self._socket)

    async def start(self) -> None:
        """Listen, and hand out our own ws:// URL from apps.connections.open."""
        await super().start()
        self.socket_url = f"ws://{self.host}:{self.port}{SOCKET_PATH}"

    async def stop(self) -> None:
        """Close open sockets, then stop listening."""
        for ws in list(self._sockets):
            await ws.close()
        await super().stop()

    async def send(self, kind: str, payload: dict[str, Any], *, retry_attempt: int = 0, envelope_id: str = "") -> str:
        """Push one envelope to the connected app; returns its envelope_id."""
        await asyncio.wait_for(self.connected.wait(), 10)
        envelope_id = envelope_id or f"env-{next(self._envelopes)}"
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
        }
        if kind == "events_api":
            envelope.update(retry_attempt=retry_attempt, retry_reason="timeout" if retry_attempt else "")
        await self._sockets[-1].send_str(json.dumps(envelope))
        return envelope_id

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self.connections += 1
        self._sockets.append(ws)
        await ws.send_str(
            json.dumps(
                {
                    "type": "hello",
                    "num_connections": 1,
                    "debug_info": {"host": "fake-socket", "approximate_connection_time": 18060},
                    "connection_info": {"app_id": "A0FAKE"},
                }
            )
        )
        self.connected.set()
        try:
            async for message in ws:
                if message.type is not WSMsgType.TEXT:
                    continue
                data = json.loads(message.data)
                if "envelope_id" in data:
                    self.acks[data["envelope_id"]] = data
                    await self._notify()
        finally:
            self._sockets.remove(ws)
            if not self._sockets:
                self.connected.clear()
        return ws
