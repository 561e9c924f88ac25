"""Voice messages are downloaded only from Discord: its CDN hosts or the configured DISCORD_API_URL's origin.

An attachment naming any other host, or a CDN answer redirecting to one, is refused without a request to it; the
candidate is told, and the question stays open for another try.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yarl
from aiohttp import web

from bots.discord.download import allowed_origins, is_allowed
from bots.discord.inbound import dm_conv
from tests.fakes import discord_payloads as p
from tests.fakes.discord_harness import RunningBot, running_bot
from tests.fakes.discord_server import FakeDiscord
from tests.fakes.openai_server import FakeOpenAI
from tests.support import store_of

VOICE_NOTE = Path(__file__).parent / "fixtures" / "audio" / "voice-message.ogg"
SPOKEN = "Bias is error from simplifying assumptions and variance is sensitivity to the training data."


@dataclass
class Elsewhere:
    """Another loopback server, willing to serve the voice note to whoever asks: it records every request."""

    base: str = ""
    requests: list[str] = field(default_factory=list)

    async def serve(self, request: web.Request) -> web.Response:
        """Any path: the recording."""
        self.requests.append(request.path)
        return web.Response(body=VOICE_NOTE.read_bytes(), content_type="audio/ogg")


@dataclass
class World:
    """The running bot, the fake OpenAI, and the server the bot must never reach."""

    running: RunningBot
    openai: FakeOpenAI
    elsewhere: Elsewhere


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    elsewhere = Elsewhere()
    app = web.Application()
    app.router.add_get("/{path:.*}", elsewhere.serve)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    elsewhere.base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        async with FakeOpenAI(transcript_text=SPOKEN) as openai, FakeDiscord() as fake:
            url = f"sqlite:///{tmp_path / 'discord.db'}"
            keys = {"OPENAI_API_KEY": "sk-test-not-real", "OPENAI_BASE_URL": openai.base_url}
            async with running_bot(fake, url, **keys) as running:  # type: ignore[arg-type]
                yield World(running, openai, elsewhere)
    finally:
        await runner.cleanup()


async def _start(fake: FakeDiscord, user: dict[str, Any]) -> dict[str, Any]:
    dm = fake.open_dm(user)
    await fake.user_message(user, dm, "start data-science 2")
    await fake.wait_for_messages(dm["id"], 2)
    return dm


async def _still_open(world: World, dm: dict[str, Any], user: dict[str, Any]) -> None:
    """The first question has no answer, and a voice message from Discord's own CDN still answers it."""
    fake = world.running.fake
    conv = dm_conv(channel_id=int(dm["id"]), user_id=int(user["id"]))
    interview = await store_of(world.running.service).get_open_interview(conv)
    assert interview is not None and len(interview.turns) == 1 and interview.turns[0].answer is None
    before = len(fake.sent_in(dm["id"]))
    await fake.voice_message(user, dm, VOICE_NOTE.read_bytes(), seconds=6.1)
    heard = (await fake.wait_for_messages(dm["id"], before + 2))[before]
    assert heard["content"].startswith("🎙️") and SPOKEN in heard["content"]
    interview = await store_of(world.running.service).get_open_interview(conv)
    assert interview is not None and interview.turns[0].answer == SPOKEN


def _refusal(message: dict[str, Any]) -> None:
    content = message["content"]
    assert content.startswith("⚠️") and "Discord" in content and "still open" in content


async def test_an_attachment_on_another_host_is_refused_without_a_request(world: World) -> None:
    fake, alice = world.running.fake, p.user("alice")
    dm = await _start(fake, alice)
    url = f"{world.elsewhere.base}/attachments/{dm['id']}/1/voice-message.ogg?ex=1&is=2&hm=sig"
    size = VOICE_NOTE.stat().st_size
    attachment = p.attachment(url, filename="voice-message.ogg", size=size, content_type="audio/ogg", duration_s=6.1)
    await fake.user_message(alice, dm, "", attachments=[attachment], flags=p.VOICE_MESSAGE_FLAG)
    _refusal((await fake.wait_for_messages(dm["id"], 3))[2])
    assert world.elsewhere.requests == [] and world.openai.transcriptions == []
    await _still_open(world, dm, alice)
    assert world.elsewhere.requests == [] and len(world.openai.transcriptions) == 1


