"""Grading rules, key-point matching and the offline grader on real pack questions."""

from __future__ import annotations

import pytest

from core.coaching.flow import GradeRequest
from core.coaching.keypoints import measure_coverage
from core.coaching.model_grader import grade_from_data
from core.coaching.offline import grade_offline
from core.coaching.rules import apply_grade_rules, clamp_score
from core.domain.commands import parse_command
from core.domain.models import Grade, TurnKind
from core.domain.roles import KeyPoint, load_catalog
from core.domain.text import is_stuck_answer
from tests.support import strong_answer

BIAS = KeyPoint(point="Bias causes underfitting", terms=("bias", "underfit", "too simple"))
REG = KeyPoint(point="Regularization limits complexity", terms=("regularization", "l2 penalty"))
SQL = KeyPoint(point="Use SQL window functions", terms=("sql", "window function"))


@pytest.mark.parametrize(
    ("answer", "covered"),
    [
        ("The model is underfitting badly.", {"Bias causes underfitting"}),
        ("We used regularisation, an L2-penalty in fact.", {"Regularization limits complexity"}),
        ("Regularizing helped.", {"Regularization limits complexity"}),
        ("I'd write a query with a windowed function in SQL.", {"Use SQL window functions"}),
        ("Sequel databases are fine; the windows were open.", set()),  # acronyms match exactly, words in order
        ("Variance and noise only.", set()),
    ],
)
def test_key_point_matching_tolerates_spelling_and_inflection(answer: str, covered: set[str]) -> None:
    coverage = measure_coverage(answer, (BIAS, REG, SQL))
    assert {kp.point for kp in coverage.covered} == covered
    assert len(coverage.covered) + len(coverage.missed) == 3


@pytest.mark.parametrize(("value", "expected"), [(11, 10), (0, 1), ("7", 7), (6.6, 7), ("ten", 1), (None, 1), (-3, 1)])
def test_scores_are_clamped(value: object, expected: int) -> None:
    assert clamp_score(value) == expected


def test_one_liners_hinted_answers_and_stuck_answers_are_capped() -> None:
    high = Grade(score=9, feedback="Great.")
    assert apply_grade_rules(high, answer="Overfitting.", kind=TurnKind.QUESTION).score == 3
    assert "one-line" in apply_grade_rules(high, answer="Overfitting.", kind=TurnKind.QUESTION).feedback
    long_answer = "word " * 40
    assert apply_grade_rules(high, answer=long_answer, kind=TurnKind.QUESTION).score == 9
    assert apply_grade_rules(Grade(score=10, feedback=""), answer=long_answer, kind=TurnKind.HINT).score == 8
    assert apply_grade_rules(high, answer="I don't know", kind=TurnKind.QUESTION).score == 1


@pytest.mark.parametrize("text", ["I don't know", "idk", "Um, no idea.", "I'm not sure", "dunno"])
def test_stuck_answers_are_recognised(text: str) -> None:
    assert is_stuck_answer(text)


@pytest.mark.parametrize("text", ["I don't know the exact figure, but churn is driven by onboarding and price.", "No."])
def test_real_answers_are_not_stuck(text: str) -> None:
    assert not is_stuck_answer(text)


@pytest.mark.parametrize(("text", "command"), [("hint", "hint"), ("/Skip", "skip"), ("End.", "end"), ("next", "skip")])
def test_command_words(text: str, command: str) -> None:
    assert parse_command(text) == command
    assert parse_command(f"{text} because I want to") is None


def test_offline_grades_rank_strong_over_partial_over_off_topic_on_every_pack() -> None:
    for pack in load_catalog().packs.values():
        for question in pack.questions:

            def grade(answer: str, question=question, pack=pack) -> Grade:
                request = GradeRequest(
                    pack, TurnKind.QUESTION, question.text, answer, question.key_points, question.text
                )
                return apply_grade_rules(grade_offline(request), answer=answer, kind=TurnKind.QUESTION)

            strong = grade(strong_answer(question))
            off_topic = grade(
                "I like to go hiking at weekends with my family and friends when the weather is nice and sunny."
            )
            assert strong.score >= 8, (pack.id, question.id, strong)
            assert off_topic.score <= 3, (pack.id, question.id, off_topic)
            assert strong.covered and not strong.missed and off_topic.missed


def test_model_grade_keeps_only_evidence_that_is_really_in_the_answer() -> None:
    answer = "We added an index on user_id, and latency fell from 900 ms to 40 ms."
    grade = grade_from_data(
        {
            "score": 8,
            "feedback": "Good.",
            "evidence": ["index on user_id", "we rewrote everything in Rust"],
            "injection_detected": False,
        },
        answer,
    )
    assert grade.evidence == ("index on user_id",)


@pytest.mark.parametrize(
    ("term", "word", "same"),
    [
        ("underfit", "underfitting", True),
        ("cache", "caching", True),
        ("prioritise", "prioritize", True),
        ("regression", "regresion", True),
        ("under", "underlying", False),
        ("realise", "really", False),
        ("project", "protect", False),
        ("compa", "company", False),
    ],
)
def test_word_matching_accepts_inflections_and_typos_but_not_lookalikes(term: str, word: str, same: bool) -> None:
    point = KeyPoint(point="A point", terms=(term,))
    assert bool(measure_coverage(f"We talked about {word} today.", (point,)).covered) is same


def test_a_polished_answer_without_substance_scores_at_most_3() -> None:
    vague = (
        "I think this is really important and I would approach it carefully. First I would understand the situation, "
        "talk to the people involved and look at the data. Then I would make a plan, communicate it clearly, and "
        "deliver on time. In my last job we had something similar and it went well because we worked together."
    )
    pack = load_catalog().get("data-science")
    grades = [
        grade_offline(GradeRequest(pack, TurnKind.QUESTION, q.text, vague, q.key_points, q.text))
        for q in pack.questions
    ]
    empty = [g for g in grades if not g.covered]
    assert len(empty) >= len(grades) - 2  # the vague answer really says nothing these questions look for
    assert {g.score for g in empty} == {3}  # depth, example and structure alone would have given 4


def test_a_model_grade_field_with_no_words_is_left_empty_not_shown() -> None:
    # What SmolLM2-135M on llama.cpp wrote as feedback (docs/real-servers.md): it parses, but says nothing.
    grade = grade_from_data({"score": 4, "feedback": "{", "strength": "...", "improvement": "Name one metric."}, "")
    assert (grade.score, grade.feedback, grade.strength, grade.improvement) == (4, "", "", "Name one metric.")
    assert grade_from_data({"score": 4, "feedback": "出色", "strength": "7/10"}, "").feedback == "出色"
