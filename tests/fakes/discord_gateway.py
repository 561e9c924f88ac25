"""The gateway half of the fake Discord: HELLO, IDENTIFY/READY, RESUME, heartbeats, zlib-stream and dispatches."""

from __future__ import annotations

import asyncio
import json
import uuid
import zlib
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

HELLO, HEARTBEAT, IDENTIFY, RESUME, RECONNECT, INVALID_SESSION, HEARTBEAT_ACK, DISPATCH = 10, 1, 2, 6, 7, 9, 11, 0
MESSAGE_CONTENT_INTENT = 1 << 15
HEARTBEAT_INTERVAL_MS = 41_250


@dataclass
class Session:
    """One gateway session: its shard, the events sent with their sequence numbers, and its live socket."""

    session_id: str
    shard: tuple[int, int]
    intents: int
    events: list[dict[str, Any]] = field(default_factory=list)
    socket: Connection | None = None

    @property
    def seq(self) -> int:
        """The last sequence number sent."""
        return self.events[-1]["s"] if self.events else 0


class Connection:
    """One websocket: JSON text frames, or one zlib stream over binary frames when the client asked for it."""

    def __init__(self, ws: web.WebSocketResponse, *, compress: str | None) -> None:
        self.ws = ws
        self._zlib = zlib.compressobj() if compress == "zlib-stream" else None

    async def send(self, payload: dict[str, Any]) -> None:
        """Send one gateway payload."""
        text = json.dumps(payload)
        if self._zlib is None:
            await self.ws.send_str(text)
        else:
            data = self._zlib.compress(text.encode()) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
            await self.ws.send_bytes(data)