async def test_a_redirect_from_the_cdn_to_another_host_is_not_followed(world: World) -> None:
    fake, alice = world.running.fake, p.user("alice")
    dm = await _start(fake, alice)
    attachment = fake.upload(
        dm["id"], VOICE_NOTE.read_bytes(), filename="voice-message.ogg", content_type="audio/ogg", duration_s=6.1
    )
    path = yarl.URL(attachment["url"]).path.removeprefix("/attachments/")
    fake.cdn_redirects[path] = f"{world.elsewhere.base}/stolen.ogg"
    await fake.user_message(alice, dm, "", attachments=[attachment], flags=p.VOICE_MESSAGE_FLAG)
    _refusal((await fake.wait_for_messages(dm["id"], 3))[2])
    assert fake.cdn_requests == [path]  # the allowed host was asked; where it pointed was not
    assert world.elsewhere.requests == [] and world.openai.transcriptions == []
    await _still_open(world, dm, alice)


async def test_a_redirect_within_the_cdn_is_followed(world: World) -> None:
    fake, alice = world.running.fake, p.user("alice")
    dm = await _start(fake, alice)
    audio = VOICE_NOTE.read_bytes()
    first = fake.upload(dm["id"], audio, filename="voice-message.ogg", content_type="audio/ogg", duration_s=6.1)
    moved = fake.upload(dm["id"], audio, filename="voice-message.ogg", content_type="audio/ogg", duration_s=6.1)
    fake.cdn_redirects[yarl.URL(first["url"]).path.removeprefix("/attachments/")] = moved["url"]
    await fake.user_message(alice, dm, "", attachments=[first], flags=p.VOICE_MESSAGE_FLAG)
    heard = (await fake.wait_for_messages(dm["id"], 4))[2]
    assert heard["content"].startswith("🎙️") and SPOKEN in heard["content"]
    assert len(fake.cdn_requests) == 2 and world.openai.transcriptions[0]["bytes"] == audio


@pytest.mark.parametrize(
    "url",
    [
        "https://cdn.discordapp.com/attachments/1/2/voice-message.ogg?ex=1&hm=sig",
        "https://media.discordapp.net/attachments/1/2/voice-message.ogg",
        "https://CDN.DiscordApp.com:443/attachments/1/2/voice-message.ogg",
        "http://127.0.0.1:8123/attachments/1/2/voice-message.ogg",
    ],
)
def test_discord_hosts_and_the_api_origin_are_allowed(url: str) -> None:
    assert is_allowed(url, allowed_origins("http://127.0.0.1:8123/api/v10"))


@pytest.mark.parametrize(
    "url",
    [
        "http://cdn.discordapp.com/attachments/1/2/voice-message.ogg",  # not over TLS
        "https://cdn.discordapp.com:8443/attachments/1/2/voice-message.ogg",
        "https://cdn.discordapp.com.example.org/attachments/1/2/voice-message.ogg",
        "https://cdn.discordapp.com@example.org/attachments/1/2/voice-message.ogg",
        "https://discordapp.com/attachments/1/2/voice-message.ogg",
        "http://127.0.0.1:8124/attachments/1/2/voice-message.ogg",  # the API's host, another port
        "https://127.0.0.1:8123/attachments/1/2/voice-message.ogg",  # the API's host and port, another scheme
        "file:///etc/passwd",
        "/attachments/1/2/voice-message.ogg",
        "",
    ],
)
def test_any_other_url_is_refused(url: str) -> None:
    assert not is_allowed(url, allowed_origins("http://127.0.0.1:8123/api/v10"))


def test_without_an_api_url_only_discords_cdn_is_allowed() -> None:
    origins = allowed_origins(None)
    assert is_allowed("https://cdn.discordapp.com/a.ogg", origins)
    assert not is_allowed("https://discord.com/api/v10/a.ogg", origins)
