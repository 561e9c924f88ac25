"""Study groups on Discord beyond the buttons: a round closed by its deadline and the session finished after the
rating window, both sent by the bot's sweeper (to the thread, and each member's scorecard to their DM), and a voice
message by DM answering the member's open question."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bots.discord import texts
from core.domain.models import utcnow
from tests.discord_group_support import (
    CARD,
    LOBBY,
    QUESTION,
    REVEAL,
    answer,
    dm_of,
    latest,
    open_group,
    press,
    selects,
    told_once,
)
from tests.fakes import discord_payloads as p
from tests.fakes.discord_harness import RunningBot, running_bot
from tests.fakes.discord_server import FakeDiscord
from tests.fakes.openai_server import FakeOpenAI

VOICE_NOTE = Path(__file__).parent / "fixtures" / "audio" / "voice-message.ogg"
SPOKEN = "Bias is error from simplifying assumptions and variance is sensitivity to the training data."
TYPED = "Regularisation trades a little bias for a lot less variance; cross-validation picks the strength."
RECOVER_AFTER = 0.5  # the sweeper looks every half second and sends what was stored unsent this long ago


async def _started(fake: FakeDiscord, host: dict[str, Any], *members: dict[str, Any]) -> tuple[dict, dict]:
    """A one-question group hosted by host with members in, started; its thread and question."""
    thread = await open_group(fake, host, questions=1, minutes=1)
    for count, member in enumerate(members, 2):
        await press(fake, member, latest(fake, thread, LOBBY) or {}, "join")
        await fake.wait_until(lambda c=count: f"Members ({c} of 10)" in (latest(fake, thread, LOBBY) or {})["content"])
    await press(fake, host, latest(fake, thread, LOBBY) or {}, "start")
    question = await fake.wait_until(lambda: latest(fake, thread, QUESTION))
    return thread, question


@pytest.fixture
async def bot(database_url: str) -> AsyncIterator[RunningBot]:
    """The bot with a short lease, so its sweeper sends what a deadline stored within a second."""
    async with FakeDiscord() as fake:
        fake.add_guild()
        async with running_bot(fake, database_url, MOCK_INTERVIEW_RECOVER_AFTER=RECOVER_AFTER) as running:
            yield running


async def test_the_deadline_closes_the_round_and_the_sweeper_posts_the_reveal_then_the_end(bot: RunningBot) -> None:
    fake, host, bea = bot.fake, p.user("host"), p.user("bea")
    thread, question = await _started(fake, host, bea)
    # The deadline below must find the answer stored: wait for the bot to say so before moving the clock.
    assert "Your answer is in" in await told_once(fake, await answer(fake, host, thread, question, TYPED))
    assert await bot.service.send_group_deadlines("discord", None, now=utcnow() + timedelta(seconds=30)) == 0
    # Past the minute: the round closes without bea; nothing is sent here, the bot's sweeper sends it.
    assert await bot.service.send_group_deadlines("discord", None, now=utcnow() + timedelta(minutes=2)) == 1
    reveal = await fake.wait_until(lambda: latest(fake, thread, REVEAL))
    assert f"<@{bea['id']}>: no answer (1/10)" in reveal["content"] and TYPED in reveal["content"]
    assert len(selects(reveal)) == 2  # bea's "no answer" is rated too, as the core counts it

    # After the rating window the last question gives way to the end: the group card here, each own card by DM.
    assert await bot.service.send_group_deadlines("discord", None, now=utcnow() + timedelta(minutes=10)) >= 1
    await fake.wait_until(lambda: latest(fake, thread, CARD))
    for user in (host, bea):
        dm = await fake.wait_until(lambda u=user: dm_of(fake, u))
        own = await fake.wait_until(lambda d=dm: [m for m in fake.sent_in(d["id"]) if m["embeds"]])
        assert own[0]["embeds"][0]["title"] == "Scorecard · Data Science"
    assert len([m for m in fake.sent_in(thread["id"]) if m["content"].startswith(CARD)]) == 1


@pytest.fixture
async def voice_bot(database_url: str) -> AsyncIterator[tuple[RunningBot, FakeOpenAI]]:
    """The bot transcribing with a fake OpenAI (on both databases: the DM finds the member's group in any server)."""
    async with FakeOpenAI(transcript_text=SPOKEN) as openai, FakeDiscord() as fake:
        fake.add_guild()
        async with running_bot(
            fake, database_url, OPENAI_API_KEY="sk-test-not-real", OPENAI_BASE_URL=openai.base_url
        ) as run:
            yield run, openai


async def test_a_voice_message_by_dm_answers_the_open_group_question(
    voice_bot: tuple[RunningBot, FakeOpenAI],
) -> None:
    running, openai = voice_bot
    fake, host, bea, cy = running.fake, p.user("host"), p.user("bea"), p.user("cy")
    thread, question = await _started(fake, host, bea)
    dm = fake.open_dm(bea)
    event = await fake.voice_message(bea, dm, VOICE_NOTE.read_bytes(), seconds=6.1)
    await fake.gateway.redeliver(event)  # delivered twice: still one transcription, one answer
    heard = await fake.wait_until(lambda: next((m for m in fake.sent_in(dm["id"]) if SPOKEN in m["content"]), None))
    assert heard["content"].startswith("🎙️")
    assert latest(fake, thread, REVEAL) is None and not any(SPOKEN in m["content"] for m in fake.sent_in(thread["id"]))
    await answer(fake, host, thread, question, TYPED)
    reveal = await fake.wait_until(lambda: latest(fake, thread, REVEAL))
    assert f"<@{bea['id']}> (spoken)" in reveal["content"] and SPOKEN in reveal["content"]
    assert len(openai.transcriptions) == 1

    # Someone with no group question open: the DM handles the voice message as it always has.
    other = fake.open_dm(cy)
    await fake.voice_message(cy, other, VOICE_NOTE.read_bytes(), seconds=6.1)
    reply = (await fake.wait_for_messages(other["id"], 1))[0]
    assert reply["content"] == texts.NO_INTERVIEW_DM and len(openai.transcriptions) == 1
