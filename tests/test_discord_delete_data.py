"""Deleting one's data from Discord: the words in a DM and `/mock-interview delete-my-data`, confirmed by a button."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bots.discord import texts
from bots.discord.inbound import dm_conv
from core.domain import messages
from core.domain.models import DeletedData
from tests.fakes import discord_payloads as p
from tests.fakes.discord_harness import RunningBot, running_bot
from tests.fakes.discord_server import FakeDiscord
from tests.support import store_of

DANGER, SECONDARY = 4, 2  # Discord's button styles
SETTLE_S = 0.5  # a click that must do nothing has no reply to wait for: give a wrong erasure this long to show


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[RunningBot]:
    async with FakeDiscord() as fake:
        fake.add_guild()
        async with running_bot(fake, f"sqlite:///{tmp_path / 'discord.db'}") as running:
            yield running


def _channel(fake: FakeDiscord) -> dict[str, Any]:
    return next(c for c in fake.channels.values() if c["type"] == p.GUILD_TEXT)


def _buttons(message: dict[str, Any]) -> list[tuple[str, str, int]]:
    return [(c["custom_id"], c["label"], c["style"]) for row in message["components"] for c in row["components"]]


def _confirm_buttons(user: dict[str, Any]) -> list[tuple[str, str, int]]:
    return [
        (f"mi-erase:erase:{user['id']}", "Delete my data", DANGER),
        (f"mi-erase:keep:{user['id']}", "Cancel", SECONDARY),
    ]


async def _history(bot: RunningBot, user: dict[str, Any]) -> list[str]:
    return [row.id for row in await bot.service.history(user_id=user["id"], platform="discord", limit=50)]


async def _callback(fake: FakeDiscord, event: dict[str, Any]) -> dict[str, Any]:
    return await fake.wait_until(
        lambda: next((c for c in fake.callbacks if c["interaction"] == event["d"]["id"]), None)
    )


async def _dm_interview(fake: FakeDiscord, user: dict[str, Any], *, answer: str | None = None) -> dict[str, Any]:
    """A DM interview by user, its first question answered when answer is given; the DM channel."""
    dm = fake.open_dm(user)
    await fake.user_message(user, dm, "start law 2")
    await fake.wait_for_messages(dm["id"], 2)
    if answer is not None:
        await fake.user_message(user, dm, answer)
        await fake.wait_for_messages(dm["id"], 3)
    return dm


async def _thread_interview(fake: FakeDiscord, user: dict[str, Any]) -> None:
    """A server interview by user, in a thread off the guild's text channel."""
    before = len(fake.threads())
    await fake.slash_command(user, _channel(fake), {"role": "data-science", "questions": 2})
    await fake.wait_until(lambda: len(fake.threads()) > before)
    await fake.wait_for_messages(fake.threads()[-1]["id"], 2)


