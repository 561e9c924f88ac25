"""Study groups in Slack threads: `/mock-interview group ROLE` opens a lobby in a new thread, members join with its
buttons, answer each question privately in a form, see the answers revealed together and rate them with selects;
the end posts the group scorecard in the thread and each member's own scorecard in their DM."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bots.slack.group_inbound import GroupRequest, parse_group
from bots.slack.replies import SlackReplies
from core.domain.groups import Phase
from core.domain.models import utcnow
from tests.fakes.slack_payloads import thread_reply
from tests.slack_groups_support import (
    answer_form,
    deliver,
    latest,
    open_group,
    press,
    rating,
    session_of,
    told,
    told_with,
    under,
    user,
)
from tests.slack_support import SlackHarness, block_text, is_scorecard, slack_harness
from tests.support import store_of

ANSWER = (
    "I would state a hypothesis and one primary metric with guardrails, randomise by user, size the test with a "
    "power analysis for the minimum detectable effect, run full weeks without peeking, and check the sample ratio."
)


@pytest.fixture
async def harness(database_url: str) -> AsyncIterator[SlackHarness]:
    async with slack_harness(database_url) as h:
        yield h


async def test_a_study_group_runs_from_lobby_to_scorecards(harness: SlackHarness) -> None:
    h = harness
    host, a, b = user(), user(), user()
    where = await open_group(h, host)
    lobby = await latest(h, where, "join")
    assert f"<@{host}>" in block_text(lobby) and "Study group: Data Science" in block_text(lobby)
    assert "&lt;@" not in block_text(lobby)  # members are mentions, not escaped text
    assert "join in the thread" in h.parent(where[0], host)["text"]

    # Two people join; the same click delivered twice joins once and says nothing the second time.
    joined = press(h, lobby, "join", a)
    await deliver(h, joined)
    lobby = await latest(h, where, "join", count=2)
    assert "Members (2 of 10)" in block_text(lobby)
    await deliver(h, joined)
    await deliver(h, press(h, lobby, "join", b))
    lobby = await latest(h, where, "join", count=3)
    assert "Members (3 of 10)" in block_text(lobby) and f"<@{b}>" in block_text(lobby)
    await asyncio.sleep(0.3)
    assert len(under(h, where, "join")) == 3 and told(h, a) == []

    # Only the host starts: the others are told privately, and nothing is posted.
    await deliver(h, press(h, lobby, "start", a))
    await told_with(h, a, "Only the host")
    assert under(h, where, "answer") == []
    await deliver(h, press(h, lobby, "start", host))
    question = await latest(h, where, "answer")
    assert "Question 1 of 2" in block_text(question)
    first_question = question
    posted = len(h.thread(*where))

    # Two answers by the form: each confirmed privately, nothing in the thread; a copy of a submission does nothing.
    first = await answer_form(h, where, a, ANSWER)
    assert await h.submit(first) == (200, None)
    await told_with(h, a, "Your answer is in")
    second = await answer_form(h, where, b, "I would just ship it and see what happens.")
    assert await h.submit(second) == (200, None)
    await told_with(h, b, "Your answer is in")
    assert await h.submit(first) == (200, None)
    await asyncio.sleep(0.3)
    assert len(await told_with(h, a, "Your answer is in")) == 1
    assert len(h.thread(*where)) == posted
    assert (await session_of(h, where, host)).rounds[0].answers[a].text == ANSWER

    # The form opened again: what it sends after this question closed is not taken for the next one.
    late = await answer_form(h, where, a, "A second thought on question 1.")

    # The third answer reveals them all, with scores and a rating select per member.
    assert await h.submit(await answer_form(h, where, host, "Randomise users and compare conversion.")) == (200, None)
    reveal = await latest(h, where, "next")
    shown = block_text(reveal)
    assert "Answers to question 1" in shown and all(f"<@{who}>" in shown for who in (host, a, b))
    assert shown.count("/10") == 3 and "ship it" in shown
    selects = [blk["accessory"]["action_id"] for blk in reveal["blocks"] if "accessory" in blk]
    assert sorted(selects) == sorted(f"mi-group:rate:{who}" for who in (host, a, b))

    # Ratings by select, each taken once however often the choice is delivered.
    rated = rating(h, reveal, a, b, 4)
    await deliver(h, rated)
    await deliver(h, rating(h, reveal, b, a, 5))
    await told_with(h, b, "You rated that answer 5")
    await deliver(h, rated)
    await told_with(h, a, "You rated that answer 4")
    await asyncio.sleep(0.3)
    assert len(await told_with(h, a, "You rated that answer 4")) == 1
    assert (await session_of(h, where, host)).rounds[0].ratings == {a: {b: 4}, b: {a: 5}}

    # Next: question 2; a rating under the first reveal is refused now.
    await deliver(h, press(h, reveal, "next", b))
    await told_with(h, b, "Only the host")
    await deliver(h, press(h, reveal, "next", host))
    question = await latest(h, where, "answer", count=2)
    assert "Question 2 of 2" in block_text(question)
    await deliver(h, rating(h, reveal, a, host, 3))
    await told_with(h, a, "Ratings for that question are closed")
    assert await h.submit(late) == (200, None)
    await told_with(h, a, "That question has closed, so this answer was not taken")
    await deliver(h, press(h, first_question, "skip", host))  # under question 1: question 2 is left alone
    await told_with(h, host, "moved on")
    session = await session_of(h, where, host)
    assert len(session.rounds) == 2 and session.rounds[1].answers == {} and session.phase is Phase.ANSWERING

    # End: the group scorecard in the thread, and each member's own scorecard in their DM.
    await deliver(h, press(h, question, "end", host))
    await h.fake.wait_for(lambda: any("Group scorecard" in block_text(m) for m in h.thread(*where)))
    for who in (host, a, b):
        dm = "D" + who[1:]
        await h.fake.wait_for(lambda dm=dm: any(is_scorecard(m) for m in h.fake.messages.get(dm, [])))
        rows = await h.service.history(user_id=who, platform="slack")
        assert len(rows) == 1 and rows[0].role == "data-science" and not rows[0].status.is_open
    assert (await session_of(h, where, host)).phase is Phase.FINISHED


async def test_the_sweeper_closes_a_round_when_its_time_is_up(harness: SlackHarness) -> None:
    h = harness
    host, a = user(), user()
    where = await open_group(h, host, "questions=1 minutes=1")
    await deliver(h, press(h, await latest(h, where, "join"), "join", a))
    await deliver(h, press(h, await latest(h, where, "join", count=2), "start", host))
    await latest(h, where, "answer")
    assert await h.submit(await answer_form(h, where, a, ANSWER)) == (200, None)
    await told_with(h, a, "Your answer is in")

    sweeper = SlackReplies(h.bot.client_for, h.service)  # a sweeping worker's sender, as the app's sweeper has
    await h.service.send_group_deadlines("slack", sweeper, now=utcnow())
    assert (await session_of(h, where, host)).phase is Phase.ANSWERING  # not yet
    assert await h.service.send_group_deadlines("slack", sweeper, now=utcnow() + timedelta(minutes=2)) >= 1
    reveal = await latest(h, where, "next")
    assert f"<@{host}>: no answer (1/10)" in block_text(reveal)

    # The rating window runs out: the only question was asked, so the session ends with its scorecards.
    assert await h.service.send_group_deadlines("slack", sweeper, now=utcnow() + timedelta(minutes=6)) >= 1
    await h.fake.wait_for(lambda: any("Group scorecard" in block_text(m) for m in h.thread(*where)))
    await h.fake.wait_for(lambda: any(is_scorecard(m) for m in h.fake.messages.get("D" + a[1:], [])))


async def test_messages_typed_in_a_group_thread_are_nobodys_answer(harness: SlackHarness) -> None:
    h = harness
    host, passer_by = user(), user()
    where = await open_group(h, host)
    posted = len(h.thread(*where))
    typed = thread_reply("my answer is: randomise", user=passer_by, channel=where[0], thread_ts=where[1])
    await h.event(typed)
    [note] = await told_with(h, passer_by, "This thread is a study group")
    assert "Answer" in note and "Join" in note
    await asyncio.sleep(0.3)
    assert len(h.thread(*where)) == posted  # nothing public, no "this interview has finished"
    # Handled: a sweeper never dispatches it again.
    assert await store_of(h.service).event_seen("slack", f"msg:{where[0]}:{typed['ts']}")

    # Pressing Answer without having joined: the form opens, and the core refuses the answer privately.
    await deliver(h, press(h, await latest(h, where, "join"), "join", user()))
    await deliver(h, press(h, await latest(h, where, "join", count=2), "start", host))
    assert await h.submit(await answer_form(h, where, passer_by, ANSWER)) == (200, None)
    [refusal] = await told_with(h, passer_by, "not in this study group")
    assert "join the next one" in refusal


async def test_a_group_needs_a_known_role_and_a_channel(harness: SlackHarness) -> None:
    h = harness
    who = user()
    place = "C0GROUPS"
    assert await h.command("group astronaut", user=who, channel=place) == 200
    await told_with(h, who, "astronaut")
    assert await h.command("group data-science minutes=60", user=who, channel=place) == 200
    await told_with(h, who, "1 to 15 minutes")
    assert await h.command("group data-science", user=who, channel="D" + who[1:]) == 200
    await told_with(h, who, "in a channel")
    assert not any(f"<@{who}>" in m["text"] for m in h.fake.messages.get(place, []))


def test_the_group_command_reads_a_role_and_its_counts() -> None:
    assert parse_group("data science q=2 minutes=7") == GroupRequest("data science", 2, 7)
    assert parse_group("ds 4") == GroupRequest("ds", 4, None)
    assert "Which role?" in str(parse_group("questions=2"))
    assert "Unknown option `level`" in str(parse_group("ds level=senior"))
    assert "whole number" in str(parse_group("ds minutes=five"))
