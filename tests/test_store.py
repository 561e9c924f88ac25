"""SqlInterviewStore against a real SQLite file and a real PostgreSQL."""

from __future__ import annotations

import asyncio
import inspect
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from core.domain.models import (
    AnswerSource,
    InterviewStatus,
    Turn,
    TurnKind,
    Usage,
)
from core.ports import ActiveInterviewExists, InterviewStore, TurnConflict
from db.store import SqlInterviewStore
from tests.store_support import EngineFactory, grade, make_conv, make_interview, question, scalar

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def test_store_implements_the_port_exactly() -> None:
    ports = [cls for cls in InterviewStore.__mro__ if cls.__module__ == "core.ports.store"]
    assert {cls.__name__ for cls in ports} >= {"InterviewStore", "OutboxStore", "InboxStore", "EventStore"}
    methods = {name for cls in ports for name, value in vars(cls).items() if callable(value) and name[0] != "_"}
    assert {"create_interview", "queue_replies", "inbox_put", "stalled_interviews", "claim_start"} <= methods
    for name in methods:
        implementation = getattr(SqlInterviewStore, name)
        assert inspect.iscoroutinefunction(implementation), name
        assert inspect.signature(implementation) == inspect.signature(getattr(InterviewStore, name)), name


# --- interviews ------------------------------------------------------------------------------------


async def test_round_trip_with_turns_and_grades(store: SqlInterviewStore) -> None:
    conv = make_conv(platform="discord", workspace_id="", thread_id=None)
    answered = question(
        1,
        question_index=0,
        answer="We used k-fold cross validation.",
        source=AnswerSource.VOICE,
        answered_at=T0 + timedelta(minutes=1),
        answer_event_id="m-1",
        audio_seconds=12.25,
        grade=grade(),
    )
    skipped = Turn(seq=2, kind=TurnKind.FOLLOW_UP, question="Why k=5?", question_index=0, skipped=True)
    hinted = Turn(seq=3, kind=TurnKind.HINT, question="Think of variance.", hint_requested=True)
    interview = make_interview(
        conv,
        level="senior",
        language="en",
        created_at=T0,
        updated_at=T0 + timedelta(minutes=2),
        overall_score=7.5,
        summary="Solid.",
        state={"plan": [0, 3, 1], "record": {"asked": 1}, "pending": None},
        turns=[answered, skipped, hinted],
    )
    await store.create_interview(interview)

    loaded = await store.get_interview(interview.id)
    assert loaded == interview
    assert loaded.conv.thread_id is None
    assert loaded.turns[0].grade is not None and loaded.turns[0].grade.evidence == grade().evidence
    assert isinstance(loaded.turns[0].grade.missed, tuple)
    assert await store.get_interview(str(uuid.uuid4())) is None


async def test_turns_come_back_ordered_by_seq(store: SqlInterviewStore) -> None:
    interview = make_interview()
    await store.create_interview(interview)
    for seq in (3, 1, 2):
        await store.add_turn(interview.id, question(seq))
    loaded = await store.get_interview(interview.id)
    assert [t.seq for t in loaded.turns] == [1, 2, 3]


async def test_get_open_interview_sees_active_and_paused_only(store: SqlInterviewStore) -> None:
    conv = make_conv()
    assert await store.get_open_interview(conv) is None
    interview = make_interview(conv, turns=[question(1)])
    await store.create_interview(interview)
    assert await store.get_open_interview(conv) == interview

    interview.status = InterviewStatus.PAUSED
    await store.update_interview(interview)
    paused = await store.get_open_interview(conv)
    assert paused is not None and paused.id == interview.id and paused.status is InterviewStatus.PAUSED

    interview.status = InterviewStatus.COMPLETED
    await store.update_interview(interview)
    assert await store.get_open_interview(conv) is None
    assert await store.get_open_interview(make_conv(user_id=conv.user_id, thread_id="other")) is None


