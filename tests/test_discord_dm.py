"""DM interviews: the real discord.py client against the loopback Discord, a real SQLite database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fakes import discord_payloads as p
from tests.fakes.discord_harness import RunningBot, running_bot
from tests.fakes.discord_server import FakeDiscord


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[RunningBot]:
    async with FakeDiscord() as fake, running_bot(fake, f"sqlite:///{tmp_path / 'discord.db'}") as running:
        yield running


def _buttons(message: dict) -> list[str]:
    return [c["custom_id"] for row in message["components"] for c in row["components"]]


async def test_a_dm_interview_by_text_runs_to_the_scorecard(bot: RunningBot) -> None:
    fake = bot.fake
    alice = p.user("alice")
    dm = fake.open_dm(alice)
    await fake.user_message(alice, dm, "start data-science 2")
    sent = await fake.wait_for_messages(dm["id"], 2)
    assert "Data Science mock interview" in sent[0]["content"]
    assert sent[1]["content"].startswith("**Question 1 of 2**")
    assert _buttons(sent[1]) == [f"mi:{c}:{alice['id']}" for c in ("hint", "skip", "repeat", "end")]
    assert all(m["allowed_mentions"] == {"parse": []} for m in sent)

    await fake.user_message(alice, dm, "I would compare bias and variance on a validation set, for example.")
    sent = await fake.wait_for_messages(dm["id"], 3)
    assert sent[2]["content"].startswith(("**Follow-up**", "**Question 2 of 2**"))

    await fake.user_message(alice, dm, "end")
    sent = await fake.wait_for_messages(dm["id"], 4)
    card = sent[3]["embeds"][0]
    assert card["title"] == "Scorecard · Data Science"
    assert "Overall" in card["description"]
    # the bot saw its own messages come back over the gateway and answered none of them
    assert len(fake.sent_in(dm["id"])) == 4
