"""A replayed `/mock-interview` (INTERACTION_CREATE redispatched) starts one interview, even if Discord let both
copies answer: the bot claims the interaction id in the database before it opens a thread or starts anything."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from tests.fakes import discord_payloads as p
from tests.fakes.discord_harness import RunningBot, running_bot
from tests.fakes.discord_server import FakeDiscord

INTRO = "**Law mock interview**"


@pytest.fixture
async def bot(database_url: str) -> AsyncIterator[RunningBot]:
    async with FakeDiscord() as fake:
        fake.add_guild()
        async with running_bot(fake, database_url) as running:
            yield running


async def _replayed_start(bot: RunningBot, channel: dict) -> tuple[dict, str]:
    """alice's slash command, delivered three times at once with every copy allowed to answer; alice, its id."""
    fake, alice = bot.fake, p.user("alice")
    fake.answers_twice = True
    event = await fake.slash_command(alice, channel, {"role": "law", "questions": 1})
    guild = channel.get("guild_id")
    await asyncio.gather(fake.gateway.redeliver(event, guild_id=guild), fake.gateway.redeliver(event, guild_id=guild))
    return alice, event["d"]["id"]


async def _settled(bot: RunningBot, interaction_id: str) -> None:
    """Wait until every copy was answered, then give a wrong second start time to show."""
    await bot.fake.wait_until(lambda: sum(c["interaction"] == interaction_id for c in bot.fake.callbacks) >= 3)
    await asyncio.sleep(0.5)


async def test_a_replayed_slash_command_in_a_server_opens_one_thread_with_one_intro(bot: RunningBot) -> None:
    fake = bot.fake
    channel = next(c for c in fake.channels.values() if c["type"] == p.GUILD_TEXT)
    alice, interaction_id = await _replayed_start(bot, channel)
    await fake.wait_until(lambda: fake.threads())
    await fake.wait_for_messages(fake.threads()[0]["id"], 2)
    await _settled(bot, interaction_id)

    [thread] = fake.threads()
    assert sum(INTRO in m["content"] for m in fake.sent_in(thread["id"])) == 1
    assert len(await bot.service.history(user_id=alice["id"], platform="discord")) == 1


async def test_a_replayed_slash_command_in_a_dm_starts_one_interview(bot: RunningBot) -> None:
    fake = bot.fake
    dm = fake.open_dm(p.user("alice"))
    alice, interaction_id = await _replayed_start(bot, dm)
    await fake.wait_until(lambda: any(INTRO in m["content"] for m in fake.sent_in(dm["id"])))
    await _settled(bot, interaction_id)

    said = [m["content"] for m in fake.sent_in(dm["id"])]
    assert sum(INTRO in text for text in said) == 1
    assert not any("already have" in text for text in said)  # a replay is silent, not "you have one open"
    assert len(await bot.service.history(user_id=alice["id"], platform="discord")) == 1
