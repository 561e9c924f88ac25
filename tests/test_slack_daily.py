"""The daily question on Slack: `/mock-interview daily on` with the profile's time zone, the question sent once by the
sweepers into the person's DM, answered at the top of that DM, and `daily off` typed there."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from bots.slack.daily import COMES_HERE
from bots.slack.texts import DM_NUDGE
from core.domain.models import InterviewStatus, utcnow
from db.daily import DAILY
from tests.fakes.slack_payloads import thread_reply
from tests.slack_support import SlackHarness, is_question, is_scorecard, slack_harness
from tests.support import store_of

CHANNEL = "C0GENERAL"
ANSWER = "I would read the contract first, check the governing law, and give clear advice with the risks, for example."


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[SlackHarness]:
    async with slack_harness(f"sqlite:///{tmp_path / 'daily.db'}") as h:
        yield h


def dm_message(text: str, *, user: str, channel: str) -> dict[str, Any]:
    """A message at the top of the person's DM with the app (not in a thread)."""
    event = thread_reply(text, user=user, channel=channel, thread_ts="", channel_type="im")
    event.pop("thread_ts")
    event.pop("parent_user_id")
    return event


async def private_answer(h: SlackHarness, text: str, who: str) -> str:
    seen = len(h.fake.responses)
    assert await h.command(text, user=who, channel=CHANNEL) == 200
    await h.fake.wait_for(lambda: len(h.fake.responses) > seen)
    return str(h.fake.responses[-1]["text"])


def top_level(h: SlackHarness, channel: str) -> list[dict[str, Any]]:
    return [m for m in h.fake.messages.get(channel, []) if "thread_ts" not in m]


async def test_daily_on_from_a_channel_sends_one_question_a_day_to_the_dm(harness: SlackHarness) -> None:
    who = f"U{uuid.uuid4().hex[:8].upper()}"
    dm = "D" + who[1:]
    harness.fake.user_zones[who] = "America/New_York"
    said = await private_answer(harness, "daily on law 7:30am", who)
    assert said.startswith("Daily question on. One question comes here every day at 07:30 (America/New_York)")
    assert "from your Law questions" in said
    assert [m["text"] for m in top_level(harness, dm)] == [COMES_HERE]  # where the questions will come

    store = store_of(harness.service)
    with store.engine.begin() as db:  # the clock reaches 07:30 in New York
        db.execute(sa.update(DAILY).where(DAILY.c.user_id == who).values(next_due_at=utcnow() - timedelta(minutes=1)))
    await harness.bot.sweeper.sweep()
    await harness.bot.sweeper.sweep()  # a second pass (or another worker) finds nothing more to send
    posted = top_level(harness, dm)[1:]
    assert "Your daily Law question" in posted[0]["text"]
    assert [is_question(m) for m in posted] == [False, True]

    # Answered at the top of the DM (a copy of the event delivered again changes nothing), graded at once.
    answer = dm_message(ANSWER, user=who, channel=dm)
    for retry in (0, 1):
        assert await harness.event(answer, event_id="Ev0DAILYANSWER", retry=retry) == 200
    await harness.fake.wait_for(lambda: any(is_scorecard(m) for m in top_level(harness, dm)))
    assert sum(is_scorecard(m) for m in top_level(harness, dm)) == 1
    [interview] = [i for i in await store.interviews_of(platform="slack", user_id=who) if i.is_daily]
    assert interview.status is InterviewStatus.COMPLETED and len(interview.turns) == 1
    assert interview.conv.channel_id == dm and interview.conv.thread_id is None

    # `daily off`, typed in the DM; then a stray message there is told how to start.
    before = len(top_level(harness, dm))
    await harness.event(dm_message("daily off", user=who, channel=dm))
    await harness.fake.wait_for(lambda: len(top_level(harness, dm)) > before)
    assert top_level(harness, dm)[-1]["text"] == "Daily question off: no more questions by DM."
    await harness.event(dm_message("hello", user=who, channel=dm))
    await harness.fake.wait_for(lambda: len(top_level(harness, dm)) > before + 1)
    assert top_level(harness, dm)[-1]["text"] == DM_NUDGE


async def test_without_a_profile_time_zone_it_is_utc_and_said(harness: SlackHarness) -> None:
    who = f"U{uuid.uuid4().hex[:8].upper()}"
    said = await private_answer(harness, "daily on data-science", who)
    assert "every day at 09:00 (UTC)" in said and "I don't know your time zone" in said
    said = await private_answer(harness, "daily on 8:00 tz=Asia/Tokyo", who)
    assert "every day at 08:00 (Asia/Tokyo), from your Data Science questions" in said
    said = await private_answer(harness, "daily on astronaut", who)
    assert "I don't know the role “astronaut”" in said
    assert "`daily on [ROLE] [HH:MM]" in await private_answer(harness, "daily sometimes", who)
