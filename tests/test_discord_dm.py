"""DM interviews: the real discord.py client against the loopback Discord, a real SQLite database."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PIL import Image

from bots.discord.inbound import dm_conv
from tests.discord_support import callback_of, scorecard_in_dm
from tests.fakes import discord_payloads as p
from tests.fakes.discord_harness import RunningBot, running_bot
from tests.fakes.discord_server import FakeDiscord
from tests.support import store_of


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
    # The chart rides with the scorecard's first message, as its embed's image.
    [(name, png)] = sent[3]["files"].items()
    assert name.startswith("scorecard-") and card["image"]["url"] == f"attachment://{name}"
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (960, 640)
    assert image.text["Description"].startswith("Data Science scorecard")
    # the bot saw its own messages come back over the gateway and answered none of them
    assert len(fake.sent_in(dm["id"])) == 4


async def test_without_attach_files_the_scorecard_comes_without_its_chart(bot: RunningBot) -> None:
    fake, alice = bot.fake, p.user("alice")
    dm = fake.open_dm(alice)
    fake.no_attach_files.add(dm["id"])
    card = await scorecard_in_dm(fake, alice, dm)
    assert card["embeds"][0]["title"] == "Scorecard · Law" and not card.get("files")
    assert "image" not in card["embeds"][0]
    assert sum(bool(m["embeds"]) for m in fake.sent_in(dm["id"])) == 1  # sent once, without the chart


async def test_a_review_with_nothing_due_says_so_in_words_and_by_slash_command(bot: RunningBot) -> None:
    fake, alice = bot.fake, p.user("alice")
    dm = fake.open_dm(alice)
    await fake.user_message(alice, dm, "review law")
    said = (await fake.wait_for_messages(dm["id"], 1))[0]["content"]
    assert "No Law question is on your review schedule" in said
    event = await fake.slash_command(alice, dm, {"role": "law", "review": True})
    answer = await callback_of(fake, event)
    assert "No Law question is on your review schedule" in answer["data"]["content"]
    assert answer["data"]["flags"] & p.EPHEMERAL_FLAG and fake.threads() == []
    assert len(fake.sent_in(dm["id"])) == 1  # no interview started


async def test_the_slash_command_in_a_dm_runs_the_interview_right_there(bot: RunningBot) -> None:
    fake, alice = bot.fake, p.user("alice")
    dm = fake.open_dm(alice)
    event = await fake.slash_command(alice, dm, {"role": "pm", "questions": 1, "level": "senior"})
    await fake.wait_for_messages(dm["id"], 2)
    await fake.wait_until(lambda: not fake.sent_in(dm["id"])[0].get("loading"))
    assert [c["type"] for c in fake.callbacks if c["interaction"] == event["d"]["id"]] == [5]
    intro, question = fake.sent_in(dm["id"])
    assert "Product Management mock interview** at senior level" in intro["content"]
    assert question["content"].startswith("**Question 1 of 1**") and question["components"]
    assert fake.threads() == []

    await fake.user_message(alice, dm, "I would size the market, talk to users and pick one metric to move.")
    sent = await fake.wait_for_messages(dm["id"], 3)
    assert sent[2]["content"].startswith(("**Follow-up**", "**Hint**")) or sent[2]["embeds"]


async def test_dm_words_without_an_interview_explain_how_to_start(bot: RunningBot) -> None:
    fake, alice = bot.fake, p.user("alice")
    dm = fake.open_dm(alice)
    await fake.user_message(alice, dm, "hello there, what is this?")
    await fake.user_message(alice, dm, "start astronaut")
    await fake.user_message(alice, dm, "roles")
    sent = await fake.wait_for_messages(dm["id"], 3)
    texts = sorted(m["content"] for m in sent)
    assert any("No interview is running here yet" in t and "start <role>" in t for t in texts)
    assert any("astronaut" in t and "`data-science`" in t for t in texts)
    assert any(t.startswith("**Roles**") and "`law`" in t for t in texts)


async def test_history_and_report_in_a_dm(bot: RunningBot) -> None:
    fake, alice = bot.fake, p.user("alice")
    dm = fake.open_dm(alice)
    card = await scorecard_in_dm(fake, alice, dm)
    interview_id = card["embeds"][0]["footer"]["text"].split()[-1]

    await fake.user_message(alice, dm, "history")
    listing = (await fake.wait_for_messages(dm["id"], len(fake.sent_in(dm["id"])) + 1))[-1]
    assert listing["content"].startswith("```") and interview_id[:8] in listing["content"]
    assert "Law" in listing["content"] and "completed" in listing["content"]

    await fake.user_message(alice, dm, f"report {interview_id[:8]}")
    report = (await fake.wait_for_messages(dm["id"], len(fake.sent_in(dm["id"])) + 1))[-1]
    [(name, data)] = report["files"].items()
    assert name == f"interview-{interview_id[:8]}.md" and b"offer, an acceptance" in data.lower()

    bob = p.user("bob")  # someone else's id is not found for bob
    bob_dm = fake.open_dm(bob)
    await fake.user_message(bob, bob_dm, f"report {interview_id[:8]}")
    refusal = (await fake.wait_for_messages(bob_dm["id"], 1))[0]
    assert refusal["content"].startswith("⚠️") and not refusal.get("files")


async def test_buttons_work_in_a_dm(bot: RunningBot) -> None:
    fake, alice = bot.fake, p.user("alice")
    dm = fake.open_dm(alice)
    await fake.user_message(alice, dm, "start hr 2")
    question = (await fake.wait_for_messages(dm["id"], 2))[1]
    await fake.click(alice, question, f"mi:skip:{alice['id']}")
    second = (await fake.wait_for_messages(dm["id"], 3))[2]
    assert second["content"].startswith("**Question 2 of 2**")
    await fake.click(alice, second, f"mi:repeat:{alice['id']}")
    again = (await fake.wait_for_messages(dm["id"], 4))[3]
    assert again["content"] == second["content"] and len(_buttons(again)) == 4
    assert second["components"] == []  # the pressed question's buttons are gone
    await fake.click(alice, again, f"mi:end:{alice['id']}")
    card = (await fake.wait_for_messages(dm["id"], 5))[4]
    assert card["embeds"] or "nothing to score" in card["content"]


async def test_a_one_word_answer_that_is_also_a_dm_word_answers_the_open_question(bot: RunningBot) -> None:
    fake, alice = bot.fake, p.user("alice")
    dm = fake.open_dm(alice)
    await fake.user_message(alice, dm, "start behavioral 2")
    await fake.wait_for_messages(dm["id"], 2)
    await fake.user_message(alice, dm, "History.")
    reply = (await fake.wait_for_messages(dm["id"], 3))[2]
    assert not reply["content"].startswith("```")  # not the history listing: the interview moved on
    interview = await store_of(bot.service).get_open_interview(
        dm_conv(channel_id=int(dm["id"]), user_id=int(alice["id"]))
    )
    assert interview is not None and interview.turns[0].answer == "History."
