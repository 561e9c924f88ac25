"""Try a question again: the same main question, no follow-ups, the score's move on the scorecard, and both attempts
in the first interview's report, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

from core.coaching.scorecard import weakest_main_answers
from core.domain.models import Grade, Interview, InterviewStatus, Turn, TurnKind
from core.domain.replies import ReplyCode, ReplyKind
from core.interview.service import InterviewService
from tests.support import conv_for, make_service, planned, store_of, strong_answer

ROLE = "law"
SHORT = "A lawful basis, such as consent."  # short enough that an interview would follow it up


async def finished_interview(service: InterviewService, user: str) -> str:
    """A two-question interview whose first answer is weak and second skipped; its id."""
    conv = conv_for(user)
    await service.start(conv, role=ROLE, questions=2)
    interview = await store_of(service).get_open_interview(conv)
    assert interview is not None
    await service.answer(conv, "I am not sure, it depends on the contract and the client.")
    while (current := await store_of(service).get_open_interview(conv)) is not None:
        await service.command(conv, "skip")
        if current.turns[-1].question_index == 1:
            await service.command(conv, "end")
    return interview.id


async def test_a_question_tried_again_is_asked_word_for_word_and_the_move_is_shown(database_url: str) -> None:
    service = make_service(database_url, seed=6)
    user = f"ada-{uuid.uuid4().hex[:8]}"  # the PostgreSQL database is shared by the session
    conv = conv_for(user)
    try:
        first_id = await finished_interview(service, user)
        store = store_of(service)
        first = await store.get_interview(first_id)
        assert first is not None and first.turns[0].grade is not None
        before = first.turns[0].grade.score
        question = planned(service.catalog.get(ROLE), first, 0)

        opened = await service.try_again(conv, first_id[:8], 1)
        assert opened[0].text.startswith(f"**Law: answer 1 again** (you scored {before} the first time)")
        assert opened[-1].kind is ReplyKind.QUESTION and question.text in opened[-1].text
        retry = await store.get_open_interview(conv)
        assert retry is not None and retry.planned_questions == 1 and retry.state["plan"] == [question.id]

        ended = await service.answer(conv, strong_answer(question))
        card = ended[-1].scorecard
        report = (await service.report(first_id[:8], user_id=user)).document
    finally:
        await service.close()

    assert card is not None and len(card.items) == 1  # one question, no follow-up
    after = card.items[0].score
    assert after is not None and after > before and card.summary.startswith(f"{before} → {after}: you now cover ")
    assert isinstance(report, dict)
    [attempt] = report["turns"][0]["attempts"]
    assert attempt["score"] == after and attempt["interview_id"] == retry.id
    assert report["overall_score"] == first.overall_score and report["best_overall_score"] > report["overall_score"]
    assert all(t["attempts"] == [] for t in report["turns"][1:])
    assert card.try_again == ()  # a second try offers no third from its own scorecard


async def test_a_second_try_has_no_follow_up_even_for_a_short_answer(database_url: str) -> None:
    service = make_service(database_url, seed=6)
    user = f"lin-{uuid.uuid4().hex[:8]}"
    conv = conv_for(user)
    try:
        first_id = await finished_interview(service, user)
        await service.try_again(conv, first_id, 1)
        replies = await service.answer(conv, SHORT)
    finally:
        await service.close()

    assert replies[-1].kind is ReplyKind.SCORECARD
    assert not any(r.kind is ReplyKind.FOLLOW_UP for r in replies)


async def test_what_cannot_be_tried_again_is_said_plainly(database_url: str) -> None:
    service = make_service(database_url, seed=6)
    user, other = f"sam-{uuid.uuid4().hex[:8]}", f"eve-{uuid.uuid4().hex[:8]}"
    conv = conv_for(user)
    try:
        first_id = await finished_interview(service, user)
        no_such = await service.try_again(conv, first_id, 9)
        not_yours = await service.try_again(conv_for(other), first_id, 1)
        await service.try_again(conv, first_id, 1)
        while_open = await service.try_again(conv, first_id, 1)
        await service.command(conv, "end")
        retry_id = (await service.history(user_id=user, platform="terminal"))[0].id
        of_a_retry = await service.try_again(conv, retry_id, 1)
    finally:
        await service.close()

    assert "has no answer 9" in no_such[-1].text and no_such[-1].private  # only to them: a button in a shared thread
    assert no_such[-1].code is ReplyCode.CANNOT_TRY_AGAIN
    assert "No interview has an id starting with" in not_yours[-1].text and not_yours[-1].private
    assert "already" in while_open[0].text.lower()
    assert "already a second try" in of_a_retry[-1].text


def test_the_weakest_main_answers_are_offered_lowest_first_and_at_most_three() -> None:
    conv = conv_for("x")
    scores = [9, 3, None, 6, 5]  # None: skipped

    def turn(seq: int, score: int | None) -> Turn:
        if score is None:
            return Turn(seq, TurnKind.QUESTION, "Q", seq - 1, skipped=True)
        return Turn(seq, TurnKind.QUESTION, "Q", seq - 1, answer="a", grade=Grade(score, "f"))

    turns = [turn(n, score) for n, score in enumerate(scores, 1)]
    follow_up = Turn(6, TurnKind.FOLLOW_UP, "F", 1, answer="a", grade=Grade(1, "f"))  # not a main question
    interview = Interview("i", conv, ROLE, InterviewStatus.COMPLETED, 5, turns=[*turns, follow_up])
    assert weakest_main_answers(interview) == (3, 2, 5)
    interview.state["retry_of"] = {"interview_id": "j", "seq": 1}
    assert weakest_main_answers(interview) == ()
