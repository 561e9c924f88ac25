"""The daily question: the `daily` words, the local clock, and questions sent through the service with the clock
injected, by two workers on one database and after a restart, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from core.domain.daily import (
    DailyAction,
    DailyProblem,
    DailyRequest,
    next_due,
    parse_daily,
    parse_time,
)
from core.domain.models import ConversationRef, InterviewStatus, utcnow
from core.domain.replies import ReplyKind
from core.interview.service import InterviewService
from db.daily import DAILY
from tests.support import make_service, store_of

WEAK = "I am not sure, maybe it depends."


def test_the_daily_words() -> None:
    assert parse_daily("daily") == DailyRequest(DailyAction.STATUS)
    assert parse_daily("Daily off") == DailyRequest(DailyAction.OFF)
    assert parse_daily("daily on") == DailyRequest(DailyAction.ON)
    assert parse_daily("/daily on data science 7:30pm tz=Europe/Berlin") == DailyRequest(
        DailyAction.ON, at=time(19, 30), zone="Europe/Berlin", role="data science"
    )
    assert parse_daily("daily on 08:15") == DailyRequest(DailyAction.ON, at=time(8, 15))
    assert parse_daily("daily standups are where I would raise it") is not None  # a problem, not a request
    assert isinstance(parse_daily("daily on tz=Mars/Olympus"), DailyProblem)
    assert isinstance(parse_daily("daily on every=2"), DailyProblem)
    assert parse_daily("My answer is daily on call") is None
    assert parse_time("25:00") is None and parse_time("13pm") is None and parse_time("12am") == time(0, 0)
    assert parse_time("8") is None  # a bare number is not taken for a time


def test_the_next_question_is_due_at_the_local_time_across_a_clock_change() -> None:
    # Berlin leaves summer time on 25 Oct 2026: 08:00 is 06:00 UTC before and 07:00 UTC after.
    before = datetime(2026, 10, 24, 7, 0, tzinfo=UTC)  # 09:00 in Berlin: today's 08:00 has passed
    assert next_due(time(8, 0), "Europe/Berlin", after=before) == datetime(2026, 10, 25, 7, 0, tzinfo=UTC)
    after = datetime(2026, 10, 25, 7, 0, tzinfo=UTC)  # exactly due: the next one is tomorrow
    assert next_due(time(8, 0), "Europe/Berlin", after=after) == datetime(2026, 10, 26, 7, 0, tzinfo=UTC)
    assert next_due(time(23, 30), "UTC", after=before) == datetime(2026, 10, 24, 23, 30, tzinfo=UTC)


def dm(user: str) -> ConversationRef:
    """The person's DM with the bot, where their daily question comes: on a platform of the test's own, so that
    counts of questions sent are not those of other tests sharing the PostgreSQL database."""
    return ConversationRef(PLATFORM_OF[user], "", f"dm-{user}", None, user)


PLATFORM_OF: dict[str, str] = {}


def new_user() -> str:
    """A person of this test alone, on a platform of their own."""
    user = f"daily-{uuid.uuid4().hex[:8]}"
    PLATFORM_OF[user] = f"t-{user}"
    return user


async def weak_law_interview(service: InterviewService, user: str) -> str:
    """A finished one-question Law interview with a weak answer, answered two days ago; its question id."""
    conv = dm(user)
    await service.start(conv, role="law", questions=1)
    store = store_of(service)
    interview = await store.get_open_interview(conv)
    assert interview is not None
    await service.answer(conv, WEAK)
    await service.command(conv, "end")  # before any follow-up is answered
    with store.engine.begin() as db:  # two days pass: the question is due for review
        db.execute(
            sa.text("UPDATE turns SET answered_at = :at WHERE interview_id = :id"),
            {"at": utcnow() - timedelta(days=2), "id": interview.id},
        )
    return str(interview.state["plan"][0])


async def daily_interviews(service: InterviewService, user: str) -> list[str]:
    """The ids of the person's daily questions, oldest first."""
    interviews = await store_of(service).interviews_of(platform=PLATFORM_OF[user], user_id=user)
    return [i.id for i in interviews if i.is_daily]


async def test_two_workers_send_each_daily_question_once_and_a_restart_sends_nothing_more(database_url: str) -> None:
    user = new_user()
    first, second = make_service(database_url, seed=1), make_service(database_url, seed=2)
    try:
        weak_id = await weak_law_interview(first, user)
        now = utcnow()
        said = await first.daily(dm(user), parse_request("daily on 08:00 tz=Europe/Berlin"), now=now)
        assert said.startswith("Daily question on. One question comes here every day at 08:00 (Europe/Berlin)")
        schedule = await store_of(first).daily_of(PLATFORM_OF[user], "", user)
        assert schedule is not None and now < schedule.next_due_at <= now + timedelta(days=1)

        assert await first.send_daily(PLATFORM_OF[user], None, now=schedule.next_due_at - timedelta(minutes=1)) == 0
        due = schedule.next_due_at + timedelta(seconds=30)
        sent = await asyncio.gather(
            first.send_daily(PLATFORM_OF[user], None, now=due), second.send_daily(PLATFORM_OF[user], None, now=due)
        )
        assert sorted(sent) == [0, 1]
        [daily_id] = await daily_interviews(first, user)
        daily = await store_of(first).get_interview(daily_id)
        assert daily is not None and daily.state["plan"] == [weak_id] and daily.state.get("review") is True
        assert daily.conv == dm(user) and daily.planned_questions == 1

        # A worker that started the day's question and stopped before moving the schedule on: the schedule is still
        # due, and the next worker (a restarted one) finds the day's claim taken and only moves it on.
        with store_of(first).engine.begin() as db:
            db.execute(sa.update(DAILY).where(DAILY.c.user_id == user).values(next_due_at=schedule.next_due_at))
        restarted = make_service(database_url, seed=3)
        try:
            assert await restarted.send_daily(PLATFORM_OF[user], None, now=due + timedelta(minutes=5)) == 0
        finally:
            await restarted.close()
        assert len(await daily_interviews(first, user)) == 1
        moved = await store_of(first).daily_of(PLATFORM_OF[user], "", user)
        assert moved is not None and moved.next_due_at == schedule.next_due_at + timedelta(days=1)

        # Answered in the DM and graded at once: no follow-up, a scorecard.
        replies = await second.answer(dm(user), WEAK + " I would look at the contract first.")
        done = await store_of(first).get_interview(daily_id)
        assert done is not None and done.status is InterviewStatus.COMPLETED
        assert len(done.turns) == 1 and done.turns[0].grade is not None
        assert any(r.kind is ReplyKind.SCORECARD for r in replies)
    finally:
        await first.close()
        await second.close()