async def test_the_words_in_a_dm_ask_first_and_only_the_owners_click_erases_their_discord_data(
    bot: RunningBot,
) -> None:
    fake, alice, bob = bot.fake, p.user("alice"), p.user("bob")
    dm = await _dm_interview(fake, alice, answer="An offer, an acceptance and consideration, for example a car sale.")
    await _thread_interview(fake, alice)
    bob_dm = await _dm_interview(fake, bob, answer="Consideration is what each side gives up.")
    assert len(await _history(bot, alice)) == 2 and len(await _history(bot, bob)) == 1

    # A question is open in this DM; the whole message asks to delete, so it is not taken as the answer.
    await fake.user_message(alice, dm, "Delete My Data")
    sent = await fake.wait_for_messages(dm["id"], 4)
    confirmation = sent[3]
    assert confirmation["content"] == texts.CONFIRM_DELETE and "every server" in confirmation["content"]
    assert _buttons(confirmation) == _confirm_buttons(alice)
    assert confirmation["allowed_mentions"] == {"parse": []}
    open_dm = await store_of(bot.service).get_open_interview(
        dm_conv(channel_id=int(dm["id"]), user_id=int(alice["id"]))
    )
    assert open_dm is not None and [t.answer for t in open_dm.turns if t.answer] == [
        "An offer, an acceptance and consideration, for example a car sale."
    ]

    stranger = await fake.click(bob, confirmation, f"mi-erase:erase:{alice['id']}")
    refusal = await _callback(fake, stranger)
    assert refusal["type"] == 4 and refusal["data"]["content"] == texts.NOT_YOUR_DATA
    assert refusal["data"]["flags"] & p.EPHEMERAL_FLAG
    await asyncio.sleep(SETTLE_S)
    assert len(await _history(bot, alice)) == 2 and fake.messages[confirmation["id"]]["components"]

    shown = copy.deepcopy(confirmation)  # as a second click sees it: sent while the buttons were still there
    await fake.click(alice, confirmation, f"mi-erase:erase:{alice['id']}")
    expected = messages.deleted(DeletedData(interviews=2, answers=1, usage_records=0))
    assert expected.startswith("Deleted 2 interviews, 1 answer and ")
    done = await fake.wait_until(
        lambda: fake.messages[confirmation["id"]] if fake.messages[confirmation["id"]]["content"] == expected else None
    )
    assert done["components"] == [] and done["allowed_mentions"] == {"parse": []}
    assert await _history(bot, alice) == []
    assert len(await _history(bot, bob)) == 1 and len(fake.sent_in(bob_dm["id"])) == 3

    # A new interview after the erasure: a second click on the spent confirmation must not take it too.
    await fake.user_message(alice, dm, "start hr 1")
    await fake.wait_for_messages(dm["id"], 6)
    again = await fake.click(alice, shown, f"mi-erase:erase:{alice['id']}")
    assert (await _callback(fake, again))["type"] == 6
    await asyncio.sleep(SETTLE_S)
    assert len(await _history(bot, alice)) == 1
    assert fake.messages[confirmation["id"]]["content"] == expected and len(fake.sent_in(dm["id"])) == 6


async def test_the_slash_command_asks_privately_and_cancel_deletes_nothing(bot: RunningBot) -> None:
    fake, alice = bot.fake, p.user("alice")
    await _thread_interview(fake, alice)

    typed = await fake.autocomplete(alice, _channel(fake), "")
    choices = (await _callback(fake, typed))["data"]["choices"]
    assert choices[-1] == {"name": "Delete my data", "value": "delete-my-data"} and len(choices) <= 25
    typed = await fake.autocomplete(alice, _channel(fake), "delete")
    assert (await _callback(fake, typed))["data"]["choices"] == [{"name": "Delete my data", "value": "delete-my-data"}]

    event = await fake.slash_command(alice, _channel(fake), {"role": "delete-my-data"})
    answer = await _callback(fake, event)
    assert answer["type"] == 4 and answer["data"]["flags"] & p.EPHEMERAL_FLAG
    assert answer["data"]["content"] == texts.CONFIRM_DELETE
    confirmation = fake.messages[fake.interactions[event["d"]["token"]]["original"]]
    assert confirmation["ephemeral"] and _buttons(confirmation) == _confirm_buttons(alice)
    assert len(fake.threads()) == 1  # no interview thread for it

    shown = copy.deepcopy(confirmation)
    await fake.click(alice, confirmation, f"mi-erase:keep:{alice['id']}")
    await fake.wait_until(lambda: fake.messages[confirmation["id"]]["content"] == texts.DELETE_CANCELLED)
    assert fake.messages[confirmation["id"]]["components"] == []
    # Delete pressed on a cancelled confirmation (a stale client still showing it) erases nothing either.
    late = await fake.click(alice, shown, f"mi-erase:erase:{alice['id']}")
    assert (await _callback(fake, late))["type"] == 6
    await asyncio.sleep(SETTLE_S)
    assert len(await _history(bot, alice)) == 1

    dm = fake.open_dm(alice)  # in a DM the slash command asks the same way, and confirming erases
    event = await fake.slash_command(alice, dm, {"role": "delete-my-data"})
    assert (await _callback(fake, event))["data"]["content"] == texts.CONFIRM_DELETE
    confirmation = fake.messages[fake.interactions[event["d"]["token"]]["original"]]
    await fake.click(alice, confirmation, f"mi-erase:erase:{alice['id']}")
    expected = messages.deleted(DeletedData(interviews=1, answers=0, usage_records=0))
    await fake.wait_until(lambda: fake.messages[confirmation["id"]]["content"] == expected)
    assert await _history(bot, alice) == []