async def test_one_open_interview_per_conversation(store: SqlInterviewStore) -> None:
    conv = make_conv(thread_id=None)
    first = make_interview(conv)
    await store.create_interview(first)
    second = make_interview(conv)
    with pytest.raises(ActiveInterviewExists):
        await store.create_interview(second)
    assert await store.get_interview(second.id) is None

    await store.create_interview(make_interview(make_conv(user_id=conv.user_id, thread_id="1.2")))
    await store.create_interview(make_interview(make_conv(thread_id=None, channel_id=conv.channel_id)))

    first.status = InterviewStatus.COMPLETED
    await store.update_interview(first)
    await store.create_interview(second)
    first.status = InterviewStatus.ACTIVE  # resuming the old one while the new one is open
    with pytest.raises(ActiveInterviewExists):
        await store.update_interview(first)


async def test_update_interview_writes_the_header(store: SqlInterviewStore) -> None:
    interview = make_interview(updated_at=T0)
    await store.create_interview(interview)
    interview.status = InterviewStatus.COMPLETED
    interview.level, interview.language = "junior", "de"
    interview.state = {"pending": ["grade", 2]}
    interview.overall_score, interview.summary = 6.5, "Good start."
    interview.ended_at = T0 + timedelta(hours=1)
    await store.update_interview(interview)
    loaded = await store.get_interview(interview.id)
    assert loaded.updated_at > T0
    loaded.updated_at = interview.updated_at
    assert loaded == interview


# --- turns -----------------------------------------------------------------------------------------


async def test_add_turn_conflicts_on_an_existing_seq(store: SqlInterviewStore) -> None:
    interview = make_interview(updated_at=T0, turns=[question(1)])
    await store.create_interview(interview)
    await store.add_turn(interview.id, question(2))
    with pytest.raises(TurnConflict):
        await store.add_turn(interview.id, question(2, question="A different question"))
    loaded = await store.get_interview(interview.id)
    assert [t.question for t in loaded.turns] == ["Question 1?", "Question 2?"]
    assert loaded.updated_at > T0


async def test_racing_add_turn_has_one_winner(store: SqlInterviewStore) -> None:
    interview = make_interview()
    await store.create_interview(interview)
    results = await asyncio.gather(
        *(store.add_turn(interview.id, question(1)) for _ in range(8)), return_exceptions=True
    )
    assert results.count(None) == 1
    assert all(isinstance(r, TurnConflict) for r in results if r is not None)


async def test_save_answer_once_only(store: SqlInterviewStore) -> None:
    interview = make_interview(updated_at=T0, turns=[question(1)])
    await store.create_interview(interview)
    answered_at = T0 + timedelta(seconds=30)
    await store.save_answer(
        interview.id, 1, answer="first", source=AnswerSource.TEXT, answered_at=answered_at, event_id="e1"
    )
    with pytest.raises(TurnConflict):
        await store.save_answer(
            interview.id, 1, answer="second", source=AnswerSource.VOICE, answered_at=T0, audio_seconds=3.0
        )
    with pytest.raises(TurnConflict):
        await store.save_answer(interview.id, 9, answer="x", source=AnswerSource.TEXT, answered_at=T0)
    loaded = await store.get_interview(interview.id)
    turn = loaded.turns[0]
    assert (turn.answer, turn.source, turn.answered_at) == ("first", AnswerSource.TEXT, answered_at)
    assert (turn.answer_event_id, turn.audio_seconds, turn.is_open) == ("e1", None, False)
    assert loaded.updated_at > T0


async def test_racing_save_answer_has_one_winner(store: SqlInterviewStore) -> None:
    interview = make_interview(turns=[question(1)])
    await store.create_interview(interview)
    answers = [f"answer {i}" for i in range(8)]
    results = await asyncio.gather(
        *(store.save_answer(interview.id, 1, answer=a, source=AnswerSource.TEXT, answered_at=T0) for a in answers),
        return_exceptions=True,
    )
    assert results.count(None) == 1
    assert all(isinstance(r, TurnConflict) for r in results if r is not None)
    loaded = await store.get_interview(interview.id)
    assert loaded.turns[0].answer == answers[results.index(None)]


