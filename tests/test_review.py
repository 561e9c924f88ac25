"""Spaced review: the schedule from a person's answers (1, 3, 7 days; 8 or more leaves it), and review interviews
started through the service from the questions due, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from core.domain.models import ConversationRef, Grade, Interview, InterviewStatus, Turn, TurnKind, utcnow
from core.domain.replies import ReplyKind
from core.domain.roles import load_catalog
from core.interview.review import due_questions, review_schedule
from tests.support import conv_for, make_service, planned, store_of

PACK = load_catalog(None).packs["law"]
T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
WEAK = "I am not sure, maybe it depends."


def answered(question_id: str, *scores_and_days: tuple[int, int]) -> list[Interview]:
    """One interview per (score, day after T0) answering question_id as its first main question."""
    conv = ConversationRef("terminal", "", "cli", None, "ada")
    out = []
    for score, day in scores_and_days:
        at = T0 + timedelta(days=day)
        turn = Turn(1, TurnKind.QUESTION, "Q", 0, asked_at=at, answer="a", answered_at=at, grade=Grade(score, "f"))
        out.append(
            Interview("i", conv, "law", InterviewStatus.COMPLETED, 1, turns=[turn], state={"plan": [question_id]})
        )
    return out


def test_a_weak_answer_comes_back_after_1_then_3_then_7_days_until_it_reaches_8() -> None:
    qid = PACK.questions[0].id
    [first] = review_schedule(answered(qid, (4, 0)), PACK)
    assert first.due_at == T0 + timedelta(days=1) and first.last_score == 4
    [second] = review_schedule(answered(qid, (4, 0), (6, 1)), PACK)
    assert second.due_at == T0 + timedelta(days=1 + 3)
    [third] = review_schedule(answered(qid, (4, 0), (6, 1), (7, 4)), PACK)
    assert third.due_at == T0 + timedelta(days=4 + 7)
    [fourth] = review_schedule(answered(qid, (4, 0), (6, 1), (7, 4), (5, 11)), PACK)
    assert fourth.due_at == T0 + timedelta(days=11 + 7)  # stays at the longest interval
    assert review_schedule(answered(qid, (4, 0), (8, 1)), PACK) == []  # 8 takes it off
    [back] = review_schedule(answered(qid, (4, 0), (9, 1), (3, 20)), PACK)
    assert back.due_at == T0 + timedelta(days=21)  # a weak answer later puts it back at 1 day
    assert review_schedule(answered(qid, (6, 0), (7, 3)), PACK) == []  # never 5 or less: never scheduled


def test_due_questions_are_the_worst_first() -> None:
    a, b, c = (q.id for q in PACK.questions[:3])
    schedule = review_schedule(answered(a, (5, 0)) + answered(b, (2, 0)) + answered(c, (3, 10)), PACK)
    due = due_questions(schedule, T0 + timedelta(days=2))
    assert [i.question_id for i in due] == [b, a]  # c is not due until day 11


async def test_a_review_asks_the_questions_due_and_says_when_none_is(database_url: str) -> None:
    service = make_service(database_url, seed=9)
    conv = conv_for(f"rev-{uuid.uuid4().hex[:8]}")  # the PostgreSQL database is shared by the session
    try:
        nothing = await service.start(conv, role="law", review=True)
        assert "No Law question is on your review schedule" in nothing[-1].text
        await service.start(conv, role="law", questions=2)
        store = store_of(service)
        interview = await store.get_open_interview(conv)
        assert interview is not None
        weak_id = planned(PACK, interview, 0).id
        await service.answer(conv, WEAK)
        await service.command(conv, "end")
        done = await store.get_interview(interview.id)
        assert done is not None and done.turns[0].grade is not None and done.turns[0].grade.score <= 5

        early = await service.start(conv, role="law", review=True)
        assert "Nothing in Law is due for review yet" in early[-1].text
        assert (utcnow() + timedelta(days=1)).strftime("%Y-%m-%d") in early[-1].text

        with store.engine.begin() as db:  # two days pass
            db.execute(
                sa.text("UPDATE turns SET answered_at = :at WHERE interview_id = :id"),
                {"at": utcnow() - timedelta(days=2), "id": interview.id},
            )
        started = await service.start(conv, role="law", review=True)
        review = await store.get_open_interview(conv)
    finally:
        await service.close()

    assert review is not None and review.state["plan"] == [weak_id] and review.planned_questions == 1
    assert started[0].text.startswith("**Law review**: 1 main question you answered below 8 before")
    assert started[-1].kind is ReplyKind.QUESTION
