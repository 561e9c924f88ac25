"""A loopback Discord for tests: the REST routes the bot uses, a gateway, and a CDN, all on 127.0.0.1.

The real discord.py client talks to it through DISCORD_API_URL (`api_url`) and DISCORD_GATEWAY_URL (`gateway_url`).
It records what the bot sends, refuses what Discord refuses (message limits, double acknowledgements, bad tokens)
and can be told to answer 429. Run alone with `python -m tests.fakes.discord_server --port 0`.
The REST handlers live in tests/fakes/discord_rest.py, the interactions in discord_interactions.py.
"""

from __future__ import annotations

import argparse
import asyncio
import re
from collections.abc import Callable
from typing import Any

from aiohttp import web

from tests.fakes import discord_payloads as p
from tests.fakes.discord_gateway import FakeGateway
from tests.fakes.discord_http import RateLimit
from tests.fakes.discord_interactions import InteractionsMixin
from tests.fakes.discord_rest import API, RestRoutesMixin


# RestRoutesMixin comes first: its _store_message is the one InteractionsMixin declares and calls.
class FakeDiscord(RestRoutesMixin, InteractionsMixin):
    """Discord's REST API, gateway and CDN in one aiohttp server; state lives in plain dicts for tests to read."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, token: str = "fake-bot-token.abc.def") -> None:
        self.host, self.port, self.token = host, port, token
        self.application_id = p.snowflake()
        self.bot_user = p.user("coach", bot=True, user_id=self.application_id)
        # The application's flags: GATEWAY_MESSAGE_CONTENT_LIMITED (1 << 19) is "Message Content Intent" switched on
        # for a bot in fewer than 100 servers.
        self.application_flags = 1 << 19
        self.closed_dms: set[str] = set()  # users whose privacy settings refuse the bot's DMs (code 50007)
        self.no_attach_files: set[str] = set()  # channels where a message with a file is refused (code 50013)
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
        self.cdn_types: dict[str, str] = {}  # CDN path -> the Content-Type it is served with
        self.cdn_redirects: dict[str, str] = {}  # CDN path -> where a 302 sends the client instead
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
        r.add_post(f"{API}/users/@me/channels", self._open_dm)
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
        self.cdn_types[path] = content_type
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

    async def file_message(
        self, author: dict[str, Any], channel: dict[str, Any], content: str, files: list[tuple[str, bytes, str]]
    ) -> dict[str, Any]:
        """A user posts a message with files attached, each (filename, bytes, content type), served by the CDN."""
        attachments = [
            self.upload(channel["id"], data, filename=name, content_type=kind, duration_s=None)
            for name, data, kind in files
        ]
        return await self.user_message(author, channel, content, attachments=attachments)

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
