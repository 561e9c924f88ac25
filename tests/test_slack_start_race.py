"""Two `/mock-interview ROLE` from one person in one channel at once start one interview, not two."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest

from tests.slack_support import SlackHarness, slack_harness

CHANNEL = "C0RACE"


@pytest.fixture
async def harness(database_url: str) -> AsyncIterator[SlackHarness]:
    async with slack_harness(database_url) as h:
        yield h


def user() -> str:
    return f"U{uuid.uuid4().hex[:8].upper()}"


def parents(h: SlackHarness, who: str) -> list[dict]:
    """The lines the app posted in the channel for who's interviews."""
    return [m for m in h.fake.messages.get(CHANNEL, []) if "thread_ts" not in m and f"<@{who}>" in m["text"]]


async def test_two_starts_at_once_make_one_interview_and_the_other_is_told(harness: SlackHarness) -> None:
    who = user()
    statuses = await asyncio.gather(
        harness.command("law questions=1", user=who, channel=CHANNEL),
        harness.command("hr questions=1", user=who, channel=CHANNEL),
    )
    assert statuses == [200, 200]
    await harness.fake.wait_for(lambda: harness.fake.responses and parents(harness, who))
    await harness.wait_thread(CHANNEL, parents(harness, who)[0]["ts"], after=0)
    await asyncio.sleep(0.5)  # room for a second interview to (wrongly) appear

    assert len(parents(harness, who)) == 1
    rows = await harness.service.history(user_id=who, platform="slack")
    assert len(rows) == 1 and rows[0].status.is_open
    [told] = harness.fake.responses
    assert told["key"] == who and told["response_type"] == "ephemeral"
    assert "already" in told["text"]

    # Ended, a new one can start at once in the same channel.
    assert await harness.command("end", user=who, channel=CHANNEL) == 200
    await harness.fake.wait_for(lambda: len(harness.fake.responses) == 2)
    assert await harness.command("ds questions=1", user=who, channel=CHANNEL) == 200
    await harness.fake.wait_for(lambda: len(parents(harness, who)) == 2)
    await harness.wait_thread(CHANNEL, parents(harness, who)[1]["ts"], after=0)
    rows = await harness.service.history(user_id=who, platform="slack")
    assert [r.status.is_open for r in rows] == [True, False]


async def test_after_a_start_that_could_not_post_the_next_try_goes_ahead(harness: SlackHarness) -> None:
    who = user()
    harness.fake.unreachable_channels.add(CHANNEL)
    assert await harness.command("law questions=1", user=who, channel=CHANNEL) == 200
    await harness.fake.wait_for(lambda: harness.fake.responses)
    assert "can't post" in harness.fake.responses[-1]["text"]
    harness.fake.unreachable_channels.discard(CHANNEL)  # the app was invited
    assert await harness.command("law questions=1", user=who, channel=CHANNEL) == 200
    await harness.fake.wait_for(lambda: parents(harness, who))
    await harness.wait_thread(CHANNEL, parents(harness, who)[0]["ts"], after=0)
    assert len(await harness.service.history(user_id=who, platform="slack")) == 1
