"""`/mock-interview tailor:True`: a form for the job posting; its submission starts one interview tailored to it,
in a thread or in the DM, however often it is delivered; a posting that cannot be used starts nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bots.discord import texts
from tests.discord_support import callback_of
from tests.discord_tailor_support import ANSWER, GERMAN, POSTING, REQUIREMENT, RESUME, intros
from tests.fakes import discord_payloads as p
from tests.fakes.discord_harness import RunningBot, running_bot
from tests.fakes.discord_modals import text_inputs
from tests.fakes.discord_server import FakeDiscord
from tests.support import store_of


@pytest.fixture
async def bot(database_url: str) -> AsyncIterator[RunningBot]:
    """The bot on SQLite and on PostgreSQL: the database is what makes a submission count once."""
    async with FakeDiscord() as fake:
        fake.add_guild()
        async with running_bot(fake, database_url) as running:
            yield running


def _channel(fake: FakeDiscord) -> dict[str, Any]:
    return next(c for c in fake.channels.values() if c["type"] == p.GUILD_TEXT)


async def _form(fake: FakeDiscord, user: dict[str, Any], where: dict[str, Any], **options: Any) -> dict[str, Any]:
    """Run /mock-interview tailor:True; the modal the bot answered with."""
    event = await fake.slash_command(user, where, {"tailor": True, **options})
    modal: dict[str, Any] = await fake.wait_until(lambda: fake.modal_shown(event))
    return modal


async def _settle() -> None:
    """Give a copy's handler time to (wrongly) start a second interview before counting."""
    await asyncio.sleep(0.5)


async def test_tailor_true_answers_with_the_form_for_the_posting(bot: RunningBot) -> None:
    fake, alice = bot.fake, p.user("alice")
    modal = await _form(fake, alice, _channel(fake), questions=3)
    assert modal["title"] == texts.TAILOR_FORM_TITLE
    posting, resume, count = text_inputs(modal)
    assert (posting["custom_id"], posting["style"], posting["max_length"], posting["required"]) == (
        "posting",
        2,
        4000,
        True,
    )
    hint = modal["components"][0]["description"]
    assert "DM" in hint and "tailor" in hint and "PDF" in hint  # where a longer posting, or a file, can go
    assert resume["required"] is False and count["required"] is False and count["value"] == "3"
    assert fake.threads() == []  # nothing opens before the form is sent


async def test_the_submitted_form_starts_one_tailored_interview_in_a_thread_however_often_it_arrives(
    bot: RunningBot,
) -> None:
    fake, alice = bot.fake, p.user("alice")
    channel = _channel(fake)
    modal = await _form(fake, alice, channel)
    fake.answers_twice = True  # every copy may answer: only the bot's claim of the interaction id keeps one start
    submitted = await fake.submit_modal(alice, channel, modal, {"posting": POSTING, "questions": "2"})
    copies = [fake.gateway.redeliver(submitted, guild_id=channel["guild_id"]) for _ in range(2)]
    await asyncio.gather(*copies)
    await fake.wait_until(lambda: fake.threads())
    thread = fake.threads()[0]
    await fake.wait_until(lambda: intros(fake, thread["id"]))
    await _settle()

    assert len(fake.threads()) == 1 and thread["name"] == "Tailored interview · Alice"
    [intro] = intros(fake, thread["id"])
    assert intro["content"].startswith(f"<@{alice['id']}> **Data Science mock interview, tailored to the job posting")
    assert "What the posting asks for:" in intro["content"] and REQUIREMENT in intro["content"]
    assert fake.sent_in(thread["id"])[1]["content"].startswith("**Question 1 of 2**")
    notice = await fake.wait_until(lambda: next((m for m in fake.sent_in(channel["id"]) if m["content"]), None))
    assert f"<#{thread['id']}>" in notice["content"] and "**Tailored** mock interview" in notice["content"]
    assert len(await bot.service.history(user_id=alice["id"], platform="discord")) == 1


