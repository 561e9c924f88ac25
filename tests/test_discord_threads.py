"""/mock-interview in a server: a thread per interview, outsiders ignored, buttons only for the candidate."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bots.discord import texts
from tests.fakes import discord_payloads as p
from tests.fakes.discord_harness import RunningBot, running_bot
from tests.fakes.discord_server import FakeDiscord


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[RunningBot]:
    async with FakeDiscord() as fake:
        fake.add_guild()
        async with running_bot(fake, f"sqlite:///{tmp_path / 'discord.db'}") as running:
            yield running


def _channel(fake: FakeDiscord) -> dict[str, Any]:
    return next(c for c in fake.channels.values() if c["type"] == p.GUILD_TEXT)


def _custom_ids(message: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for row in message["components"] for c in row["components"]]


async def _start(fake: FakeDiscord, user: dict[str, Any], **options: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run the slash command; the interaction event and the thread the bot opened."""
    before = len(fake.threads())
    event = await fake.slash_command(user, _channel(fake), {"role": "data-science", "questions": 2, **options})
    await fake.wait_until(lambda: len(fake.threads()) > before)
    thread = fake.threads()[-1]
    await fake.wait_for_messages(thread["id"], 2)
    return event, thread


async def test_the_slash_command_defers_opens_a_public_thread_and_the_candidate_answers_there(bot: RunningBot) -> None:
    fake, alice = bot.fake, p.user("alice")
    started = time.monotonic()
    event, thread = await _start(fake, alice)
    first = next(c for c in fake.callbacks if c["interaction"] == event["d"]["id"])
    answered = next(r for r in fake.requests if r["path"].startswith(f"/interactions/{event['d']['id']}/"))
    assert first["type"] == 5 and answered["at"] - started < 3  # deferred, inside Discord's 3 seconds
    assert thread["type"] == p.PUBLIC_THREAD and thread["parent_id"] == _channel(fake)["id"]
    assert thread["name"] == "Data Science interview · Alice"
    intro, question = fake.sent_in(thread["id"])[:2]
    assert intro["content"].startswith(f"<@{alice['id']}> **Data Science mock interview**")
    mentions = intro["allowed_mentions"]
    assert [str(u) for u in mentions["users"]] == [alice["id"]] and mentions["parse"] == []
    assert question["content"].startswith("**Question 1 of 2**")
    notice = await fake.wait_until(
        lambda: next((m for m in fake.sent_in(_channel(fake)["id"]) if not m.get("loading")), None)
    )
    assert (
        f"<#{thread['id']}>" in notice["content"] and "started a **Data Science** mock interview" in notice["content"]
    )

    answer = await fake.user_message(alice, thread, "Bias is error from wrong assumptions; variance is sensitivity.")
    replies = await fake.wait_for_messages(thread["id"], 3)
    assert replies[2]["message_reference"]["message_id"] == answer["d"]["id"]
    assert replies[2]["allowed_mentions"] == {"parse": [], "replied_user": True}


async def test_others_in_a_study_group_thread_are_ignored_and_cannot_press_the_candidates_buttons(
    bot: RunningBot,
) -> None:
    fake, alice, bob = bot.fake, p.user("alice"), p.user("bob")
    _, thread = await _start(fake, alice)
    question = fake.sent_in(thread["id"])[1]
    await fake.user_message(bob, thread, "I think it is about overfitting, @everyone thoughts?")
    await fake.user_message(bob, thread, "end")
    await fake.user_message(alice, _channel(fake), "start data-science")  # the channel itself is not an interview
    click = await fake.click(bob, question, f"mi:end:{alice['id']}")
    refusal = await fake.wait_until(
        lambda: next((c for c in fake.callbacks if c["interaction"] == click["d"]["id"]), None)
    )
    assert refusal["type"] == 4 and refusal["data"]["content"] == texts.ONLY_CANDIDATE
    assert refusal["data"]["flags"] & p.EPHEMERAL_FLAG

    await fake.user_message(alice, thread, "skip")
    after = await fake.wait_for_messages(thread["id"], 3)
    assert len(after) == 3 and after[2]["content"].startswith("**Question 2 of 2**")  # bob's `end` ended nothing
    assert len(fake.sent_in(_channel(fake)["id"])) == 1  # only the "started an interview" notice


async def test_the_candidate_presses_hint_and_the_pressed_buttons_go_away(bot: RunningBot) -> None:
    fake, alice = bot.fake, p.user("alice")
    _, thread = await _start(fake, alice)
    question = fake.sent_in(thread["id"])[1]
    assert _custom_ids(question) == [f"mi:{c}:{alice['id']}" for c in ("hint", "skip", "repeat", "end")]
    click = await fake.click(alice, question, f"mi:hint:{alice['id']}")
    hint = (await fake.wait_for_messages(thread["id"], 3))[2]
    assert hint["content"].startswith("**Hint**")
    assert [c["type"] for c in fake.callbacks if c["interaction"] == click["d"]["id"]] == [6]
    await fake.wait_until(lambda: fake.messages[question["id"]]["components"] == [])


async def test_a_private_interview_gets_a_private_thread_with_the_candidate_added(bot: RunningBot) -> None:
    fake, alice = bot.fake, p.user("alice")
    event, thread = await _start(fake, alice, private=True)
    assert thread["type"] == p.PRIVATE_THREAD and thread["thread_metadata"]["invitable"] is False
    assert (thread["id"], alice["id"]) in fake.thread_members
    deferred = next(c for c in fake.callbacks if c["interaction"] == event["d"]["id"])
    assert deferred["type"] == 5 and deferred["data"]["flags"] & p.EPHEMERAL_FLAG
    assert fake.sent_in(_channel(fake)["id"]) == []  # nobody in the channel sees it


async def test_role_autocomplete_and_an_unknown_role_answer_only_the_user(bot: RunningBot) -> None:
    fake, alice = bot.fake, p.user("alice")
    typed = await fake.autocomplete(alice, _channel(fake), "dat")
    result = await fake.wait_until(
        lambda: next((c for c in fake.callbacks if c["interaction"] == typed["d"]["id"]), None)
    )
    assert result["type"] == 8 and result["data"]["choices"][0] == {"name": "Data Science", "value": "data-science"}

    wrong = await fake.slash_command(alice, _channel(fake), {"role": "astronaut"})
    refusal = await fake.wait_until(
        lambda: next((c for c in fake.callbacks if c["interaction"] == wrong["d"]["id"]), None)
    )
    assert refusal["type"] == 4 and refusal["data"]["flags"] & p.EPHEMERAL_FLAG
    assert "astronaut" in refusal["data"]["content"] and fake.threads() == []


async def test_without_thread_permissions_the_user_is_told_which_are_missing(bot: RunningBot) -> None:
    fake, alice = bot.fake, p.user("alice")
    granted = 1 << 10 | 1 << 14 | 1 << 16 | 1 << 38  # view, embed links, history, send in threads: no thread creation
    event = await fake.slash_command(alice, _channel(fake), {"role": "law"}, app_permissions=str(granted))
    refusal = await fake.wait_until(
        lambda: next((c for c in fake.callbacks if c["interaction"] == event["d"]["id"]), None)
    )
    assert refusal["type"] == 4 and refusal["data"]["flags"] & p.EPHEMERAL_FLAG
    assert "Create Public Threads" in refusal["data"]["content"] and "Private" not in refusal["data"]["content"]
    assert fake.threads() == []
