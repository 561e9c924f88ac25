"""The Slack app in HTTP mode: the real AsyncApp, signed requests as Slack sends them, the loopback fake Slack."""

from __future__ import annotations

import asyncio
import copy
import json
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bots.slack.texts import STALE_BUTTON
from core.domain.models import ConversationRef, InterviewStatus, TurnKind
from tests.fakes.slack_payloads import event_callback, thread_reply
from tests.fakes.slack_server import TEAM_ID
from tests.slack_support import FORM, SlackHarness, block_text, is_question, is_scorecard, slack_harness
from tests.support import find_interview, planned, store_of, strong_answer

CHANNEL = "C0PRACTICE"


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[SlackHarness]:
    async with slack_harness(f"sqlite:///{tmp_path / 'slack.db'}") as h:
        yield h


def user() -> str:
    return f"U{uuid.uuid4().hex[:8].upper()}"


async def start(h: SlackHarness, text: str, who: str, channel: str = CHANNEL) -> tuple[str, ConversationRef]:
    """Start an interview and wait for its first question; the thread ts and the conversation."""
    assert await h.command(text, user=who, channel=channel) == 200
    await h.fake.wait_for(lambda: any(f"<@{who}>" in m["text"] for m in h.fake.messages.get(channel, [])))
    thread_ts = h.parent(channel, who)["ts"]
    await h.wait_thread(channel, thread_ts, after=0)
    return thread_ts, ConversationRef("slack", TEAM_ID, channel, thread_ts, who)


async def test_a_whole_interview_by_text_in_a_thread(database_url: str) -> None:
    async with slack_harness(database_url) as h:
        who = user()
        began = time.monotonic()
        assert await h.command("data-science questions=2 level=senior", user=who, channel=CHANNEL) == 200
        assert time.monotonic() - began < 3  # acknowledged before any of the work
        await h.fake.wait_for(lambda: CHANNEL in h.fake.messages)
        parent = h.parent(CHANNEL, who)
        thread_ts = parent["ts"]
        first = await h.wait_thread(CHANNEL, thread_ts, after=0)
        assert "Data Science mock interview" in block_text(first[0]) and "senior" in block_text(first[0])
        assert [b["action_id"] for b in first[-1]["blocks"][-1]["elements"]] == ["mi:hint", "mi:skip", "mi:end"]
        assert "reply in this thread" in parent["text"]  # the "setting up" line was updated in place
        conv = ConversationRef("slack", TEAM_ID, CHANNEL, thread_ts, who)
        pack = h.service.catalog.resolve("data-science")
        answer_ts = []
        for _ in range(6):
            interview = await store_of(h.service).get_open_interview(conv)
            if interview is None:
                break
            turn = interview.current_turn
            assert turn is not None
            event = thread_reply(
                strong_answer(planned(pack, interview, turn.question_index or 0)),
                user=who,
                channel=CHANNEL,
                thread_ts=thread_ts,
            )
            answer_ts.append(event["ts"])
            seen = len(h.thread(CHANNEL, thread_ts))
            assert await h.event(event) == 200
            await h.fake.wait_for(
                lambda seen=seen: any(is_question(m) or is_scorecard(m) for m in h.thread(CHANNEL, thread_ts)[seen:])
            )
        thread = h.thread(CHANNEL, thread_ts)
        card = next(m for m in thread if is_scorecard(m))
        text = block_text(card)
        assert "Overall" in text and "/10" in text and "Your answer:" in text
        done = await find_interview(h.service, _card_id(card), user_id=who)
        assert done.status is InterviewStatus.COMPLETED
        assert sum(t.answer is not None for t in done.turns) == len(answer_ts)
        await h.fake.wait_for(lambda: "finished" in h.parent(CHANNEL, who)["text"])  # updated after the card
        # Progress: each answer got the working reaction while the interviewer worked, then lost it.
        added = [c.params["timestamp"] for c in h.fake.calls_to("reactions.add")]
        removed = [c.params["timestamp"] for c in h.fake.calls_to("reactions.remove")]
        assert added == removed == answer_ts


def _card_id(card: dict) -> str:
    """The interview id a scorecard names in its footer."""
    footer = next(b for b in card["blocks"] if b["type"] == "context" and "Saved as" in b["elements"][0]["text"])
    return footer["elements"][0]["text"].split("`")[1]


