"""Audio clip answers: downloaded from Slack with the bot token, transcribed by the (fake) Whisper endpoint."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bots.slack.files import DownloadFailed, FileDownloader, TooLarge
from core.domain.models import AnswerSource, ConversationRef
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.slack_payloads import audio_file, audio_reply
from tests.fakes.slack_server import BOT_TOKEN, TEAM_ID, FakeSlack
from tests.slack_support import SlackHarness, block_text, is_question, slack_harness
from tests.support import store_of

AUDIO = Path(__file__).parent / "fixtures" / "audio"
CHANNEL = "C0VOICE"
SPOKEN = "I would compare the training error with the validation error, then regularise the model."


@pytest.fixture
async def openai() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI(transcript_text=SPOKEN) as server:
        yield server


@pytest.fixture
async def harness(tmp_path: Path, openai: FakeOpenAI) -> AsyncIterator[SlackHarness]:
    settings = {"OPENAI_API_KEY": "sk-test-not-a-real-key", "OPENAI_BASE_URL": openai.base_url}
    async with slack_harness(f"sqlite:///{tmp_path / 'voice.db'}", **settings) as h:
        yield h


async def _start(h: SlackHarness) -> tuple[str, str, ConversationRef]:
    who = f"U{uuid.uuid4().hex[:8].upper()}"
    assert await h.command("data-science questions=2", user=who, channel=CHANNEL) == 200
    await h.fake.wait_for(lambda: CHANNEL in h.fake.messages)
    thread_ts = h.parent(CHANNEL, who)["ts"]
    await h.wait_thread(CHANNEL, thread_ts, after=0)
    return who, thread_ts, ConversationRef("slack", TEAM_ID, CHANNEL, thread_ts, who)


async def test_a_voice_clip_answer_is_downloaded_transcribed_and_answered(
    harness: SlackHarness, openai: FakeOpenAI
) -> None:
    who, thread_ts, conv = await _start(harness)
    clip = (AUDIO / "slack-clip.m4a").read_bytes()
    file = harness.fake.add_file(audio_file("audio_message.m4a", mimetype="audio/mp4", filetype="m4a", user=who), clip)
    before = len(harness.thread(CHANNEL, thread_ts))
    assert await harness.event(audio_reply(file, user=who, channel=CHANNEL, thread_ts=thread_ts)) == 200
    new = await harness.wait_thread(CHANNEL, thread_ts, after=before)
    assert harness.fake.downloads == [{"file": file["id"], "authorized": True}]
    assert len(openai.transcriptions) == 1 and openai.transcriptions[0]["byte_length"] > 0
    heard = block_text(new[0])
    assert "I heard" in heard and "regularise the model" in heard
    assert is_question(new[-1])
    interview = await store_of(harness.service).get_open_interview(conv)
    assert interview is not None
    assert interview.turns[0].source is AnswerSource.VOICE and interview.turns[0].answer == SPOKEN


async def test_a_browser_webm_clip_announced_without_details_is_looked_up(
    harness: SlackHarness, openai: FakeOpenAI
) -> None:
    who, thread_ts, conv = await _start(harness)
    full = harness.fake.add_file(
        audio_file("recording.webm", mimetype="audio/webm", filetype="webm", user=who),
        (AUDIO / "slack-clip.webm").read_bytes(),
    )
    # Slack sometimes sends only the id and asks the app to call files.info for the rest.
    partial = {"id": full["id"], "file_access": "check_file_info", "created": 1_790_000_000, "user": who}
    before = len(harness.thread(CHANNEL, thread_ts))
    await harness.event(audio_reply(partial, user=who, channel=CHANNEL, thread_ts=thread_ts))
    await harness.wait_thread(CHANNEL, thread_ts, after=before)
    assert [c.params["file"] for c in harness.fake.calls_to("files.info")] == [full["id"]]
    assert openai.transcriptions[0]["filename"].endswith(".webm") or openai.transcriptions[0]["byte_length"] > 0
    interview = await store_of(harness.service).get_open_interview(conv)
    assert interview is not None and interview.turns[0].source is AnswerSource.VOICE


async def test_a_clip_over_the_download_limit_is_refused_before_downloading(harness: SlackHarness) -> None:
    who, thread_ts, conv = await _start(harness)
    huge = harness.service.settings.max_download_bytes + 1
    info = audio_file("long.m4a", mimetype="audio/mp4", filetype="m4a", user=who) | {"size": huge}
    file = harness.fake.add_file(info, b"\x00" * 16)
    before = len(harness.thread(CHANNEL, thread_ts))
    event = audio_reply(file, user=who, channel=CHANNEL, thread_ts=thread_ts)
    await harness.event(event, event_id="Ev0HUGECLIP")
    await harness.fake.wait_for(lambda: len(harness.thread(CHANNEL, thread_ts)) > before)
    assert "too large" in block_text(harness.thread(CHANNEL, thread_ts)[-1])
    await harness.event(event, event_id="Ev0HUGECLIP", retry=1)  # told once, however often Slack delivers it
    await asyncio.sleep(0.3)
    assert len(harness.thread(CHANNEL, thread_ts)) == before + 1
    assert harness.fake.downloads == []
    interview = await store_of(harness.service).get_open_interview(conv)
    assert interview is not None and interview.current_turn is not None and interview.current_turn.seq == 1


async def test_the_downloader_sends_the_token_caps_the_size_and_spots_the_sign_in_page() -> None:
    async with FakeSlack() as fake:
        file = fake.add_file({"name": "a.m4a", "mimetype": "audio/mp4"}, b"x" * 5000)
        downloader = FileDownloader(api_url=fake.base_url)
        try:
            assert await downloader.fetch(file["url_private_download"], token=BOT_TOKEN, limit=10_000) == b"x" * 5000
            with pytest.raises(TooLarge):
                await downloader.fetch(file["url_private_download"], token=BOT_TOKEN, limit=4096)
            with pytest.raises(DownloadFailed) as failed:
                await downloader.fetch(file["url_private_download"], token="xoxb-someone-else", limit=10_000)
            assert "xoxb" not in str(failed.value)
        finally:
            await downloader.close()
        assert [d["authorized"] for d in fake.downloads] == [True, True, False]
