"""The daily question on Discord: `daily on` typed in a DM, the question sent into that DM by the bot's own sweeper
once it is due, answered there, and `daily off`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.domain.models import InterviewStatus, utcnow
from db.daily import DAILY
from tests.fakes import discord_payloads as p
from tests.fakes.discord_harness import RunningBot, running_bot
from tests.fakes.discord_server import FakeDiscord
from tests.support import store_of

ANSWER = "I would read the contract first, check the governing law, and give clear advice with the risks, for example."


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[RunningBot]:
    async with (
        FakeDiscord() as fake,
        # The sweeper, which sends the daily questions, looks every half second.
        running_bot(fake, f"sqlite:///{tmp_path / 'daily.db'}", MOCK_INTERVIEW_RECOVER_AFTER=1.5) as running,
    ):
        yield running


async def test_daily_on_in_a_dm_then_the_question_comes_there_when_due(bot: RunningBot) -> None:
    fake = bot.fake
    alice = p.user("alice")
    dm = fake.open_dm(alice)
    await fake.user_message(alice, dm, "daily on law 07:30 tz=Europe/Paris")
    [said] = await fake.wait_for_messages(dm["id"], 1)
    assert said["content"].startswith("Daily question on. One question comes here every day at 07:30 (Europe/Paris)")

    store = store_of(bot.service)
    with store.engine.begin() as db:  # the clock reaches 07:30 in Paris
        db.execute(sa.update(DAILY).values(next_due_at=utcnow() - timedelta(minutes=1)))
    sent = await fake.wait_for_messages(dm["id"], 3)
    assert "Your daily Law question" in sent[1]["content"]
    assert sent[2]["content"].startswith("**Question 1 of 1**")
    assert all(m["allowed_mentions"] == {"parse": []} for m in sent)

    await fake.user_message(alice, dm, ANSWER)
    sent = await fake.wait_for_messages(dm["id"], 4)
    assert sent[3]["embeds"][0]["title"] == "Scorecard · Law"  # graded at once: no follow-up
    [interview] = await store.interviews_of(platform="discord", user_id=str(alice["id"]))
    assert interview.is_daily and interview.status is InterviewStatus.COMPLETED

    await fake.user_message(alice, dm, "daily off")
    sent = await fake.wait_for_messages(dm["id"], 5)
    assert sent[4]["content"] == "Daily question off: no more questions by DM."
    assert await store.daily_of("discord", "", str(alice["id"])) is None
    assert len(fake.sent_in(dm["id"])) == 5  # the sweeper sent the day's question once


async def test_an_answer_that_begins_with_daily_is_an_answer_while_a_question_is_open(bot: RunningBot) -> None:
    fake = bot.fake
    bob = p.user("bob")
    dm = fake.open_dm(bob)
    await fake.user_message(bob, dm, "start law 1")
    await fake.wait_for_messages(dm["id"], 2)
    await fake.user_message(bob, dm, "Daily reviews of the contract terms, with the risks written down for the client.")
    sent = await fake.wait_for_messages(dm["id"], 3)
    assert not sent[2]["content"].startswith(("Daily question", "`daily on"))  # graded as an answer
    [interview] = await store_of(bot.service).interviews_of(platform="discord", user_id=str(bob["id"]))
    assert interview.turns[0].answer is not None and interview.turns[0].answer.startswith("Daily reviews")
