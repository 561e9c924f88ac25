"""Voice messages in a DM: downloaded from the CDN, transcribed, answered; too-large ones refused unread."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bots.discord.inbound import dm_conv
from core.domain.models import AnswerSource
from tests.fakes import discord_payloads as p
from tests.fakes.discord_harness import RunningBot, running_bot
from tests.fakes.discord_server import FakeDiscord
from tests.fakes.openai_server import FakeOpenAI
from tests.support import store_of

VOICE_NOTE = Path(__file__).parent / "fixtures" / "audio" / "voice-message.ogg"
SPOKEN = "Bias is error from simplifying assumptions and variance is sensitivity to the training data."


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[tuple[RunningBot, FakeOpenAI]]:
    async with FakeOpenAI(transcript_text=SPOKEN) as openai, FakeDiscord() as fake:
        url = f"sqlite:///{tmp_path / 'discord.db'}"
        async with running_bot(fake, url, OPENAI_API_KEY="sk-test-not-real", OPENAI_BASE_URL=openai.base_url) as run:
            yield run, openai


async def _start(fake: FakeDiscord, user: dict) -> dict:
    dm = fake.open_dm(user)
    await fake.user_message(user, dm, "start data-science 2")
    await fake.wait_for_messages(dm["id"], 2)
    return dm


async def test_a_voice_message_is_transcribed_shown_and_taken_as_the_answer(
    bot: tuple[RunningBot, FakeOpenAI],
) -> None:
    running, openai = bot
    fake, alice = running.fake, p.user("alice")
    dm = await _start(fake, alice)
    audio = VOICE_NOTE.read_bytes()
    event = await fake.voice_message(alice, dm, audio, seconds=6.1)
    await fake.gateway.redeliver(event)  # delivered twice: still one transcription and one reply
    sent = await fake.wait_for_messages(dm["id"], 4)
    heard, nxt = sent[2], sent[3]
    assert heard["content"].startswith("🎙️") and SPOKEN in heard["content"]
    assert nxt["content"].startswith(("**Follow-up**", "**Question 2 of 2**", "**Hint**"))
    assert len(openai.transcriptions) == 1 and len(fake.cdn_requests) == 1
    upload = openai.transcriptions[0]
    assert upload["bytes"] == audio and upload["filename"].endswith(".ogg")
    store = store_of(running.service)
    interview = await store.get_open_interview(dm_conv(channel_id=int(dm["id"]), user_id=int(alice["id"])))
    assert interview is not None and interview.turns[0].answer == SPOKEN
    assert interview.turns[0].source is AnswerSource.VOICE and interview.turns[0].audio_seconds is not None
    assert len(fake.sent_in(dm["id"])) == 4


async def test_a_voice_message_over_the_download_limit_is_refused_without_downloading(
    bot: tuple[RunningBot, FakeOpenAI],
) -> None:
    running, openai = bot
    fake, alice = running.fake, p.user("alice")
    dm = await _start(fake, alice)
    attachment = fake.upload(
        dm["id"], b"OggS" + bytes(64), filename="voice-message.ogg", content_type="audio/ogg", duration_s=4000.0
    )
    attachment["size"] = running.service.settings.max_download_bytes + 1  # what Discord says the file weighs
    await fake.user_message(alice, dm, "", attachments=[attachment], flags=p.VOICE_MESSAGE_FLAG)
    refusal = (await fake.wait_for_messages(dm["id"], 3))[2]
    assert refusal["content"].startswith("⚠️") and "MB" in refusal["content"] and "still open" in refusal["content"]
    assert fake.cdn_requests == []
    assert openai.transcriptions == []
