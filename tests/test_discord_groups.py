"""Study groups in Discord threads, through the real discord.py client and the loopback Discord: the slash command
opens a thread with the lobby, members join and answer through the form, the reveal is rated with selects, and the
end posts the group scorecard in the thread and each member's own in their DM; every interaction counts once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bots.discord import texts
from tests.discord_group_support import (
    CARD,
    LOBBY,
    QUESTION,
    REVEAL,
    answer,
    control,
    controls,
    dm_of,
    latest,
    open_group,
    press,
    selects,
    text_channel,
    told,
    told_once,
)
from tests.discord_support import callback_of
from tests.fakes import discord_payloads as p
from tests.fakes.discord_harness import RunningBot, running_bot
from tests.fakes.discord_server import FakeDiscord

ANSWERS = {
    "host": "Bias is error from wrong assumptions, variance is sensitivity to the training data; regularise.",
    "bea": "Underfitting against overfitting: a simple model has high bias, a flexible one high variance.",
    "cy": "Cross-validation shows it: the gap between train and test error is variance.",
}


@pytest.fixture
async def bot(database_url: str) -> AsyncIterator[RunningBot]:
    """The bot on SQLite and on PostgreSQL: the database makes each interaction count once."""
    async with FakeDiscord() as fake:
        fake.add_guild()
        async with running_bot(fake, database_url) as running:
            yield running


async def _lobby_with(fake: FakeDiscord, thread: dict[str, Any], count: int) -> dict[str, Any]:
    found: dict[str, Any] = await fake.wait_until(
        lambda: next((m for m in fake.sent_in(thread["id"]) if f"Members ({count} of 10)" in m["content"]), None)
    )
    return found


async def _settle() -> None:
    """Give a copy's handler time to (wrongly) act before counting."""
    await asyncio.sleep(0.5)


async def test_a_whole_study_group_in_a_thread(bot: RunningBot) -> None:
    fake = bot.fake
    host, bea, cy = p.user("host"), p.user("bea"), p.user("cy")
    thread = await open_group(fake, host, questions=2, minutes=5)
    assert thread["name"] == "Data Science study group · Host" and thread["type"] == p.PUBLIC_THREAD
    lobby = latest(fake, thread, LOBBY)
    assert lobby is not None and [c["label"] for c in controls(lobby)] == ["Join", "Leave", "Start", "End"]
    assert f"<@{host['id']}>" in lobby["content"]  # a member shows as their name, not as an escaped id
    assert lobby["allowed_mentions"]["parse"] == [] and not lobby["allowed_mentions"].get("users")  # no pings
    said = fake.sent_in(text_channel(fake)["id"])
    notice = await fake.wait_until(lambda: next((m for m in said if m["content"]), None))
    assert f"<#{thread['id']}>" in notice["content"] and "study group" in notice["content"]

    for count, member in enumerate((bea, cy), 2):
        await press(fake, member, lobby, "join")
        lobby = await _lobby_with(fake, thread, count)
    assert f"<@{bea['id']}>" in lobby["content"] and f"<@{cy['id']}>" in lobby["content"]

    refused = await press(fake, bea, lobby, "start")
    assert "Only the host" in await told_once(fake, refused)
    assert latest(fake, thread, QUESTION) is None
    await press(fake, host, lobby, "start")
    question = await fake.wait_until(lambda: latest(fake, thread, QUESTION))
    assert question["content"].startswith("**Question 1 of 2**")
    assert [c["label"] for c in controls(question)] == ["Answer", "Skip", "End"]

    for user in (host, bea):
        sent = await answer(fake, user, thread, question, ANSWERS[user["username"]])
        assert "Your answer is in" in await told_once(fake, sent)
    assert latest(fake, thread, REVEAL) is None  # nothing public until the last answer
    assert not any(ANSWERS["host"] in m["content"] for m in fake.sent_in(thread["id"]))
    await answer(fake, cy, thread, question, ANSWERS["cy"])
    reveal = await fake.wait_until(lambda: latest(fake, thread, REVEAL))
    for number, user in enumerate((host, bea, cy), 1):
        assert f"**{number}.** <@{user['id']}>" in reveal["content"] and ANSWERS[user["username"]] in reveal["content"]
    assert "/10**" in reveal["content"]
    rating = selects(reveal)
    assert [s["custom_id"].rsplit(":", 1)[1] for s in rating] == [host["id"], bea["id"], cy["id"]]
    assert [o["value"] for o in rating[0]["options"]] == ["1", "2", "3", "4", "5"]
    assert [c["label"] for c in controls(reveal) if c["type"] == 2] == ["Next", "End"]

    fake.answers_twice = True  # every copy may answer: only the bot's claim of the interaction id keeps one rating
    first = await fake.choose(bea, reveal, rating[0]["custom_id"], ["4"])
    assert "You rated that answer 4" in await told_once(fake, first)
    second = await fake.choose(bea, reveal, rating[0]["custom_id"], ["2"])
    assert "2" in await told_once(fake, second)
    await fake.gateway.redeliver(first, guild_id=thread["guild_id"])  # an old copy must not bring the 4 back
    await fake.choose(cy, reveal, rating[2]["custom_id"], ["5"])
    await _settle()
    assert told(fake, first) == ["You rated that answer 4."]
    fake.answers_twice = False

    await press(fake, host, reveal, "next")
    second_question = await fake.wait_until(lambda: latest(fake, thread, "**Question 2 of 2**"))
    stale = await fake.click(host, question, control(question, "skip"))  # question 1's Skip, long gone
    assert "moved on" in await told_once(fake, stale)
    assert latest(fake, thread, "The host skipped") is None

    await press(fake, host, second_question, "end")
    card = await fake.wait_until(lambda: latest(fake, thread, CARD))
    lines = {
        user["username"]: next(x for x in card["content"].splitlines() if f"**<@{user['id']}>**" in x)
        for user in (host, bea, cy)
    }
    assert "peers 3.2" in lines["host"]  # bea's 2, on the 1–10 scale; the copy of her 4 changed nothing
    assert "self 10.0" in lines["cy"] and "peers –" in lines["bea"]
    assert not controls(card)
    for user in (host, bea, cy):
        dm = await fake.wait_until(lambda u=user: dm_of(fake, u))
        own = await fake.wait_until(lambda d=dm: [m for m in fake.sent_in(d["id"]) if m["embeds"]])
        assert own[0]["embeds"][0]["title"] == "Scorecard · Data Science"
        history = await bot.service.history(user_id=user["id"], platform="discord")
        assert len(history) == 1 and history[0].status == "completed"


