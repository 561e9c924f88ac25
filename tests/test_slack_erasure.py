"""`/mock-interview delete-my-data`: a private confirmation, the owner's click erases once, against the fake Slack."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.slack_payloads import thread_reply
from tests.slack_support import SlackHarness, slack_harness

CHANNEL = "C0ERASE"
CONFIRM = "mi-erase:confirm"
CANCEL = "mi-erase:cancel"
QUIET_S = 0.5  # time enough for a reply (or a deletion) to happen, if one were coming


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[SlackHarness]:
    async with slack_harness(f"sqlite:///{tmp_path / 'erase.db'}") as h:
        yield h


def user() -> str:
    return f"U{uuid.uuid4().hex[:8].upper()}"


async def interview_with_one_answer(h: SlackHarness, who: str) -> None:
    """Start an interview as who in CHANNEL and answer its first question (it stays open)."""

    def parents() -> int:
        return sum(1 for m in h.fake.messages.get(CHANNEL, []) if "thread_ts" not in m and f"<@{who}>" in m["text"])

    before = parents()
    assert await h.command("hr questions=2", user=who, channel=CHANNEL) == 200
    await h.fake.wait_for(lambda: parents() > before)  # this start's thread, not an earlier one of theirs
    thread_ts = h.parent(CHANNEL, who)["ts"]
    await h.wait_thread(CHANNEL, thread_ts, after=0)
    seen = len(h.thread(CHANNEL, thread_ts))
    answer = "I would listen to both sides first, then agree on the facts, and follow the policy with documentation."
    await h.event(thread_reply(answer, user=who, channel=CHANNEL, thread_ts=thread_ts))
    await h.wait_thread(CHANNEL, thread_ts, after=seen)


async def response_to(h: SlackHarness, key: str, *, seen: int) -> dict[str, Any]:
    """The first response_url post for key after the first `seen` posts."""
    await h.fake.wait_for(lambda: any(r["key"] == key for r in h.fake.responses[seen:]))
    return next(r for r in h.fake.responses[seen:] if r["key"] == key)


async def confirmation(h: SlackHarness, who: str) -> dict[str, Any]:
    """Run `/mock-interview delete-my-data` as who; the private confirmation, as a message the buttons hang on."""
    seen = len(h.fake.responses)
    assert await h.command("delete-my-data", user=who, channel=CHANNEL) == 200
    response = await response_to(h, who, seen=seen)
    assert response["response_type"] == "ephemeral"
    # Ephemeral messages are not stored by Slack; a click still names the message by a ts.
    return {**response, "ts": "1790000000.000001"}


async def click(h: SlackHarness, message: dict[str, Any], action_id: str, *, who: str) -> dict[str, Any]:
    """Click a confirmation button as who; the private answer to that click."""
    seen = len(h.fake.responses)
    assert await h.click(message, action_id, user=who, channel=CHANNEL) == 200
    return await response_to(h, who, seen=seen)


async def interviews_of(h: SlackHarness, who: str) -> int:
    return len(await h.service.history(user_id=who, platform="slack"))


async def test_only_the_owners_confirm_erases_their_data_once(harness: SlackHarness) -> None:
    owner, other = user(), user()
    await interview_with_one_answer(harness, owner)
    await interview_with_one_answer(harness, other)

    prompt = await confirmation(harness, owner)
    assert "every interview, answer and model usage record of yours in this workspace" in prompt["text"]
    assert "(1 interview with 1 answer)" in prompt["text"]
    buttons = {e["action_id"]: e for b in prompt["blocks"] if b["type"] == "actions" for e in b["elements"]}
    assert buttons[CONFIRM]["text"]["text"] == "Delete my data" and buttons[CONFIRM]["style"] == "danger"
    assert buttons[CANCEL]["text"]["text"] == "Cancel"

    # Somebody else's click is refused, privately, and erases nothing.
    refused = await click(harness, prompt, CONFIRM, who=other)
    assert f"<@{owner}>'s" in refused["text"] and refused["replace_original"] is False
    assert await interviews_of(harness, owner) == 1 and await interviews_of(harness, other) == 1

    done = await click(harness, prompt, CONFIRM, who=owner)
    assert done["replace_original"] is True  # the confirmation, buttons and all, becomes the outcome
    assert done["text"].startswith("Deleted 1 interview, 1 answer and ")
    assert "Nothing of them is kept." in done["text"]
    assert await interviews_of(harness, owner) == 0
    assert await interviews_of(harness, other) == 1
    seen = len(harness.fake.responses)
    assert await harness.command("history", user=owner, channel=CHANNEL) == 200
    assert "No interviews yet" in (await response_to(harness, owner, seen=seen))["text"]

    # A second click on the same confirmation does nothing, even though there is new data it could erase.
    await interview_with_one_answer(harness, owner)
    seen = len(harness.fake.responses)
    assert await harness.click(prompt, CONFIRM, user=owner, channel=CHANNEL) == 200
    await asyncio.sleep(QUIET_S)
    assert harness.fake.responses[seen:] == []
    assert await interviews_of(harness, owner) == 1


async def test_cancel_deletes_nothing_and_ends_the_confirmation(harness: SlackHarness) -> None:
    owner = user()
    await interview_with_one_answer(harness, owner)
    prompt = await confirmation(harness, owner)

    cancelled = await click(harness, prompt, CANCEL, who=owner)
    assert cancelled["text"] == "Cancelled: nothing was deleted." and cancelled["replace_original"] is True
    assert await interviews_of(harness, owner) == 1
    # The cancelled confirmation's other button no longer acts.
    assert await harness.click(prompt, CONFIRM, user=owner, channel=CHANNEL) == 200
    await asyncio.sleep(QUIET_S)
    assert await interviews_of(harness, owner) == 1


async def test_with_nothing_stored_there_is_nothing_to_confirm(harness: SlackHarness) -> None:
    owner = user()
    prompt = await confirmation(harness, owner)
    assert "nothing to delete" in prompt["text"]
    assert not prompt.get("blocks")
