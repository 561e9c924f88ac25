"""A study group's session as a pure state machine, and its group scorecard: every rule with the clock given."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from core.coaching.group_scorecard import build_group_card, gap_words, group_card_markdown, rating_on_ten
from core.domain.group_state import session_from_state, session_state
from core.domain.groups import RATING_MINUTES, GroupRefusal, GroupSession, Phase
from core.domain.models import Grade

T0 = datetime(2026, 12, 4, 18, 0, tzinfo=UTC)


def _graded(score: int) -> Grade:
    return Grade(score=score, feedback="Clear. Add an example.", grader="offline")


def _session(*members: str, planned: int = 2) -> GroupSession:
    session = GroupSession(
        id="g1", host="ana", role="data-science", planned=planned, minutes=5, plan=["q1", "q2", "q3"], created_at=T0
    )
    for user in ("ana", *members):
        session.join(user)
    return session


def test_the_lobby_takes_members_up_to_ten_and_only_the_host_starts_with_two() -> None:
    session = _session()
    with pytest.raises(GroupRefusal, match="at least 2 members"):
        session.start("ana", T0)
    assert session.join("ben") is False
    with pytest.raises(GroupRefusal, match="already"):
        session.join("ben")
    with pytest.raises(GroupRefusal, match="Only the host"):
        session.start("ben", T0)
    assert [session.join(f"m{i}") for i in range(8)][-1] is True  # the tenth member fills it
    with pytest.raises(GroupRefusal, match="full"):
        session.join("late")


def test_answers_stay_hidden_until_the_reveal_and_each_is_taken_once() -> None:
    session = _session("ben", "cy")
    session.start("ana", T0)
    assert session.phase is Phase.ANSWERING and session.due_at == T0 + timedelta(minutes=5)
    played = session.answer("ben", "Randomise by user.", T0 + timedelta(seconds=30))
    assert not played.everyone_answered
    with pytest.raises(GroupRefusal, match="answered this question already"):
        session.answer("ben", "A second thought.", T0 + timedelta(seconds=40))
    with pytest.raises(GroupRefusal, match="not in this study group"):
        session.answer("dan", "I was only watching.", T0)
    with pytest.raises(GroupRefusal, match="Ratings for that question are closed"):
        session.rate("ana", "ben", 4, round_index=0)
    session.answer("ana", "Power analysis first.", T0 + timedelta(seconds=50))
    assert session.answer("cy", "Guardrail metrics.", T0 + timedelta(seconds=60)).everyone_answered


def test_a_leaver_is_not_expected_and_the_host_cannot_leave() -> None:
    session = _session("ben", "cy")
    session.start("ana", T0)
    session.leave("cy")
    assert session.current is not None and session.current.expected == ["ana", "ben"]
    with pytest.raises(GroupRefusal, match="press End"):
        session.leave("ana")


def test_ratings_are_taken_while_revealed_then_the_next_round_or_the_end() -> None:
    session = _session("ben")
    session.start("ana", T0)
    session.answer("ana", "x", T0)
    revealed = session.reveal(T0 + timedelta(minutes=1))
    assert session.due_at == T0 + timedelta(minutes=1 + RATING_MINUTES)
    session.rate("ben", "ana", 5, round_index=0)
    session.rate("ben", "ana", 4, round_index=0)  # changed before the next round: the last one counts
    with pytest.raises(GroupRefusal, match="from 1 to 5"):
        session.rate("ana", "ben", 6, round_index=0)
    assert revealed.ratings == {"ben": {"ana": 4}}
    assert session.next_round(T0 + timedelta(minutes=2)) is not None
    with pytest.raises(GroupRefusal, match="closed"):
        session.rate("ana", "ben", 3, round_index=0)  # a stale button of the first round
    session.skip("ana")
    assert session.next_round(T0 + timedelta(minutes=3)) is None and session.phase is Phase.FINISHED


def test_ending_before_any_reveal_leaves_nothing_to_score() -> None:
    session = _session("ben")
    session.start("ana", T0)
    with pytest.raises(GroupRefusal, match="Only the host"):
        session.end("ben")
    session.end("ana")
    assert session.phase is Phase.ENDED


def test_the_group_scorecard_ranks_by_the_coach_and_puts_calibration_in_words() -> None:
    session = _session("ben", "cy", planned=2)
    session.start("ana", T0)
    for user, score in (("ana", 8), ("ben", 4)):  # cy does not answer: "no answer", 1
        session.answer(user, f"{user}'s answer", T0).answers[user].grade = _graded(score)
    session.reveal(T0)
    session.rate("ben", "ben", 5, round_index=0)  # ben thinks highly of himself
    session.rate("ana", "ben", 2, round_index=0)
    session.rate("cy", "ben", 2, round_index=0)
    session.rate("ben", "ana", 4, round_index=0)
    session.next_round(T0)
    session.answer("ben", "second", T0).answers["ben"].grade = _graded(6)
    session.reveal(T0)
    session.next_round(T0)
    assert session.phase is Phase.FINISHED
    card = build_group_card(session, {"q1": "Design an A/B test.", "q2": "Explain overfitting."})
    assert [line.user for line in card.lines] == ["ben", "ana", "cy"]  # 5.0, 4.5, 1.0
    ben = card.lines[0]
    assert (ben.coach, ben.peers, ben.self_rating) == (5.0, 3.2, 10.0)
    assert gap_words(ben.self_vs_peers, "your peers") == "you rate yourself about 7 points above your peers"
    assert gap_words(0.5, "the coach") == "you rate yourself in line with the coach"
    assert [(b.user, b.score) for b in card.best] == [("ana", 8), ("ben", 6)]
    text = group_card_markdown(card, lambda u: {"ben": "Ben"}.get(u, u))
    assert "1. **Ben**: coach 5.0 · peers 3.2 · self 10.0 (2 of 2 answered)" in text
    assert "cy" in text and "Explain overfitting." in text
    assert rating_on_ten(3) == 5.5


def test_a_session_survives_storage_as_json_whole() -> None:
    session = _session("ben", "cy")
    session.start("ana", T0)
    session.answer("ben", "Randomise by user.", T0, source="voice").answers["ben"].grade = _graded(7)
    session.reveal(T0 + timedelta(minutes=1))
    session.rate("ana", "ben", 4, round_index=0)
    session.leave("cy")
    state = json.loads(json.dumps(session_state(session)))
    back = session_from_state(
        state, id=session.id, host=session.host, role=session.role, phase=session.phase.value, created_at=T0
    )
    assert back == session
    damaged = {"rounds": [{"opened_at": "not a time"}, {"opened_at": T0.isoformat(), "deadline": T0.isoformat(),
               "answers": {"x": "no dict"}, "ratings": {"y": {"z": "5"}}}]}  # fmt: skip
    read = session_from_state(damaged, id="g", host="ana", role="ds", phase="rating", created_at=T0)
    assert len(read.rounds) == 1 and read.rounds[0].answers == {} and read.rounds[0].ratings == {"y": {}}


def test_a_skip_or_next_shown_under_a_round_gone_by_is_refused() -> None:
    session = _session("ben", planned=3)
    session.start("ana", T0)
    session.control("ana", 1)  # under the open question: fine
    session.skip("ana")
    session.next_round(T0)
    with pytest.raises(GroupRefusal, match="moved on"):
        session.control("ana", 1)  # a second click on question 1's Skip must not skip question 2
    with pytest.raises(GroupRefusal, match="Only the host"):
        session.control("ben", 2)
    session.control("ana", 0)  # no round given: whichever is current


def test_an_answer_written_for_a_round_gone_by_is_refused_on_the_state_it_would_change() -> None:
    session = _session("ben", planned=3)
    session.start("ana", T0)
    session.skip("ana")
    session.next_round(T0)  # the host skipped question 1 while ben was writing to it
    with pytest.raises(GroupRefusal, match="has closed"):
        session.answer("ben", "My answer to question 1.", T0, at=1)
    assert session.answer("ben", "My answer to question 2.", T0, at=2).answers["ben"].text.endswith("2.")
