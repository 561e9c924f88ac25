"""Slack's "Try again" buttons under a scorecard: the question again in the thread, a second scorecard with the move,
and a click by someone else answered privately."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.slack_payloads import thread_reply
from tests.slack_support import SlackHarness, block_text, is_question, is_scorecard, slack_harness

CHANNEL = "C0AGAIN"
WEAK = "I would talk to them, I guess, and see what happens next."
STRONG = (
    "First I listen to both sides and acknowledge the concerns without judging, then I check the facts and the "
    "policy, agree clear next steps in writing, and follow up; for example in my last role a mediated meeting and a "
    "written plan resolved a conflict within two weeks, and I documented it for HR."
)


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[SlackHarness]:
    async with slack_harness(f"sqlite:///{tmp_path / 'again.db'}") as h:
        yield h


def try_again_buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        e
        for b in message.get("blocks") or []
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"].startswith("mi:try_again:")
    ]


async def test_try_again_asks_the_question_again_in_the_thread_and_shows_the_move(harness: SlackHarness) -> None:
    who = f"U{uuid.uuid4().hex[:8].upper()}"
    assert await harness.command("hr questions=1", user=who, channel=CHANNEL) == 200
    await harness.fake.wait_for(lambda: CHANNEL in harness.fake.messages)
    thread_ts = harness.parent(CHANNEL, who)["ts"]
    question = next(m for m in await harness.wait_thread(CHANNEL, thread_ts, after=0) if is_question(m))
    await harness.event(thread_reply(WEAK, user=who, channel=CHANNEL, thread_ts=thread_ts))
    await harness.event(thread_reply("end", user=who, channel=CHANNEL, thread_ts=thread_ts))
    await harness.wait_thread(CHANNEL, thread_ts, after=1, scorecard=True)
    card = next(m for m in harness.thread(CHANNEL, thread_ts) if try_again_buttons(m))
    [button] = try_again_buttons(card)
    assert button["action_id"] == "mi:try_again:1" and button["text"]["text"].startswith("Try answer 1 again (")

    bystander = f"U{uuid.uuid4().hex[:8].upper()}"
    seen = len(harness.fake.responses)
    assert await harness.click(card, button["action_id"], user=bystander, channel=CHANNEL) == 200
    await harness.fake.wait_for(lambda: len(harness.fake.responses) > seen)
    assert "No interview has an id starting with" in harness.fake.responses[-1]["text"]  # privately, to them

    before = len(harness.thread(CHANNEL, thread_ts))
    assert await harness.click(card, button["action_id"], user=who, channel=CHANNEL) == 200
    asked = await harness.wait_thread(CHANNEL, thread_ts, after=before)
    assert "answer 1 again" in block_text(asked[0])
    assert block_text(question).split("\n", 1)[-1].strip()[-60:] in block_text(asked[-1])  # word for word
    await harness.event(thread_reply(STRONG, user=who, channel=CHANNEL, thread_ts=thread_ts))
    second = (await harness.wait_thread(CHANNEL, thread_ts, after=before + 2, scorecard=True))[-1]
    assert is_scorecard(second) and "→" in block_text(second)
    assert not any(is_question(m) for m in harness.thread(CHANNEL, thread_ts)[before + 2 :])  # no follow-up
    assert try_again_buttons(second) == []  # no third try from a second one