async def test_scorecard_id_prefix_finds_the_interview(harness: SlackHarness) -> None:
    who = user()
    thread_ts, conv = await start(harness, "behavioral questions=1", who)
    interview = await store_of(harness.service).get_open_interview(conv)
    assert interview is not None
    answer = "I asked my lead for specifics, agreed on two changes, and checked back a month later."
    await harness.event(thread_reply(answer, user=who, channel=CHANNEL, thread_ts=thread_ts))
    await harness.wait_thread(CHANNEL, thread_ts, after=2)  # a follow-up
    await harness.event(thread_reply("end", user=who, channel=CHANNEL, thread_ts=thread_ts))
    new = await harness.wait_thread(CHANNEL, thread_ts, after=2, scorecard=True)
    assert _card_id(next(m for m in new if is_scorecard(m))) == interview.id[:8]


async def test_a_retried_event_gives_one_reply_and_one_graded_answer(harness: SlackHarness) -> None:
    who = user()
    thread_ts, conv = await start(harness, "ds questions=3", who)
    before = len(harness.thread(CHANNEL, thread_ts))
    event = thread_reply(
        "Bias is error from wrong assumptions, variance from sensitivity.",
        user=who,
        channel=CHANNEL,
        thread_ts=thread_ts,
    )
    event_id = "Ev0RETRIED01"
    # Slack's retry arrives while the first delivery is still being worked on, and once more afterwards.
    statuses = await asyncio.gather(
        harness.event(event, event_id=event_id), harness.event(event, event_id=event_id, retry=1)
    )
    assert statuses == [200, 200]
    await harness.wait_thread(CHANNEL, thread_ts, after=before)
    assert await harness.event(event, event_id=event_id, retry=2) == 200
    await asyncio.sleep(0.5)  # time enough for a duplicate reply to show up, if one were coming
    new = harness.thread(CHANNEL, thread_ts)[before:]
    assert sum(is_question(m) for m in new) == 1
    interview = await store_of(harness.service).get_open_interview(conv)
    assert interview is not None
    assert [t.answer is not None for t in interview.turns].count(True) == 1


async def test_an_outsider_in_the_thread_is_told_once_and_ignored(harness: SlackHarness) -> None:
    owner, outsider = user(), user()
    thread_ts, conv = await start(harness, "law", owner)
    before = len(harness.thread(CHANNEL, thread_ts))
    for text in ("I think the answer is consideration.", "Hello?"):
        assert await harness.event(thread_reply(text, user=outsider, channel=CHANNEL, thread_ts=thread_ts)) == 200
    await harness.fake.wait_for(lambda: harness.fake.calls_to("chat.postEphemeral"))
    # Edits, deletions and the bot's own messages in the thread are not answers either.
    edited = {
        "type": "message",
        "subtype": "message_changed",
        "channel": CHANNEL,
        "hidden": True,
        "message": {"user": owner, "text": "edited", "thread_ts": thread_ts},
        "ts": "1790000999.000001",
    }
    deleted = {
        "type": "message",
        "subtype": "message_deleted",
        "channel": CHANNEL,
        "hidden": True,
        "deleted_ts": "1790000998.000001",
        "ts": "1790000999.000002",
    }
    own = thread_reply("a bot line", user="U0COACHBOT", channel=CHANNEL, thread_ts=thread_ts, bot_id="B0COACHBOT")
    for event in (edited, deleted, own):
        assert await harness.event(event) == 200
    await asyncio.sleep(0.4)
    told = harness.fake.calls_to("chat.postEphemeral")
    assert len(told) == 1
    assert told[0].params["user"] == outsider and f"<@{owner}>" in told[0].params["text"]
    assert told[0].params["thread_ts"] == thread_ts
    assert len(harness.thread(CHANNEL, thread_ts)) == before
    interview = await store_of(harness.service).get_open_interview(conv)
    assert interview is not None and interview.current_turn is not None and interview.current_turn.seq == 1


async def test_a_bad_signature_is_rejected_and_nothing_happens(harness: SlackHarness) -> None:
    who = user()
    fields = {
        "command": "/mock-interview",
        "text": "ds",
        "user_id": who,
        "channel_id": CHANNEL,
        "team_id": TEAM_ID,
        "response_url": harness.fake.response_url(who),
        "trigger_id": "1.2.3",
    }
    body = "&".join(f"{k}={v}" for k, v in fields.items()).encode()
    status, _ = await harness.post(body, content_type=FORM, secret="not-the-signing-secret")
    assert status == 401
    stale = {"X-Slack-Request-Timestamp": str(int(time.time()) - 600)}
    status, _ = await harness.post(body, content_type=FORM, headers=stale)
    assert status == 401  # signed with the right secret, but not now: a replay
    status, _ = await harness.post(
        json.dumps(event_callback({"type": "message"})).encode(), content_type="application/json", secret="wrong"
    )
    assert status == 401
    await asyncio.sleep(0.2)
    assert harness.fake.calls_to("chat.postMessage") == [] and harness.fake.responses == []