async def test_close_turn(store: SqlInterviewStore) -> None:
    interview = make_interview(turns=[question(1), question(2), question(3)])
    await store.create_interview(interview)
    await store.close_turn(interview.id, 1, skipped=True)
    await store.close_turn(interview.id, 2, hint_requested=True)
    await store.save_answer(interview.id, 3, answer="done", source=AnswerSource.TEXT, answered_at=T0)
    for seq in (1, 2, 3):
        with pytest.raises(TurnConflict):
            await store.close_turn(interview.id, seq, skipped=True)
    with pytest.raises(TurnConflict):
        await store.save_answer(interview.id, 1, answer="late", source=AnswerSource.TEXT, answered_at=T0)
    with pytest.raises(ValueError):
        await store.close_turn(interview.id, 3)
    turns = (await store.get_interview(interview.id)).turns
    assert [(t.skipped, t.hint_requested, t.answer) for t in turns] == [
        (True, False, None),
        (False, True, None),
        (False, False, "done"),
    ]


async def test_save_grade_sets_and_replaces(store: SqlInterviewStore, make_engine: EngineFactory) -> None:
    interview = make_interview(turns=[question(1, answer="a", source=AnswerSource.TEXT, answered_at=T0)])
    await store.create_interview(interview)
    engine = make_engine(store.engine.url.render_as_string(hide_password=False))
    ungraded = "SELECT COUNT(*) FROM turns WHERE interview_id = :i AND grade IS NULL AND score IS NULL"
    assert scalar(engine, ungraded, i=interview.id) == 1  # SQL NULL, not the JSON text 'null'
    await store.save_grade(interview.id, 1, grade(4))
    await store.save_grade(interview.id, 1, grade(9))
    assert (await store.get_interview(interview.id)).turns[0].grade == grade(9)
    sql = "SELECT score FROM turns WHERE interview_id = :i AND seq = 1"
    assert scalar(engine, sql, i=interview.id) == 9
    sql = "SELECT COUNT(*) FROM turns WHERE interview_id = :i AND graded_at IS NOT NULL"
    assert scalar(engine, sql, i=interview.id) == 1


# --- time and deletion -----------------------------------------------------------------------------


async def test_datetimes_come_back_aware_in_utc(store: SqlInterviewStore) -> None:
    user = f"U{uuid.uuid4().hex}"
    india = timezone(timedelta(hours=5, minutes=30))
    ten_in_india = datetime(2025, 1, 1, 10, 0, tzinfo=india)  # 04:30 UTC
    early = make_interview(
        make_conv(user_id=user, thread_id="a"),
        created_at=ten_in_india,
        updated_at=ten_in_india,
        turns=[question(1, asked_at=ten_in_india)],
    )
    late = make_interview(make_conv(user_id=user, thread_id="b"), created_at=datetime(2025, 1, 1, 5, 0, tzinfo=UTC))
    await store.create_interview(early)
    await store.create_interview(late)

    loaded = await store.get_interview(early.id)
    assert loaded.created_at == early.created_at
    assert loaded.created_at.tzinfo is not None and loaded.created_at.utcoffset() == timedelta(0)
    assert (loaded.created_at.hour, loaded.created_at.minute) == (4, 30)
    for value in (loaded.updated_at, loaded.turns[0].asked_at):
        assert value == ten_in_india and value.utcoffset() == timedelta(0)
    history = await store.list_interviews(user_id=user)
    assert [s.id for s in history] == [late.id, early.id]
    assert all(s.created_at.utcoffset() == timedelta(0) for s in history)
    with pytest.raises(Exception, match="naive datetime"):
        await store.create_interview(make_interview(created_at=datetime(2025, 1, 1, 10, 0)))


async def test_deleting_an_interview_cascades(store: SqlInterviewStore, make_engine: EngineFactory) -> None:
    interview = make_interview(turns=[question(1), question(2)])
    await store.create_interview(interview)
    await store.record_usage(interview.id, Usage("interviewer", "gpt-x", 10, 0, 5, 100))
    engine = make_engine(store.engine.url.render_as_string(hide_password=False))
    count_turns = "SELECT COUNT(*) FROM turns WHERE interview_id = :i"
    count_usage = "SELECT COUNT(*) FROM llm_usage WHERE interview_id = :i"
    assert (scalar(engine, count_turns, i=interview.id), scalar(engine, count_usage, i=interview.id)) == (2, 1)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM interviews WHERE id = :i"), {"i": interview.id})
    assert (scalar(engine, count_turns, i=interview.id), scalar(engine, count_usage, i=interview.id)) == (0, 0)
    assert await store.get_interview(interview.id) is None
