"""Progress on Discord: the word in a DM, and `/mock-interview progress` by DM (or privately when DMs are closed)."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from bots.discord import texts
from tests.discord_support import callback_of, scorecard_in_dm
from tests.fakes import discord_payloads as p
from tests.fakes.discord_harness import RunningBot, running_bot
from tests.fakes.discord_server import FakeDiscord

ANSWER = "An offer, an acceptance and consideration, for example the sale of a car between two neighbours."


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[RunningBot]:
    async with FakeDiscord() as fake:
        fake.add_guild()
        async with running_bot(fake, f"sqlite:///{tmp_path / 'discord.db'}") as running:
            yield running


def _channel(fake: FakeDiscord) -> dict[str, Any]:
    return next(c for c in fake.channels.values() if c["type"] == p.GUILD_TEXT)


async def _finished_dm_interview(fake: FakeDiscord, user: dict[str, Any]) -> dict[str, Any]:
    dm = fake.open_dm(user)
    await scorecard_in_dm(fake, user, dm, ANSWER)
    return dm


async def test_the_word_progress_in_a_dm_shows_the_persons_own_progress(bot: RunningBot) -> None:
    fake, alice, bob = bot.fake, p.user("alice"), p.user("bob")
    dm = await _finished_dm_interview(fake, alice)
    await fake.user_message(alice, dm, "Progress")
    shown = (await fake.wait_for_messages(dm["id"], len(fake.sent_in(dm["id"])) + 1))[-1]
    assert shown["content"].startswith("**Your progress**") and "1 interview" in shown["content"]
    assert "Law:" in shown["content"] and shown["allowed_mentions"] == {"parse": []}
    chart = Image.open(io.BytesIO(shown["files"]["progress.png"]))
    assert chart.format == "PNG" and "Law:" in chart.text["Description"]

    bob_dm = fake.open_dm(bob)
    await fake.user_message(bob, bob_dm, "progress")
    nothing = (await fake.wait_for_messages(bob_dm["id"], 1))[0]
    assert "No answered interviews yet" in nothing["content"] and not nothing.get("files")  # no chart of nothing


async def test_the_slash_command_in_a_server_sends_progress_by_dm(bot: RunningBot) -> None:
    fake, alice = bot.fake, p.user("alice")
    dm = await _finished_dm_interview(fake, alice)
    before = len(fake.sent_in(dm["id"]))
    typed = await fake.autocomplete(alice, _channel(fake), "prog")
    assert (await callback_of(fake, typed))["data"]["choices"][0] == {"name": "My progress", "value": "progress"}

    event = await fake.slash_command(alice, _channel(fake), {"role": "progress"})
    answer = await callback_of(fake, event)
    assert answer["data"]["content"] == texts.PROGRESS_SENT and answer["data"]["flags"] & p.EPHEMERAL_FLAG
    sent = await fake.wait_for_messages(dm["id"], before + 1)
    assert sent[-1]["content"].startswith("**Your progress**") and "Law:" in sent[-1]["content"]
    assert set(sent[-1]["files"]) == {"progress.png"}
    assert fake.threads() == []  # no interview was started


async def test_with_dms_closed_the_progress_is_shown_only_to_them_where_they_asked(bot: RunningBot) -> None:
    fake, alice = bot.fake, p.user("alice")
    await _finished_dm_interview(fake, alice)
    fake.closed_dms.add(alice["id"])
    event = await fake.slash_command(alice, _channel(fake), {"role": "progress"})
    answer = await callback_of(fake, event)
    assert answer["data"]["flags"] & p.EPHEMERAL_FLAG
    assert answer["data"]["content"].startswith("**Your progress**") and "Law:" in answer["data"]["content"]