async def test_a_429_on_chat_post_message_is_retried_after_retry_after(harness: SlackHarness) -> None:
    who = user()
    harness.fake.fail_next("chat.postMessage", status=429, retry_after="0")
    thread_ts, _ = await start(harness, "swe questions=1", who)
    posts = harness.fake.calls_to("chat.postMessage")
    assert posts[0].params["text"] == posts[1].params["text"]  # the same message, sent again
    assert len([m for m in harness.fake.messages[CHANNEL] if "thread_ts" not in m]) == 1
    assert any(is_question(m) for m in harness.thread(CHANNEL, thread_ts))


async def test_buttons_hint_once_refuse_stale_and_other_people_and_end(harness: SlackHarness) -> None:
    owner, other = user(), user()
    thread_ts, _ = await start(harness, "pm questions=2", owner)
    # A copy: the fake edits its stored message when the buttons are replaced, but an old client still shows them.
    question = copy.deepcopy(next(m for m in harness.thread(CHANNEL, thread_ts) if is_question(m)))
    before = len(harness.thread(CHANNEL, thread_ts))
    await asyncio.gather(
        harness.click(question, "mi:hint", user=owner, channel=CHANNEL),
        harness.click(question, "mi:hint", user=owner, channel=CHANNEL),  # a double click
    )
    new = await harness.wait_thread(CHANNEL, thread_ts, after=before)
    await asyncio.sleep(0.3)
    assert sum(is_question(m) for m in harness.thread(CHANNEL, thread_ts)[before:]) == 1
    assert "Hint" in block_text(new[-1])
    clicked = next(m for m in harness.fake.messages[CHANNEL] if m["ts"] == question["ts"])
    assert not is_question(clicked) and "chose *Hint*" in block_text(clicked)
    await harness.click(question, "mi:skip", user=owner, channel=CHANNEL)  # its turn is over
    await harness.click(new[-1], "mi:end", user=other, channel=CHANNEL)
    await harness.fake.wait_for(lambda: len(harness.fake.responses) >= 2)
    texts = [r["text"] for r in harness.fake.responses]
    assert STALE_BUTTON in texts and any(f"<@{owner}>'s mock interview" in t for t in texts)
    assert all(r["response_type"] == "ephemeral" for r in harness.fake.responses)
    seen = len(harness.thread(CHANNEL, thread_ts))
    answer = thread_reply(
        "Start from the user problem, then size it.", user=owner, channel=CHANNEL, thread_ts=thread_ts
    )
    await harness.event(answer)
    latest = (await harness.wait_thread(CHANNEL, thread_ts, after=seen))[-1]
    await harness.click(latest, "mi:end", user=owner, channel=CHANNEL)
    await harness.fake.wait_for(lambda: "finished" in harness.parent(CHANNEL, owner)["text"])
    assert any(is_scorecard(m) for m in harness.thread(CHANNEL, thread_ts))
    interview = await store_of(harness.service).get_interview(
        (await harness.service.history(user_id=owner, platform="slack"))[0].id
    )
    assert interview is not None and interview.status is InterviewStatus.COMPLETED
    assert [t.kind for t in interview.turns][:2] == [TurnKind.QUESTION, TurnKind.HINT]


async def test_another_worker_with_nothing_in_memory_serves_the_thread(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    async with slack_harness(url) as first:
        owner, outsider = user(), user()
        thread_ts, conv = await start(first, "law questions=2", owner)
        # A second process on the same database: it learns whose thread this is from the database.
        async with slack_harness(url, fake=first.fake) as second:
            before = len(second.thread(CHANNEL, thread_ts))
            await second.event(thread_reply("Hi, can I try too?", user=outsider, channel=CHANNEL, thread_ts=thread_ts))
            await second.fake.wait_for(lambda: second.fake.calls_to("chat.postEphemeral"))
            answer = "Offer, acceptance, consideration and an intention to create legal relations."
            await second.event(thread_reply(answer, user=owner, channel=CHANNEL, thread_ts=thread_ts))
            await second.wait_thread(CHANNEL, thread_ts, after=before)
            assert second.fake.calls_to("conversations.replies") == []  # nothing to read back from Slack
            assert second.fake.calls_to("chat.postEphemeral")[0].params["user"] == outsider
        interview = await store_of(first.service).get_open_interview(conv)
        assert interview is not None and interview.turns[0].answer == answer