async def test_two_people_submit_at_once_and_each_gets_their_own_thread(bot: RunningBot) -> None:
    fake, alice, bob = bot.fake, p.user("alice"), p.user("bob")
    channel = _channel(fake)
    forms = await asyncio.gather(_form(fake, alice, channel, role="data-science"), _form(fake, bob, channel))
    await asyncio.gather(
        fake.submit_modal(alice, channel, forms[0], {"posting": POSTING, "resume": RESUME}),
        fake.submit_modal(bob, channel, forms[1], {"posting": POSTING, "questions": "1"}),
    )
    await fake.wait_until(lambda: len(fake.threads()) == 2 and all(fake.sent_in(t["id"]) for t in fake.threads()))
    names = sorted(t["name"] for t in fake.threads())
    assert names == ["Tailored Data Science interview · Alice", "Tailored interview · Bob"]
    for thread in fake.threads():
        first = await fake.wait_until(lambda t=thread: next(iter(fake.sent_in(t["id"])), None))
        who = alice if "Alice" in thread["name"] else bob
        assert first["content"].startswith(f"<@{who['id']}> **Data Science mock interview, tailored to")
    alices = next(t for t in fake.threads() if "Alice" in t["name"])
    assert "tailored to the job posting and your résumé" in fake.sent_in(alices["id"])[0]["content"]


@pytest.mark.parametrize(
    ("values", "says"),
    [
        ({"posting": ""}, "Send me a job posting"),
        ({"posting": "   "}, "The job posting you sent is empty"),
        ({"posting": GERMAN}, "looks like it is in German"),
        ({"posting": POSTING, "questions": "three"}, texts.QUESTIONS_NOT_A_NUMBER),
        ({"posting": POSTING, "questions": "40"}, "you asked for 40"),
    ],
)
async def test_a_form_that_cannot_start_an_interview_is_answered_privately_and_opens_no_thread(
    bot: RunningBot, values: dict[str, str], says: str
) -> None:
    fake, alice = bot.fake, p.user("alice")
    channel = _channel(fake)
    modal = await _form(fake, alice, channel)
    submitted = await fake.submit_modal(alice, channel, modal, values)
    refusal = await callback_of(fake, submitted)
    assert refusal["type"] == 4 and refusal["data"]["flags"] & p.EPHEMERAL_FLAG
    assert says in refusal["data"]["content"], refusal["data"]["content"]
    await _settle()
    assert fake.threads() == [] and fake.sent_in(channel["id"]) == []
    assert await bot.service.history(user_id=alice["id"], platform="discord") == []


async def test_the_form_used_in_a_dm_starts_the_interview_in_the_dm_and_an_answer_is_graded(bot: RunningBot) -> None:
    fake, alice = bot.fake, p.user("alice")
    dm = fake.open_dm(alice)
    modal = await _form(fake, alice, dm, role="data-science")
    fake.answers_twice = True
    submitted = await fake.submit_modal(alice, dm, modal, {"posting": POSTING, "questions": "1"})
    await asyncio.gather(fake.gateway.redeliver(submitted), fake.gateway.redeliver(submitted))
    await fake.wait_until(lambda: intros(fake, dm["id"]))
    assert (await callback_of(fake, submitted))["type"] == 5  # deferred: the interviewer may take a while
    await fake.wait_for_messages(dm["id"], 2)
    await fake.user_message(alice, dm, ANSWER)
    await fake.wait_for_messages(dm["id"], 3)
    await _settle()
    assert len(intros(fake, dm["id"])) == 1 and fake.threads() == []
    assert not any("already have" in m["content"] for m in fake.sent_in(dm["id"]))  # a copy is silent
    [interview] = await store_of(bot.service).interviews_of(platform="discord", user_id=str(alice["id"]))
    assert interview.tailoring and interview.turns[0].answer == ANSWER and interview.turns[0].grade is not None


async def test_review_with_tailor_and_no_role_without_tailor_are_refused_before_any_form(bot: RunningBot) -> None:
    fake, alice = bot.fake, p.user("alice")
    event = await fake.slash_command(alice, _channel(fake), {"tailor": True, "review": True, "role": "law"})
    refusal = await callback_of(fake, event)
    assert refusal["type"] == 4 and refusal["data"]["content"] == texts.NO_REVIEW_WHEN_TAILORED
    without_role = await fake.slash_command(alice, _channel(fake), {"questions": 2})
    assert (await callback_of(fake, without_role))["data"]["content"] == texts.ROLE_NEEDED