async def test_a_day_is_skipped_while_an_interview_is_open_there_or_when_it_is_hours_late(database_url: str) -> None:
    user = new_user()
    service = make_service(database_url)
    try:
        await weak_law_interview(service, user)
        now = utcnow()
        await service.daily(dm(user), parse_request("daily on law 07:00 tz=UTC"), now=now)
        store = store_of(service)
        schedule = await store.daily_of(PLATFORM_OF[user], "", user)
        assert schedule is not None and schedule.role == "law"

        await service.start(dm(user), role="law", questions=2)  # practising in the DM when the question is due
        assert await service.send_daily(PLATFORM_OF[user], None, now=schedule.next_due_at) == 0
        later = await store.daily_of(PLATFORM_OF[user], "", user)
        assert later is not None and later.next_due_at == schedule.next_due_at + timedelta(days=1)
        await service.command(dm(user), "end")

        # No worker ran for seven hours after the due time: that day's is skipped, tomorrow's comes on time.
        assert await service.send_daily(PLATFORM_OF[user], None, now=later.next_due_at + timedelta(hours=7)) == 0
        skipped = await store.daily_of(PLATFORM_OF[user], "", user)
        assert skipped is not None and skipped.next_due_at == later.next_due_at + timedelta(days=1)
        assert await daily_interviews(service, user) == []
        assert await service.send_daily(PLATFORM_OF[user], None, now=skipped.next_due_at + timedelta(hours=5)) == 1
    finally:
        await service.close()


async def test_daily_on_off_status_and_what_stops_it(database_url: str) -> None:
    user = new_user()
    service = make_service(database_url)
    try:
        now = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
        nothing_yet = await service.daily(dm(user), parse_request("daily on"), now=now)
        assert nothing_yet.startswith("Which role should the questions come from?")
        unknown = await service.daily(dm(user), parse_request("daily on astronaut"), now=now)
        assert "I don't know the role “astronaut”" in unknown
        guessed = await service.daily(dm(user), parse_request("daily on data-science"), now=now)
        assert "at 09:00 (UTC)" in guessed and "I don't know your time zone" in guessed
        known = await service.daily(dm(user), parse_request("daily on 7:15am"), zone="America/Chicago", now=now)
        assert "at 07:15 (America/Chicago), from your Data Science questions" in known
        assert "don't know your time zone" not in known
        status = await service.daily(dm(user), parse_request("daily"), now=now)
        assert (
            "every day at 07:15 (America/Chicago)" in status and "the next on Fri 04 Dec" in status
        )  # 06:00 in Chicago now

        assert (
            await service.delete_user_data(user_id=user, platform=PLATFORM_OF[user]) is not None
        )  # takes the schedule
        assert await store_of(service).daily_of(PLATFORM_OF[user], "", user) is None
        await service.daily(dm(user), parse_request("daily on law"), now=now)
        assert await service.daily(dm(user), parse_request("daily off"), now=now) == (
            "Daily question off: no more questions by DM."
        )
        assert await service.daily(dm(user), parse_request("daily off"), now=now) == "You have no daily question on."
        assert await service.send_daily(PLATFORM_OF[user], None, now=now + timedelta(days=2)) == 0
    finally:
        await service.close()


def parse_request(text: str) -> DailyRequest:
    """text as a daily request (the test fails on a problem)."""
    parsed = parse_daily(text)
    if not isinstance(parsed, DailyRequest):
        pytest.fail(f"{text!r} did not parse: {parsed}")
    return parsed


async def test_a_crowd_due_at_the_same_minute_gets_theirs_in_one_sweep(database_url: str) -> None:
    service = make_service(database_url)
    crowd = [new_user() for _ in range(60)]  # more than one batch of due schedules
    platform = PLATFORM_OF[crowd[0]]
    for user in crowd:
        PLATFORM_OF[user] = platform
    try:
        now = utcnow()
        for user in crowd:
            await service.daily(dm(user), parse_request("daily on law 09:00 tz=UTC"), now=now)
        due = next_due(time(9, 0), "UTC", after=now)
        assert await service.send_daily(platform, None, now=due) == len(crowd)
        assert await service.send_daily(platform, None, now=due) == 0
    finally:
        await service.close()
