"""SqlInterviewStore events, history and usage, against a real SQLite file and a real PostgreSQL."""

from __future__ import annotations

import asyncio
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from core.domain.models import (
    AnswerSource,
    InterviewStatus,
    Usage,
    UsageTotals,
)
from core.ports import TurnConflict
from db.migrate import upgrade_database
from db.store import SqlInterviewStore
from tests.store_support import EngineFactory, make_conv, make_interview, question

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


# --- events, history, usage ------------------------------------------------------------------------


async def test_claim_event(store: SqlInterviewStore) -> None:
    event_id = f"Ev{uuid.uuid4().hex}"
    assert await store.claim_event("slack", event_id) is True
    assert await store.claim_event("slack", event_id) is False
    assert await store.claim_event("discord", event_id) is True


async def test_an_answer_and_its_event_are_stored_together_or_not_at_all(store: SqlInterviewStore) -> None:
    interview = make_interview(turns=[question(1, answer="earlier", source=AnswerSource.TEXT), question(2)])
    interview.turns[0].answered_at = T0
    await store.create_interview(interview)
    event_id = f"Ev{uuid.uuid4().hex}"
    # The turn is not open: nothing is stored, and the event is not marked, so its redelivery can still land.
    with pytest.raises(TurnConflict):
        await store.save_answer(
            interview.id, 1, answer="late", source=AnswerSource.TEXT, answered_at=T0, event_id=event_id
        )
    assert await store.event_seen("slack", event_id) is False
    await store.save_answer(
        interview.id, 2, answer="on time", source=AnswerSource.TEXT, answered_at=T0, event_id=event_id
    )
    assert await store.event_seen("slack", event_id) is True
    assert await store.event_seen("discord", event_id) is False  # events are per platform
    # The same event again, even for another open turn, stores nothing.
    await store.add_turn(interview.id, question(3))
    with pytest.raises(TurnConflict):
        await store.save_answer(
            interview.id, 3, answer="again", source=AnswerSource.TEXT, answered_at=T0, event_id=event_id
        )
    stored = await store.get_interview(interview.id)
    assert stored is not None
    assert [t.answer for t in stored.turns] == ["earlier", "on time", None]
    assert stored.turns[1].answer_event_id == event_id


def test_claim_event_race_between_independent_engines(database_url: str, make_engine: EngineFactory) -> None:
    upgrade_database(database_url)
    stores = [SqlInterviewStore(make_engine(database_url)) for _ in range(8)]
    barrier = threading.Barrier(len(stores))
    event_id = f"Ev{uuid.uuid4().hex}"

    def claim(store: SqlInterviewStore) -> bool:
        barrier.wait()
        return asyncio.run(store.claim_event("slack", event_id))

    with ThreadPoolExecutor(len(stores)) as pool:
        results = list(pool.map(claim, stores))
    assert sorted(results) == [False] * 7 + [True]


async def test_list_interviews(store: SqlInterviewStore) -> None:
    user = f"U{uuid.uuid4().hex}"
    workspace = f"T{uuid.uuid4().hex}"
    done = InterviewStatus.COMPLETED
    answer = {"answer": "yes", "source": AnswerSource.TEXT, "answered_at": T0}
    oldest = make_interview(
        make_conv(user_id=user, workspace_id=workspace, thread_id="1"),
        status=done,
        created_at=T0,
        overall_score=5.0,
        turns=[question(1, **answer), question(2, skipped=True)],
    )
    middle = make_interview(make_conv(user_id=user, thread_id="2"), status=done, created_at=T0 + timedelta(1))
    newest = make_interview(
        make_conv(user_id=user, workspace_id=workspace, thread_id="3"),
        created_at=T0 + timedelta(2),
        turns=[question(1, **answer), question(2, **answer), question(3)],
    )
    elsewhere = make_interview(
        make_conv(user_id=user, platform="discord", thread_id="4"), status=done, created_at=T0 + timedelta(3)
    )
    for interview in (middle, newest, oldest, elsewhere):
        await store.create_interview(interview)

    history = await store.list_interviews(user_id=user)
    assert [(s.id, s.answered) for s in history] == [
        (elsewhere.id, 0),
        (newest.id, 2),
        (middle.id, 0),
        (oldest.id, 1),
    ]
    last = history[-1]
    assert (last.role, last.status, last.overall_score, last.planned_questions) == ("data-science", done, 5.0, 5)
    assert (last.user_id, last.platform, last.created_at) == (user, "slack", T0)
    slack = await store.list_interviews(user_id=user, platform="slack")
    assert [s.id for s in slack] == [newest.id, middle.id, oldest.id]
    in_workspace = await store.list_interviews(workspace_id=workspace)
    assert [s.id for s in in_workspace] == [newest.id, oldest.id]
    assert [s.id for s in await store.list_interviews(user_id=user, limit=2)] == [elsewhere.id, newest.id]


async def test_list_interviews_breaks_ties_by_id(store: SqlInterviewStore) -> None:
    user = f"U{uuid.uuid4().hex}"
    ids = sorted(str(uuid.uuid4()) for _ in range(3))
    for n, interview_id in enumerate([ids[1], ids[2], ids[0]]):  # neither insertion order nor its reverse
        conv = make_conv(user_id=user, thread_id=str(n))
        await store.create_interview(make_interview(conv, id=interview_id, created_at=T0))
    assert [s.id for s in await store.list_interviews(user_id=user)] == ids


async def test_find_interview_ids(store: SqlInterviewStore) -> None:
    prefix = uuid.uuid4().hex[:8]
    alice, bob = f"U{uuid.uuid4().hex}", f"U{uuid.uuid4().hex}"
    made: dict[str, list[str]] = {alice: [], bob: []}
    for n in range(12):
        user = alice if n < 7 else bob
        interview = make_interview(make_conv(user_id=user, thread_id=str(n)), id=prefix + str(uuid.uuid4())[8:])
        await store.create_interview(interview)
        made[user].append(interview.id)

    found = await store.find_interview_ids(prefix.upper())
    assert len(found) == 10 and set(found) <= set(made[alice] + made[bob])
    assert sorted(await store.find_interview_ids(prefix, user_id=alice)) == sorted(made[alice])
    one = made[bob][0]
    assert await store.find_interview_ids(one[:20].upper(), user_id=bob) == [one]
    assert await store.find_interview_ids(one[:20], user_id=alice) == []
    assert await store.find_interview_ids("%") == []


async def test_usage_totals(store: SqlInterviewStore) -> None:
    interview, other = make_interview(), make_interview()
    await store.create_interview(interview)
    await store.create_interview(other)
    assert await store.usage_totals(interview.id) == UsageTotals()
    await store.record_usage(interview.id, Usage("interviewer", "gpt-x", 1000, 800, 50, 900))
    await store.record_usage(interview.id, Usage("grader", "gpt-x", 400, 0, 120, 700))
    await store.record_usage(interview.id, Usage("transcribe", "whisper-1", latency_ms=1500))
    await store.record_usage(other.id, Usage("grader", "gpt-x", 99, 99, 99, 99))
    assert await store.usage_totals(interview.id) == UsageTotals(
        prompt_tokens=1400, cached_tokens=800, completion_tokens=170, calls=3
    )
