"""A loopback Discord for tests: the REST routes the bot uses, a gateway, and a CDN, all on 127.0.0.1.

The real discord.py client talks to it through DISCORD_API_URL (`api_url`) and DISCORD_GATEWAY_URL (`gateway_url`).
It records what the bot sends, refuses what Discord refuses (message limits, double acknowledgements, bad tokens)
and can be told to answer 429. Run alone with `python -m tests.fakes.discord_server --port 0`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from tests.fakes import discord_payloads as p
from tests.fakes.discord_gateway import FakeGateway
from tests.fakes.discord_http import RateLimit, public, snowflakes_as_strings, too_many
from tests.fakes.discord_http import json_response as _json
from tests.fakes.discord_interactions import BODY, FILES, InteractionsMixin

API = "/api/v10"


class FakeDiscord(InteractionsMixin):
    """Discord's REST API, gateway and CDN in one aiohttp server; state lives in plain dicts for tests to read."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, token: str = "fake-bot-token.abc.def") -> None:
        self.host, self.port, self.token = host, port, token
        self.application_id = p.snowflake()
        self.bot_user = p.user("coach", bot=True, user_id=self.application_id)
        self.recommended_shards = 1
        self.guilds: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.messages: dict[str, dict[str, Any]] = {}  # every message the bot created, by id, in order
        self.requests: list[dict[str, Any]] = []
        self.commands: list[dict[str, Any]] = []
        self.thread_members: list[tuple[str, str]] = []
        self.interactions: dict[str, dict[str, Any]] = {}  # by token: the interaction and its response state
        self.callbacks: list[dict[str, Any]] = []
        self.cdn: dict[str, bytes] = {}
        self.cdn_requests: list[str] = []  # paths downloaded from the CDN
        self.rate_limits: list[RateLimit] = []
        self.gateway = FakeGateway(self)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.base = ""

    # -- lifecycle ------------------------------------------------------------------------------------------------

    @property
    def api_url(self) -> str:
        """The value for DISCORD_API_URL."""
        return f"{self.base}{API}"

    @property
    def gateway_url(self) -> str:
        """The value for DISCORD_GATEWAY_URL."""
        return f"ws://{self.host}:{self.port}/"

    @property
    def resume_url(self) -> str:
        """Where READY tells clients to resume (a different path, so tests see resumes go there)."""
        return f"ws://{self.host}:{self.port}/resume"

    async def start(self) -> None:
        """Start listening; sets the URLs."""
        app = web.Application(client_max_size=64 * 1024 * 1024, middlewares=[self._record_and_limit])
        app.router.add_get("/", self.gateway.handle)
        app.router.add_get("/resume", self.gateway.handle)
        app.router.add_get("/attachments/{path:.*}", self._cdn)
        r = app.router
        r.add_get(f"{API}/users/@me", self._me)
        r.add_get(f"{API}/oauth2/applications/@me", self._application)
        r.add_get(f"{API}/gateway", self._gateway)
        r.add_get(f"{API}/gateway/bot", self._gateway_bot)
        r.add_put(f"{API}/applications/{{app}}/commands", self._put_commands)
        r.add_get(f"{API}/applications/{{app}}/commands", self._get_commands)
        r.add_post(f"{API}/channels/{{channel}}/messages", self._create_message)
        r.add_patch(f"{API}/channels/{{channel}}/messages/{{message}}", self._edit_message)
        r.add_post(f"{API}/channels/{{channel}}/typing", self._typing)
        r.add_post(f"{API}/channels/{{channel}}/threads", self._create_thread)
        r.add_put(f"{API}/channels/{{channel}}/thread-members/{{user}}", self._add_thread_member)
        r.add_get(f"{API}/channels/{{channel}}", self._get_channel)
        r.add_post(f"{API}/interactions/{{interaction}}/{{token}}/callback", self._callback)
        r.add_post(f"{API}/webhooks/{{app}}/{{token}}", self._followup)
        r.add_patch(f"{API}/webhooks/{{app}}/{{token}}/messages/{{message}}", self._edit_webhook_message)
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        self.port = self._runner.addresses[0][1]
        self.base = f"http://{self.host}:{self.port}"

    async def stop(self) -> None:
        """Close the gateway sockets and stop listening."""
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # -- world building -------------------------------------------------------------------------------------------

    def add_guild(
        self, name: str = "Study Group", *, channel: str = "interview-practice", shard: tuple[int, int] | None = None
    ) -> dict[str, Any]:
        """A guild with one text channel, delivered in GUILD_CREATE at the next IDENTIFY; its channel.

        shard=(id, count) picks an id that Discord routes to that shard.
        """
        guild_id = p.snowflake()
        if shard is not None:
            shard_id, count = shard
            stamp = int(guild_id) >> 22
            guild_id = str(((stamp - stamp % count + shard_id) << 22) | (int(guild_id) & ((1 << 22) - 1)))
        text = p.text_channel(guild_id, channel)
        self.channels[text["id"]] = text
        self.guilds[guild_id] = {"id": guild_id, "name": name, "channel_ids": [text["id"]]}
        return text

    def guild_payload(self, guild_id: str) -> dict[str, Any]:
        """The GUILD_CREATE payload of a guild as it is now (channels and active threads)."""
        info = self.guilds[guild_id]
        channels = [self.channels[c] for c in info["channel_ids"]]
        payload = p.guild(info["name"], owner_id=self.bot_user["id"], channels=channels, bot_user=self.bot_user)
        payload["threads"] = [c for c in self.channels.values() if c.get("guild_id") == guild_id and "parent_id" in c]
        payload["threads"] = [t for t in payload["threads"] if t.get("thread_metadata")]
        return payload

    def open_dm(self, user: dict[str, Any]) -> dict[str, Any]:
        """The DM channel between the bot and user."""
        channel = p.dm_channel(user)
        self.channels[channel["id"]] = channel
        return channel

    def upload(self, channel_id: str, data: bytes, *, filename: str, content_type: str, duration_s: float | None):
        """Put a file on the fake CDN; its attachment object."""
        attachment = p.attachment("", filename=filename, size=len(data), content_type=content_type)
        path = f"{channel_id}/{attachment['id']}/{filename}"
        self.cdn[path] = data
        url = f"{self.base}/attachments/{path}?ex=6762f1a0&is=6761a020&hm=fakesignature"
        return p.attachment(url, filename=filename, size=len(data), content_type=content_type, duration_s=duration_s)

    # -- things users do ------------------------------------------------------------------------------------------

    async def user_message(
        self,
        author: dict[str, Any],
        channel: dict[str, Any],
        content: str = "",
        *,
        attachments: list[dict[str, Any]] | None = None,
        flags: int = 0,
    ) -> dict[str, Any]:
        """A user posts in a channel, DM or thread: MESSAGE_CREATE on the right shard; returns the event."""
        guild_id = channel.get("guild_id")
        data = p.message(
            channel_id=channel["id"],
            author=author,
            content=content,
            guild_id=guild_id,
            attachments=attachments,
            flags=flags,
        )
        return await self.gateway.dispatch("MESSAGE_CREATE", data, guild_id=guild_id)

    async def voice_message(self, author: dict[str, Any], channel: dict[str, Any], audio: bytes, *, seconds: float):
        """A user records a voice message: an audio/ogg attachment with its duration, and the voice flag."""
        attachment = self.upload(
            channel["id"], audio, filename="voice-message.ogg", content_type="audio/ogg", duration_s=seconds
        )
        return await self.user_message(author, channel, "", attachments=[attachment], flags=p.VOICE_MESSAGE_FLAG)

    # -- reading what happened ------------------------------------------------------------------------------------

    def sent_in(self, channel_id: str) -> list[dict[str, Any]]:
        """Messages the bot created in a channel, oldest first (ephemeral ones are not in any channel)."""
        return [m for m in self.messages.values() if m["channel_id"] == channel_id and not m.get("ephemeral")]

    def threads(self) -> list[dict[str, Any]]:
        """Threads the bot created."""
        return [c for c in self.channels.values() if c.get("thread_metadata")]

    async def wait_until(self, predicate: Callable[[], Any], *, within_s: float = 10.0) -> Any:
        """Wait for a condition over the recorded state; returns its first truthy value."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(predicate), within_s)
        return predicate()

    async def wait_for_messages(self, channel_id: str, count: int, *, within_s: float = 10.0) -> list[dict[str, Any]]:
        """Wait until the bot has created at least count messages in a channel; all of them."""
        await self.wait_until(lambda: len(self.sent_in(channel_id)) >= count, within_s=within_s)
        return self.sent_in(channel_id)

    async def _changed_now(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def rate_limit(self, method: str, path_pattern: str, **options: Any) -> RateLimit:
        """Answer the next matching request(s) with 429 and a Retry-After."""
        rule = RateLimit(method.upper(), re.compile(path_pattern), **options)
        self.rate_limits.append(rule)
        return rule

    # -- middleware -----------------------------------------------------------------------------------------------

    @web.middleware
    async def _record_and_limit(self, request: web.Request, handler: Callable[..., Any]) -> web.StreamResponse:
        if not request.path.startswith(API):
            return await handler(request)
        body: Any = None
        files: list[dict[str, Any]] = []
        if request.can_read_body and request.content_type == "multipart/form-data":
            form = await request.post()  # discord.py sends files as files[n] next to a payload_json field
            body = json.loads(str(form["payload_json"])) if "payload_json" in form else None
            for name, value in form.items():
                if isinstance(value, web.FileField):
                    files.append({"field": name, "filename": value.filename, "data": value.file.read()})
        elif request.can_read_body:
            raw = await request.read()
            body = json.loads(raw) if raw else None
        auth = request.headers.get("Authorization", "")
        record = {"method": request.method, "path": request.path[len(API) :], "query": dict(request.query)}
        record["at"] = time.monotonic()
        record.update(body=body, files=files, status=None)
        self.requests.append(record)
        try:
            if not request.path.startswith(f"{API}/webhooks") and not request.path.startswith(f"{API}/interactions"):
                if auth != f"Bot {self.token}":
                    record["status"] = 401
                    return _json({"message": "401: Unauthorized", "code": 0}, status=401)
            for rule in self.rate_limits:
                if rule.times > 0 and rule.method == request.method and rule.path.search(record["path"]):
                    rule.times -= 1
                    record["status"] = 429
                    return too_many(rule)
            request[BODY] = body
            request[FILES] = files
            response = await handler(request)
            record["status"] = response.status
            return response
        finally:
            await self._changed_now()

    # -- REST handlers --------------------------------------------------------------------------------------------

    async def _me(self, request: web.Request) -> web.Response:
        return _json({**self.bot_user, "verified": True, "mfa_enabled": False, "flags": 0})

    async def _application(self, request: web.Request) -> web.Response:
        owner = p.user("owner")
        return _json(
            {
                "id": self.application_id,
                "name": "Mock Interview Coach",
                "icon": None,
                "description": "",
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": owner,
                "verify_key": "0" * 64,
                "flags": 0,
                "team": None,
            }
        )

    async def _gateway(self, request: web.Request) -> web.Response:
        return _json({"url": self.gateway_url.rstrip("/")})

    async def _gateway_bot(self, request: web.Request) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1}
        body = {"url": self.gateway_url.rstrip("/"), "shards": self.recommended_shards, "session_start_limit": limit}
        return _json(body)

    async def _put_commands(self, request: web.Request) -> web.Response:
        self.commands = [
            {**c, "id": p.snowflake(), "application_id": self.application_id, "version": p.snowflake()}
            for c in request[BODY] or []
        ]
        return _json(self.commands)

    async def _get_commands(self, request: web.Request) -> web.Response:
        return _json(self.commands)

    def _store_message(self, channel_id: str, body: dict[str, Any], **extra: Any) -> dict[str, Any]:
        channel = self.channels.get(channel_id, {})
        data = p.message(
            channel_id=channel_id,
            author=self.bot_user,
            content=body.get("content") or "",
            guild_id=channel.get("guild_id"),
            embeds=body.get("embeds") or [],
            components=body.get("components") or [],
            reference=snowflakes_as_strings(body.get("message_reference")),
            flags=int(body.get("flags") or 0),
            **extra,
        )
        data["allowed_mentions"] = body.get("allowed_mentions")  # kept for tests; Discord does not echo it
        self.messages[data["id"]] = data
        return data

    async def _create_message(self, request: web.Request) -> web.Response:
        channel_id = request.match_info["channel"]
        if channel_id not in self.channels:
            return _json({"message": "Unknown Channel", "code": 10003}, status=404)
        body = request[BODY] or {}
        refused = p.check_message_body(body)
        if refused:
            return _json(refused[1], status=refused[0])
        data = self._store_message(channel_id, body)
        data["attachments"] = [
            {"id": p.snowflake(), "filename": f["filename"], "size": len(f["data"]), "url": "", "proxy_url": ""}
            for f in request[FILES]
        ]
        data["files"] = {f["filename"]: f["data"] for f in request[FILES]}
        echo = public(data)
        # Discord sends the bot its own messages too; a bot must not answer itself.
        await self.gateway.dispatch("MESSAGE_CREATE", echo, guild_id=data.get("guild_id"))
        return _json(echo)

    async def _edit_message(self, request: web.Request) -> web.Response:
        message = self.messages.get(request.match_info["message"])
        if message is None:
            return _json({"message": "Unknown Message", "code": 10008}, status=404)
        message.update({k: v for k, v in (request[BODY] or {}).items() if k in ("content", "embeds", "components")})
        return _json(public(message))

    async def _typing(self, request: web.Request) -> web.Response:
        return web.Response(status=204)

    async def _create_thread(self, request: web.Request) -> web.Response:
        parent = self.channels.get(request.match_info["channel"])
        if parent is None or parent.get("type") != p.GUILD_TEXT:
            return _json({"message": "Unknown Channel", "code": 10003}, status=404)
        body = request[BODY] or {}
        created = p.thread(
            parent,
            owner_id=self.bot_user["id"],
            name=body["name"],
            kind=int(body.get("type", p.PRIVATE_THREAD)),
            archive_minutes=int(body.get("auto_archive_duration", 4320)),
            invitable=bool(body.get("invitable", True)),
        )
        self.channels[created["id"]] = created
        self.thread_members.append((created["id"], self.bot_user["id"]))
        event = {**created, "newly_created": True}
        await self.gateway.dispatch("THREAD_CREATE", event, guild_id=parent["guild_id"])
        return _json(created, status=201)

    async def _add_thread_member(self, request: web.Request) -> web.Response:
        self.thread_members.append((request.match_info["channel"], request.match_info["user"]))
        return web.Response(status=204)

    async def _get_channel(self, request: web.Request) -> web.Response:
        channel = self.channels.get(request.match_info["channel"])
        if channel is None:
            return _json({"message": "Unknown Channel", "code": 10003}, status=404)
        return _json(channel)

    async def _cdn(self, request: web.Request) -> web.Response:
        self.cdn_requests.append(request.match_info["path"])
        await self._changed_now()
        data = self.cdn.get(request.match_info["path"])
        if data is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=data, content_type="audio/ogg")


async def _serve(args: argparse.Namespace) -> None:
    async with FakeDiscord(host=args.host, port=args.port) as fake:
        channel = fake.add_guild()
        print(f"DISCORD_API_URL={fake.api_url}", flush=True)
        print(f"DISCORD_GATEWAY_URL={fake.gateway_url}", flush=True)
        print(f"DISCORD_TOKEN={fake.token}", flush=True)
        print(f"# guild channel {channel['id']}", flush=True)
        await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> None:
    """Serve a FakeDiscord until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    asyncio.run(_serve(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
