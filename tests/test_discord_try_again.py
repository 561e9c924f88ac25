"""Discord's "Try again" buttons under a scorecard: the question again where it was pressed, the move on the second
scorecard, and someone else's click refused privately."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bots.discord import texts
from tests.discord_support import callback_of, scorecard_in_dm
from tests.fakes import discord_payloads as p
from tests.fakes.discord_harness import RunningBot, running_bot
from tests.fakes.discord_server import FakeDiscord

WEAK = "I would probably just tell them, I think."
STRONG = (
    "An offer, an acceptance, consideration and an intention to create legal relations, with certainty of terms; "
    "for example a signed sale of a car for a price, where each side gives something of value, so it binds both."
)


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[RunningBot]:
    async with FakeDiscord() as fake, running_bot(fake, f"sqlite:///{tmp_path / 'discord.db'}") as running:
        yield running


def again_ids(message: dict[str, Any]) -> list[str]:
    ids = [c["custom_id"] for row in message.get("components") or [] for c in row["components"]]
    return [i for i in ids if i.startswith("mi-again:")]


async def test_try_again_in_a_dm_asks_the_question_again_and_shows_the_move(bot: RunningBot) -> None:
    fake, alice, bob = bot.fake, p.user("alice"), p.user("bob")
    dm = fake.open_dm(alice)
    card = await scorecard_in_dm(fake, alice, dm, WEAK)
    [custom_id] = again_ids(card)
    assert custom_id.endswith(f":1:{alice['id']}")

    refused = await fake.click(bob, card, custom_id)
    answer = await callback_of(fake, refused)
    assert answer["data"]["content"] == texts.NOT_YOUR_SCORECARD and answer["data"]["flags"] & p.EPHEMERAL_FLAG

    before = len(fake.sent_in(dm["id"]))
    await fake.click(alice, card, custom_id)
    asked = await fake.wait_for_messages(dm["id"], before + 2)
    assert "answer 1 again" in asked[before]["content"] and asked[before + 1]["content"].startswith("**Question 1 of 1")
    await fake.user_message(alice, dm, STRONG)
    second = (await fake.wait_for_messages(dm["id"], before + 3))[-1]
    assert second["embeds"] and "→" in second["embeds"][0]["description"]
    assert again_ids(second) == []  # a second try offers no third
