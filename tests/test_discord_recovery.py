"""Discord after a worker stopped mid-turn: another worker sends what it stored and makes the move it owed, once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from bots.discord.inbound import dm_conv
from core.domain.models import AnswerSource
from tests.fakes import discord_payloads as p
from tests.fakes.discord_harness import running_bot
from tests.fakes.discord_server import FakeDiscord
from tests.support import SentNowhere, make_service, store_of

RECOVER_AFTER = 0.5


async def test_replies_a_stopped_worker_stored_are_sent_once_by_the_running_bot(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'discord.db'}"
    async with FakeDiscord() as fake:
        alice = p.user("alice")
        dm = fake.open_dm(alice)
        conv = dm_conv(channel_id=int(dm["id"]), user_id=int(alice["id"]))
        stopped = make_service(url, MOCK_INTERVIEW_RECOVER_AFTER=RECOVER_AFTER)
        await stopped.start(conv, role="data-science", questions=2)  # stored with its replies, never sent
        await stopped.close()
        async with running_bot(fake, url, MOCK_INTERVIEW_RECOVER_AFTER=RECOVER_AFTER) as bot:
            sent = await fake.wait_for_messages(dm["id"], 2)
            await asyncio.sleep(4 * RECOVER_AFTER)  # a second copy would have shown up by now
            assert "Data Science mock interview" in sent[0]["content"]
            assert sent[1]["content"].startswith("**Question 1 of 2**")
            assert len(fake.sent_in(dm["id"])) == 2
            assert await store_of(bot.service).unsent_for(conv) == []


async def test_an_answer_left_without_its_next_question_gets_it_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'discord.db'}"
    async with FakeDiscord() as fake:
        bob = p.user("bob")
        dm = fake.open_dm(bob)
        conv = dm_conv(channel_id=int(dm["id"]), user_id=int(bob["id"]))
        stopped = make_service(url, MOCK_INTERVIEW_RECOVER_AFTER=RECOVER_AFTER)
        # A worker that sent its replies (they are marked sent) before it stopped.
        await stopped.start(conv, role="data-science", questions=2, sender=SentNowhere())
        interview = await store_of(stopped).get_open_interview(conv)
        assert interview is not None
        # Killed during the model call: the answer is stored, not graded, and no next question exists.
        await store_of(stopped).save_answer(
            interview.id,
            1,
            answer="I would compare bias and variance on a validation set, for example with k-fold.",
            source=AnswerSource.TEXT,
            answered_at=datetime.now(UTC),
            event_id="123456789",
        )
        await stopped.close()
        async with running_bot(fake, url, MOCK_INTERVIEW_RECOVER_AFTER=RECOVER_AFTER) as bot:
            sent = await fake.wait_for_messages(dm["id"], 1, within_s=15)
            await asyncio.sleep(4 * RECOVER_AFTER)
            assert len(fake.sent_in(dm["id"])) == 1
            assert sent[0]["content"].startswith(("**Follow-up**", "**Question 2 of 2**"))
            await bot.service.drain()
            stored = await store_of(bot.service).get_interview(interview.id)
            assert stored is not None and stored.turns[0].grade is not None
            assert [t.seq for t in stored.turns] == [1, 2]