class FakeGateway:
    """Gateway sessions of the fake; the server tells it what READY and GUILD_CREATE hold."""

    def __init__(self, server: Any) -> None:
        self.server = server
        self.sessions: dict[str, Session] = {}
        self.identifies: list[dict[str, Any]] = []
        self.resumes: list[dict[str, Any]] = []
        self.replayed: list[dict[str, Any]] = []  # events sent again on RESUME
        self.dropped: list[dict[str, Any]] = []  # events of a shard no session had opened
        self.connect_queries: list[dict[str, str]] = []
        self.heartbeats = 0
        self.resume_overlap = 0  # events before the client's seq replayed on RESUME: at-least-once delivery
        self.replay_from: int | None = None  # replay on RESUME from this sequence number on, whatever the client saw
        self.allow_message_content = True
        self._ready_changed = asyncio.Condition()

    # -- the socket --------------------------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """Serve one gateway connection."""
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        self.connect_queries.append({"path": request.path, **request.query})
        conn = Connection(ws, compress=request.query.get("compress"))
        await conn.send({"op": HELLO, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}, "s": None, "t": None})
        session: Session | None = None
        async for msg in ws:
            if msg.type is not WSMsgType.TEXT:
                continue
            payload = json.loads(msg.data)
            op, data = payload.get("op"), payload.get("d")
            if op == HEARTBEAT:
                self.heartbeats += 1
                await conn.send({"op": HEARTBEAT_ACK, "d": None, "s": None, "t": None})
            elif op == IDENTIFY:
                session = await self._identify(conn, data)
            elif op == RESUME:
                session = await self._resume(conn, data)
        if session is not None and session.socket is conn:
            session.socket = None
        return ws

    async def _identify(self, conn: Connection, data: dict[str, Any]) -> Session | None:
        self.identifies.append({k: v for k, v in data.items() if k != "token"})
        if data.get("token") != self.server.token:
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return None
        intents = int(data.get("intents", 0))
        if intents & MESSAGE_CONTENT_INTENT and not self.allow_message_content:
            await conn.ws.close(code=4014, message=b"Disallowed intent(s).")
            return None
        shard_id, shard_count = data.get("shard") or (0, 1)
        if not 0 <= shard_id < shard_count:
            await conn.ws.close(code=4010, message=b"Invalid shard.")
            return None
        session = Session(uuid.uuid4().hex, (shard_id, shard_count), intents, socket=conn)
        self.sessions[session.session_id] = session
        guilds = [g for g in self.server.guilds.values() if self.shard_of(g["id"], shard_count) == shard_id]
        ready = {
            "v": 10,
            "user": self.server.bot_user,
            "guilds": [{"id": g["id"], "unavailable": True} for g in guilds],
            "session_id": session.session_id,
            "session_type": "normal",
            "resume_gateway_url": self.server.resume_url,
            "shard": [shard_id, shard_count],
            "application": {"id": self.server.application_id, "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "geo_ordered_rtc_regions": [],
        }
        await self._send_event(session, "READY", ready)
        for g in guilds:
            await self._send_event(session, "GUILD_CREATE", self.server.guild_payload(g["id"]))
        async with self._ready_changed:
            self._ready_changed.notify_all()
        return session

    async def _resume(self, conn: Connection, data: dict[str, Any]) -> Session | None:
        self.resumes.append({k: v for k, v in data.items() if k != "token"})
        session = self.sessions.get(data.get("session_id", ""))
        if session is None or data.get("token") != self.server.token:
            await conn.send({"op": INVALID_SESSION, "d": False, "s": None, "t": None})
            return None
        session.socket = conn
        since = int(data.get("seq") or 0) - self.resume_overlap
        if self.replay_from is not None:
            since = min(since, self.replay_from - 1)
        for event in [e for e in session.events if e["s"] > since]:
            self.replayed.append(event)
            await conn.send(event)
        await self._send_event(session, "RESUMED", {})
        async with self._ready_changed:
            self._ready_changed.notify_all()
        return session

    async def _send_event(self, session: Session, name: str, data: dict[str, Any]) -> None:
        event = {"op": DISPATCH, "t": name, "s": session.seq + 1, "d": data}
        session.events.append(event)
        if session.socket is not None:
            await session.socket.send(event)

    # -- for tests and the REST half ---------------------------------------------------------------------------

    @staticmethod
    def shard_of(guild_id: str | None, shard_count: int) -> int:
        """Discord's routing: (guild_id >> 22) % shards; DMs go to shard 0."""
        return 0 if guild_id is None else (int(guild_id) >> 22) % shard_count

    def live_sessions(self) -> list[Session]:
        """Sessions with a connected socket."""
        return [s for s in self.sessions.values() if s.socket is not None]

    def session_for(self, guild_id: str | None) -> Session:
        """The session that carries events of this guild (or of DMs): a live one, else one waiting to be resumed."""
        session = self._carrier(guild_id)
        if session is None:
            raise AssertionError(f"no gateway session for guild {guild_id}")
        return session

    def _carrier(self, guild_id: str | None) -> Session | None:
        # Discord keeps dispatching into a session whose client is reconnecting and replays it all on RESUME, so a
        # REST call made meanwhile (a thread created, a message sent) still succeeds and its event is not lost.
        waiting = [s for s in self.sessions.values() if s.socket is None]
        for session in [*self.live_sessions(), *reversed(waiting)]:
            if self.shard_of(guild_id, session.shard[1]) == session.shard[0]:
                return session
        return None

    async def dispatch(self, name: str, data: dict[str, Any], *, guild_id: str | None = None) -> dict[str, Any]:
        """Send an event on the shard that owns guild_id; returns the event with its sequence number."""
        session = self._carrier(guild_id)
        if session is None:
            # No process opened that shard: Discord delivers the event to nobody, and the REST call behind it
            # (a message the bot sent there) still succeeds.
            event = {"op": DISPATCH, "t": name, "s": None, "d": data}
            self.dropped.append(event)
            return event
        await self._send_event(session, name, data)
        return session.events[-1]

    async def redeliver(self, event: dict[str, Any], *, guild_id: str | None = None) -> None:
        """Send an event again under a new sequence number, as a gateway does after a lost acknowledgement."""
        await self.dispatch(event["t"], event["d"], guild_id=guild_id)

    async def reconnect(self, *, guild_id: str | None = None) -> None:
        """Ask the client to reconnect (op 7): it closes and RESUMEs at resume_gateway_url."""
        session = self.session_for(guild_id)
        assert session.socket is not None
        await session.socket.send({"op": RECONNECT, "d": None, "s": None, "t": None})

    async def wait_sessions(self, count: int, *, resumed: int = 0, within_s: float = 10.0) -> None:
        """Wait until count sessions are live (and resumed RESUMEs happened)."""

        def done() -> bool:
            return len(self.live_sessions()) >= count and len(self.resumes) >= resumed

        async with self._ready_changed:
            await asyncio.wait_for(self._ready_changed.wait_for(done), within_s)

    async def close_all(self) -> None:
        """Close every socket (the server is stopping)."""
        for session in self.sessions.values():
            if session.socket is not None:
                await session.socket.ws.close()
                session.socket = None
