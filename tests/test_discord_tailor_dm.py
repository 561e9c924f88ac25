"""`tailor` typed in a DM with a job posting or a résumé attached: the files downloaded from the CDN and read by the
core, an interview tailored to them in the DM; a file that is not what its name says, or far too large, starts
nothing; `tailor` alone says what to send; an open interview is not answered by a file."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bots.discord import texts
from bots.discord.inbound import dm_conv
from tests.discord_tailor_support import ANSWER, POSTING, RESUME, intros
from tests.fakes import discord_payloads as p
from tests.fakes.discord_harness import RunningBot, running_bot
from tests.fakes.discord_server import FakeDiscord
from tests.support import store_of
from tests.tailoring_support import make_docx, make_pdf

PDF, DOCX = "application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
async def bot(database_url: str) -> AsyncIterator[RunningBot]:
    """The bot on SQLite and on PostgreSQL: the database is what makes a message count once."""
    async with FakeDiscord() as fake, running_bot(fake, database_url) as running:
        yield running


async def _settle() -> None:
    """Give a copy's handler time to (wrongly) answer before counting."""
    await asyncio.sleep(0.5)


async def _interviews(bot: RunningBot, user: dict[str, Any]) -> list[Any]:
    return await store_of(bot.service).interviews_of(platform="discord", user_id=str(user["id"]))


async def test_a_pdf_posting_sent_with_tailor_starts_a_tailored_interview_in_the_dm_once(bot: RunningBot) -> None:
    fake, alice = bot.fake, p.user("alice")
    dm = fake.open_dm(alice)
    sent = await fake.file_message(alice, dm, "tailor", [("posting.pdf", make_pdf([POSTING]), PDF)])
    await fake.gateway.redeliver(sent)
    await fake.wait_until(lambda: intros(fake, dm["id"]))
    intro, question = await fake.wait_for_messages(dm["id"], 2)
    assert intro["content"].startswith("**Data Science mock interview, tailored to the job posting**")
    assert "What the posting asks for:" in intro["content"]
    assert question["content"].startswith("**Question 1 of 5**")

    await fake.user_message(alice, dm, ANSWER)
    await fake.wait_for_messages(dm["id"], 3)
    await _settle()
    assert len(intros(fake, dm["id"])) == 1 and len(fake.sent_in(dm["id"])) == 3
    [interview] = await _interviews(bot, alice)
    assert interview.tailoring and interview.turns[0].answer == ANSWER and interview.turns[0].grade is not None


async def test_a_docx_resume_with_tailor_resume_and_a_role_is_asked_about(bot: RunningBot) -> None:
    fake, bob = bot.fake, p.user("bob")
    dm = fake.open_dm(bob)
    resume = make_docx(RESUME.splitlines())
    await fake.file_message(bob, dm, "tailor resume data-science", [("jane.docx", resume, DOCX)])
    intro, question = await fake.wait_for_messages(dm["id"], 2)
    assert intro["content"].startswith("**Data Science mock interview, tailored to your résumé**")
    assert question["content"].startswith("**Question 1 of 5**")
    [interview] = await _interviews(bot, bob)
    assert interview.tailoring["from"] == ["resume"]


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"Jane Doe, data analyst at Acme", "cv.pdf is not a PDF: it looks like a plain text file"),
        (make_docx(["Jane Doe"]), "cv.pdf is not a PDF: it looks like a Word document (.docx)"),
    ],
)
async def test_a_file_that_is_not_what_its_name_says_gets_the_cores_words_and_starts_nothing(
    bot: RunningBot, data: bytes, says: str
) -> None:
    fake, carol = bot.fake, p.user("carol")
    dm = fake.open_dm(carol)
    sent = await fake.file_message(carol, dm, "tailor", [("cv.pdf", data, PDF)])
    await fake.gateway.redeliver(sent)
    [refusal] = await fake.wait_for_messages(dm["id"], 1)
    assert says in refusal["content"], refusal["content"]
    await _settle()
    assert len(fake.sent_in(dm["id"])) == 1  # told once
    assert await _interviews(bot, carol) == []


async def test_tailor_without_a_file_says_what_to_send_and_a_huge_file_is_not_downloaded(bot: RunningBot) -> None:
    fake, dave = bot.fake, p.user("dave")
    dm = fake.open_dm(dave)
    await fake.user_message(dave, dm, "tailor")
    [how] = await fake.wait_for_messages(dm["id"], 1)
    assert how["content"] == texts.TAILOR_HOW

    attachment = fake.upload(dm["id"], make_pdf([POSTING]), filename="posting.pdf", content_type=PDF, duration_s=None)
    attachment["size"] = 9 * 1024 * 1024  # what Discord says the file weighs
    await fake.user_message(dave, dm, "tailor", attachments=[attachment])
    refusal = (await fake.wait_for_messages(dm["id"], 2))[1]
    assert "9.0 MB" in refusal["content"] and fake.cdn_requests == []
    assert await _interviews(bot, dave) == []


async def test_while_an_interview_is_open_a_file_with_tailor_is_no_answer_and_tailor_words_are(
    bot: RunningBot,
) -> None:
    fake, erin = bot.fake, p.user("erin")
    dm = fake.open_dm(erin)
    await fake.user_message(erin, dm, "start law 2")
    await fake.wait_for_messages(dm["id"], 2)
    await fake.file_message(erin, dm, "tailor", [("posting.pdf", make_pdf([POSTING]), PDF)])
    said = (await fake.wait_for_messages(dm["id"], 3))[2]
    assert said["content"].startswith("You already have a Law interview open here (0 answers so far)")
    conv = dm_conv(channel_id=int(dm["id"]), user_id=int(erin["id"]))
    interview = await store_of(bot.service).get_open_interview(conv)
    assert interview is not None and interview.role == "law" and interview.turns[0].answer is None

    await fake.wait_for_messages(dm["id"], 4)  # and the open question again
    await _settle()
    words = "Tailor the advice to the client's risk appetite, then put the contract terms in writing."
    await fake.user_message(erin, dm, words)
    await fake.wait_for_messages(dm["id"], 5)
    interview = await store_of(bot.service).get_open_interview(conv)
    assert interview is not None and interview.turns[0].answer == words
