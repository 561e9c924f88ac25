"""The fake Discord's REST side: every API request recorded, checked and maybe rate limited, then its handler."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from tests.fakes import discord_payloads as p
from tests.fakes.discord_http import RateLimit, public, snowflakes_as_strings, too_many
from tests.fakes.discord_http import json_response as _json
from tests.fakes.discord_interactions import BODY, FILES

API = "/api/v10"


class RestRoutesMixin:
    """The middleware and REST handlers of FakeDiscord (the interaction routes are in InteractionsMixin)."""

    token: str
    application_id: str
    application_flags: int
    bot_user: dict[str, Any]
    recommended_shards: int
    channels: dict[str, dict[str, Any]]
    messages: dict[str, dict[str, Any]]
    requests: list[dict[str, Any]]
    commands: list[dict[str, Any]]
    thread_members: list[tuple[str, str]]
    cdn: dict[str, bytes]
    cdn_types: dict[str, str]
    cdn_redirects: dict[str, str]
    cdn_requests: list[str]
    closed_dms: set[str]  # users who accept no DM from the bot
    no_attach_files: set[str]  # channels where the bot lacks Attach Files
    rate_limits: list[RateLimit]
    gateway: Any
    gateway_url: str

    async def _changed_now(self) -> None:
        raise NotImplementedError

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
                "flags": self.application_flags,
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

    async def _open_dm(self, request: web.Request) -> web.Response:
        """POST /users/@me/channels: the DM channel with a user, the one already open if there is one."""
        recipient = str((request[BODY] or {}).get("recipient_id", ""))
        for channel in self.channels.values():
            if channel["type"] == p.DM and channel["recipients"][0]["id"] == recipient:
                return _json(channel)
        channel = p.dm_channel(p.user("member", user_id=recipient))
        self.channels[channel["id"]] = channel
        return _json(channel)

    async def _create_message(self, request: web.Request) -> web.Response:
        channel_id = request.match_info["channel"]
        if channel_id not in self.channels:
            return _json({"message": "Unknown Channel", "code": 10003}, status=404)
        channel = self.channels[channel_id]
        if channel["type"] == p.DM and channel["recipients"][0]["id"] in self.closed_dms:
            return _json({"message": "Cannot send messages to this user", "code": 50007}, status=403)
        if request[FILES] and channel_id in self.no_attach_files:
            return _json({"message": "Missing Permissions", "code": 50013}, status=403)
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
        target = self.cdn_redirects.get(request.match_info["path"])
        if target is not None:
            raise web.HTTPFound(target)
        data = self.cdn.get(request.match_info["path"])
        if data is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=data, content_type=self.cdn_types.get(request.match_info["path"], "audio/ogg"))