async def test_typed_messages_in_a_group_thread_are_not_answers(bot: RunningBot) -> None:
    fake, host, bea = bot.fake, p.user("host"), p.user("bea")
    thread = await open_group(fake, host)
    await press(fake, bea, latest(fake, thread, LOBBY) or {}, "join")
    lobby = await _lobby_with(fake, thread, 2)
    await press(fake, host, lobby, "start")
    await fake.wait_until(lambda: latest(fake, thread, QUESTION))
    before = len(fake.sent_in(thread["id"]))
    await fake.user_message(bea, thread, "I think it is about regularisation, right?")
    await fake.user_message(host, thread, "end")
    await _settle()
    assert len(fake.sent_in(thread["id"])) == before
    assert await bot.service.history(user_id=bea["id"], platform="discord") == []


@pytest.mark.parametrize(
    ("options", "says"),
    [
        ({"questions": 12}, "A study group has 1 to"),
        ({"minutes": 15, "tailor": True}, texts.GROUP_NOT_TAILORED),
        ({"role": "astronaut"}, "astronaut"),
    ],
)
async def test_a_group_that_cannot_open_is_refused_privately_and_opens_no_thread(
    bot: RunningBot, options: dict[str, Any], says: str
) -> None:
    fake, host = bot.fake, p.user("host")
    event = await fake.slash_command(host, text_channel(fake), {"role": "data-science", "group": True, **options})
    callback = await callback_of(fake, event)
    assert callback["type"] == 4 and callback["data"]["flags"] & p.EPHEMERAL_FLAG
    assert says in callback["data"]["content"]
    assert fake.threads() == []


async def test_a_group_in_a_dm_is_refused(bot: RunningBot) -> None:
    fake, host = bot.fake, p.user("host")
    event = await fake.slash_command(host, fake.open_dm(host), {"role": "data-science", "group": True})
    assert (await callback_of(fake, event))["data"]["content"] == texts.GROUP_ONLY_IN_SERVER
