"""A message or interaction delivered twice (redelivery, RESUME replay) gets one reply; a REST 429 costs nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bots.discord.inbound import dm_conv
from tests.fakes import discord_payloads as p
from tests.fakes.discord_harness import RunningBot, running_bot
from tests.fakes.discord_server import FakeDiscord
from tests.support import store_of


@pytest.fixture
async def bot(database_url: str) -> AsyncIterator[RunningBot]:
    """The bot on SQLite and on PostgreSQL: the database is what makes a delivery count once."""
    async with FakeDiscord() as fake:
        fake.add_guild()
        async with running_bot(fake, database_url) as running:
            yield running


async def _settle() -> None:
    """Give a duplicate's handler time to (wrongly) reply before counting."""
    await asyncio.sleep(0.3)


async def test_a_message_dispatched_twice_gets_one_reply(bot: RunningBot) -> None:
    fake, alice = bot.fake, p.user("alice")
    dm = fake.open_dm(alice)
    start = await fake.user_message(alice, dm, "start law 2")
    await fake.gateway.redeliver(start)
    await fake.wait_for_messages(dm["id"], 2)
    answer = await fake.user_message(alice, dm, "A contract needs offer, acceptance, consideration and intention.")
    await fake.gateway.redeliver(answer)
    await fake.gateway.redeliver(answer)
    await fake.wait_for_messages(dm["id"], 3)
    await _settle()
    sent = fake.sent_in(dm["id"])
    assert len(sent) == 3, [m["content"][:40] for m in sent]
    interview = await store_of(bot.service).get_open_interview(
        dm_conv(channel_id=int(dm["id"]), user_id=int(alice["id"]))
    )
    assert interview is not None and [t.answer is not None for t in interview.turns] == [True, False]


async def test_events_replayed_on_resume_are_not_answered_again(bot: RunningBot) -> None:
    fake, alice = bot.fake, p.user("alice")
    dm = fake.open_dm(alice)
    await fake.user_message(alice, dm, "start law 2")
    await fake.wait_for_messages(dm["id"], 2)
    answer = await fake.user_message(alice, dm, "Offer, acceptance and consideration make a contract binding.")
    await fake.wait_for_messages(dm["id"], 3)

    fake.gateway.resume_overlap = 4  # the gateway replays what the client had already seen
    await fake.gateway.reconnect()
    await fake.gateway.wait_sessions(1, resumed=1)
    resume = fake.gateway.connect_queries[-1]
    assert resume["path"] == "/resume" and resume["v"] == "10" and resume["encoding"] == "json"
    replayed = [e["d"]["id"] for e in fake.gateway.replayed if e["t"] == "MESSAGE_CREATE"]
    assert answer["d"]["id"] in replayed  # the client really saw the answer a second time

    await fake.user_message(alice, dm, "repeat")  # a sync point after the replay
    await fake.wait_for_messages(dm["id"], 4)
    await _settle()
    assert len(fake.sent_in(dm["id"])) == 4


async def test_a_slash_command_delivered_twice_opens_one_thread(bot: RunningBot) -> None:
    fake, alice = bot.fake, p.user("alice")
    channel = next(c for c in fake.channels.values() if c["type"] == p.GUILD_TEXT)
    event = await fake.slash_command(alice, channel, {"role": "law", "questions": 1})
    await fake.gateway.redeliver(event, guild_id=channel["guild_id"])
    await fake.wait_until(lambda: fake.threads())
    await fake.wait_for_messages(fake.threads()[0]["id"], 2)
    await _settle()
    assert len(fake.threads()) == 1 and len(fake.sent_in(fake.threads()[0]["id"])) == 2


async def test_a_rate_limited_send_is_retried_after_retry_after_and_delivered_once(bot: RunningBot) -> None:
    fake, alice = bot.fake, p.user("alice")
    dm = fake.open_dm(alice)
    rule = fake.rate_limit("POST", rf"^/channels/{dm['id']}/messages$", retry_after=0.2)
    await fake.user_message(alice, dm, "start data-science 1")
    sent = await fake.wait_for_messages(dm["id"], 2)
    posts = [r for r in fake.requests if r["method"] == "POST" and r["path"] == f"/channels/{dm['id']}/messages"]
    assert rule.times == 0 and [r["status"] for r in posts] == [429, 200, 200]
    assert posts[0]["body"]["content"] == posts[1]["body"]["content"] == sent[0]["content"]
    assert posts[1]["at"] - posts[0]["at"] >= 0.2  # discord.py waited out Retry-After
    await _settle()
    assert len(fake.sent_in(dm["id"])) == 2
