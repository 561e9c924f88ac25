"""No repeats: a new interview asks what this person has not been asked in the role, until the pack runs out; then the
questions asked longest ago come back first."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

from core.domain.models import InterviewStatus
from core.domain.roles import load_catalog
from core.interview.plan import make_plan
from core.interview.service import InterviewService
from tests.support import conv_for, make_service, store_of

ROLE = "behavioral"


def fresh(name: str) -> str:
    """A user id of this test alone: the PostgreSQL database is shared by the session."""
    return f"{name}-{uuid.uuid4().hex[:8]}"  # 20 questions: four 5-question interviews use the whole pack


async def asked_in_one_interview(service: InterviewService, user: str, questions: int = 5) -> list[str]:
    """Run an interview whose every main question is asked (each skipped in turn); its question ids."""
    conv = conv_for(user)
    await service.start(conv, role=ROLE, questions=questions)
    store = store_of(service)
    interview = await store.get_open_interview(conv)
    assert interview is not None
    for _ in range(questions):
        await service.command(conv, "skip")
    done = await store.get_interview(interview.id)
    assert done is not None and done.status is InterviewStatus.ABANDONED  # every question skipped: nothing to grade
    asked = [t.question_index for t in done.turns if t.question_index is not None]
    assert sorted(set(asked)) == list(range(questions))
    return list(done.state["plan"])


async def test_consecutive_interviews_share_no_question_until_the_pack_runs_out(database_url: str) -> None:
    service = make_service(database_url, seed=3)
    try:
        ada = fresh("ada")
        rounds = [await asked_in_one_interview(service, ada) for _ in range(4)]
        fifth = await asked_in_one_interview(service, ada)
    finally:
        await service.close()

    everything = [qid for plan in rounds for qid in plan]
    assert len(everything) == len(set(everything)) == 20  # four interviews, twenty different questions
    assert set(fifth) == set(rounds[0])  # the pack ran out: the questions asked longest ago come back first


async def test_the_history_is_per_person_platform_and_role(database_url: str) -> None:
    service = make_service(database_url, seed=3)
    try:
        lin = fresh("lin")
        first = await asked_in_one_interview(service, lin)
        store = store_of(service)
        mine = await store.asked_questions(platform="terminal", user_id=lin, role=ROLE)
        elsewhere = await store.asked_questions(platform="slack", user_id=lin, role=ROLE)
        other_role = await store.asked_questions(platform="terminal", user_id=lin, role="law")
    finally:
        await service.close()

    assert set(mine) == set(first) and elsewhere == {} and other_role == {}


def test_when_too_few_are_fresh_the_oldest_fill_the_plan() -> None:
    pack = load_catalog(None).packs[ROLE]
    ids = [q.id for q in pack.questions]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    asked = {qid: start + timedelta(days=i) for i, qid in enumerate(ids[:18])}  # two never asked
    plan = make_plan(pack, 5, random.Random(1), asked)
    assert set(plan) == {ids[18], ids[19], ids[0], ids[1], ids[2]}
