"""The bot token goes only to Slack's file host (or the configured SLACK_API_URL's origin), never where a link says."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from bots.slack.files import FOREIGN_HOST, FileDownloader, ForeignHost, token_may_go_to
from core.domain.models import ConversationRef
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.slack_payloads import audio_file, audio_reply
from tests.fakes.slack_server import BOT_TOKEN, TEAM_ID
from tests.slack_support import SlackHarness, block_text, slack_harness
from tests.support import store_of

CHANNEL = "C0FILEHOST"


class Trap:
    """A loopback server that records every request it gets (and serves a clip, were anyone to ask)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, str]] = []
        self._runner: web.AppRunner | None = None
        self.root_url = ""

    async def _any(self, request: web.Request) -> web.Response:
        self.requests.append({"path": request.path, "authorization": request.headers.get("Authorization", "")})
        return web.Response(body=b"\x00" * 64, content_type="audio/mp4")

    async def __aenter__(self) -> Trap:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._any)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.root_url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[SlackHarness]:
    async with FakeOpenAI(transcript_text="I would regularise the model.") as openai:
        settings = {"OPENAI_API_KEY": "sk-test-not-a-real-key", "OPENAI_BASE_URL": openai.base_url}
        async with slack_harness(f"sqlite:///{tmp_path / 'hosts.db'}", **settings) as h:
            yield h


async def test_a_clip_linking_to_another_host_is_refused_without_sending_it_anything(harness: SlackHarness) -> None:
    who = f"U{uuid.uuid4().hex[:8].upper()}"
    assert await harness.command("data-science questions=2", user=who, channel=CHANNEL) == 200
    await harness.fake.wait_for(lambda: CHANNEL in harness.fake.messages)
    thread_ts = harness.parent(CHANNEL, who)["ts"]
    await harness.wait_thread(CHANNEL, thread_ts, after=0)
    before = len(harness.thread(CHANNEL, thread_ts))
    async with Trap() as trap:
        elsewhere = f"{trap.root_url}/files-pri/{TEAM_ID}-F0TRAP/download/clip.m4a"
        clip = audio_file("clip.m4a", mimetype="audio/mp4", filetype="m4a", user=who)
        clip |= {"size": 64, "url_private": elsewhere, "url_private_download": elsewhere}
        assert await harness.event(audio_reply(clip, user=who, channel=CHANNEL, thread_ts=thread_ts)) == 200
        await harness.fake.wait_for(lambda: len(harness.thread(CHANNEL, thread_ts)) > before)
        await asyncio.sleep(0.3)  # anything the app might still send would arrive now
        assert trap.requests == []
    told = harness.thread(CHANNEL, thread_ts)[before:]
    assert len(told) == 1 and FOREIGN_HOST in block_text(told[0])
    assert harness.fake.downloads == []
    interview = await store_of(harness.service).get_open_interview(
        ConversationRef("slack", TEAM_ID, CHANNEL, thread_ts, who)
    )
    assert interview is not None and [(t.seq, t.answer) for t in interview.turns] == [(1, None)]


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://files.slack.com/files-pri/T1-F1/download/a.m4a", True),
        ("https://FILES.slack.com:443/files-pri/T1-F1/download/a.m4a", True),
        ("http://127.0.0.1:4567/files-pri/T1-F1/download/a.m4a", True),  # SLACK_API_URL's origin
        ("http://files.slack.com/files-pri/T1-F1/download/a.m4a", False),  # not over plain HTTP
        ("https://files.slack.com:8443/files-pri/T1-F1/download/a.m4a", False),
        ("https://files.slack.com.example.net/a.m4a", False),
        ("https://evil.example/files.slack.com/a.m4a", False),
        ("https://user:pw@files.slack.com/a.m4a", False),
        ("http://127.0.0.1:4568/files-pri/T1-F1/download/a.m4a", False),  # another port is another origin
        ("https://127.0.0.1:4567/a.m4a", False),
        ("file:///etc/passwd", False),
        ("not a url", False),
        ("", False),
    ],
)
def test_which_hosts_may_see_the_token(url: str, allowed: bool) -> None:
    assert token_may_go_to(url, api_url="http://127.0.0.1:4567/api/") is allowed


def test_without_slack_api_url_only_slacks_file_host_gets_the_token() -> None:
    assert token_may_go_to("https://files.slack.com/files-pri/T1-F1/download/a.m4a", api_url=None)
    assert not token_may_go_to("https://slack.com/files-pri/T1-F1/download/a.m4a", api_url=None)


async def test_the_downloader_refuses_a_foreign_host_before_any_request() -> None:
    async with Trap() as trap:
        downloader = FileDownloader(api_url="http://127.0.0.1:1/api/")
        try:
            with pytest.raises(ForeignHost) as refused:
                await downloader.fetch(f"{trap.root_url}/a.m4a", token=BOT_TOKEN, limit=10_000)
        finally:
            await downloader.close()
        assert trap.requests == []
        assert BOT_TOKEN not in str(refused.value)


async def test_with_no_speech_service_a_clip_is_not_downloaded(tmp_path: Path) -> None:
    # No OPENAI_API_KEY and local voice off: no transcriber.
    async with slack_harness(f"sqlite:///{tmp_path / 'mute.db'}", MOCK_INTERVIEW_LOCAL_STT_MODEL="off") as harness:
        who = f"U{uuid.uuid4().hex[:8].upper()}"
        assert await harness.command("data-science questions=2", user=who, channel=CHANNEL) == 200
        await harness.fake.wait_for(lambda: CHANNEL in harness.fake.messages)
        thread_ts = harness.parent(CHANNEL, who)["ts"]
        await harness.wait_thread(CHANNEL, thread_ts, after=0)
        before = len(harness.thread(CHANNEL, thread_ts))
        clip = harness.fake.add_file(audio_file("clip.m4a", mimetype="audio/mp4", filetype="m4a", user=who), b"x" * 64)
        assert await harness.event(audio_reply(clip, user=who, channel=CHANNEL, thread_ts=thread_ts)) == 200
        await harness.fake.wait_for(lambda: len(harness.thread(CHANNEL, thread_ts)) > before)
        await asyncio.sleep(0.3)  # anything the app might still send would arrive now
        told = harness.thread(CHANNEL, thread_ts)[before:]
        assert len(told) == 1 and "type your answer" in block_text(told[0]).lower()
        assert harness.fake.downloads == []  # the token went nowhere: there was nothing to do with the clip
