"""The rule that turns the model's per-criterion judgements into the 1-10 score (core/coaching/criteria.py)."""

from __future__ import annotations

import math

import pytest

from core.coaching.criteria import Criterion, combine, counted_level, parse_level
from core.coaching.model_grader import GRADE_SCHEMA, grade_from_data
from core.coaching.prompts import render
from tests.fakes.openai_grading import LEVELS_FOR_SCORE

COVERAGE, DEPTH, STRUCTURE = Criterion.COVERAGE, Criterion.DEPTH, Criterion.STRUCTURE


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2, 2),
        (2.6, 3),
        (0.5, 1),  # half up, not to the even neighbour
        ("2", 2),
        (" 3 ", 3),
        ("2.0", 2),
        ("2/3", 2),
        (-1, 0),
        (10**400, 3),  # too big for a float
        (7, 3),
        ("9", 3),
        (True, None),  # a bool is no level, though Python counts it as an int
        (None, None),
        ("high", None),
        ("", None),
        (math.nan, None),
        (math.inf, None),
        ([2], None),
    ],
)
def test_levels_are_read_leniently_and_kept_within_the_scale(value: object, expected: int | None) -> None:
    assert parse_level(value) == expected


@pytest.mark.parametrize(
    ("levels", "score"),
    [
        ((0, 0, 0), 1),
        ((3, 3, 3), 10),
        ((2, 2, 2), 7),
        ((3, 2, 1), 8),
        ((2, 3, 2), 8),
        ((1, 1, 2), 5),  # 7 points of 18: 4.5 rounds half up
        ((1, 0, 0), 3),
        ((3, 0, 0), 6),  # every key point, nothing else: 9 of 18 points, 5.5 rounds half up
    ],
)
def test_weighted_levels_map_onto_1_to_10(levels: tuple[int, int, int], score: int) -> None:
    assert combine(dict(zip((COVERAGE, DEPTH, STRUCTURE), levels, strict=True))) == score


def test_coverage_weighs_most_then_depth_then_structure() -> None:
    def one_up(criterion: Criterion) -> int | None:
        levels = {COVERAGE: 1, DEPTH: 1, STRUCTURE: 1}
        levels[criterion] = 3
        return combine(levels)

    assert one_up(COVERAGE) is not None and one_up(DEPTH) is not None and one_up(STRUCTURE) is not None
    assert one_up(COVERAGE) > one_up(DEPTH) > one_up(STRUCTURE)


def test_a_polished_answer_that_covers_no_key_point_scores_at_most_3() -> None:
    assert combine({COVERAGE: 0, DEPTH: 3, STRUCTURE: 3}) == 3  # 9 of 18 points would have given 6
    assert combine({COVERAGE: 0, DEPTH: 1, STRUCTURE: 0}) == 2  # below the cap the points still count


def test_criteria_left_out_leave_the_sum_with_their_weight() -> None:
    assert combine({COVERAGE: 2}) == 7  # 6 of 9
    assert combine({COVERAGE: 3, DEPTH: 3}) == 10
    assert combine({COVERAGE: 1, STRUCTURE: 3}) == 6  # 6 of 12: 5.5 rounds half up


def test_without_coverage_there_is_no_score() -> None:
    assert combine({}) is None
    assert combine({DEPTH: 3, STRUCTURE: 3}) is None


def test_levels_outside_the_scale_are_clamped_before_they_count() -> None:
    assert combine({COVERAGE: 9, DEPTH: 9, STRUCTURE: 9}) == 10
    assert combine({COVERAGE: -4, DEPTH: 0, STRUCTURE: 0}) == 1


@pytest.mark.parametrize(
    ("criterion", "level", "evidenced", "counted"),
    [
        (COVERAGE, 3, False, 1),  # no quote found in the answer: trusted for "some" at most
        (DEPTH, 2, False, 1),
        (COVERAGE, 1, False, 1),
        (COVERAGE, 0, False, 0),
        (COVERAGE, 3, True, 3),
        (STRUCTURE, 3, False, 3),  # structure is judged on the whole answer: no quote needed
    ],
)
def test_a_judgement_above_some_needs_a_quote_from_the_answer(
    criterion: Criterion, level: int, evidenced: bool, counted: int
) -> None:
    assert counted_level(criterion, level, evidenced=evidenced) == counted


def test_the_fake_models_judgements_combine_into_the_score_it_always_gave() -> None:
    # The fake grades 2 + words // 8; older tests rely on those numbers, so its levels must combine to them.
    assert sorted(LEVELS_FOR_SCORE) == list(range(1, 11))
    for score, (coverage, depth, structure) in LEVELS_FOR_SCORE.items():
        assert combine({COVERAGE: coverage, DEPTH: depth, STRUCTURE: structure}) == score


def test_the_schema_asks_for_quotes_before_each_level_and_for_no_overall_number() -> None:
    properties = GRADE_SCHEMA["properties"]
    judged = properties["score"]
    assert judged["type"] == "object"  # the model gives no number of its own for the whole answer
    assert list(judged["properties"]) == [c.value for c in Criterion]
    for criterion in judged["properties"].values():
        assert list(criterion["properties"]) == ["evidence", "level"]
        assert criterion["required"] == ["evidence", "level"] and criterion["additionalProperties"] is False
    assert list(properties).index("score") < list(properties).index("feedback")
    # Strict structured output needs every property required; a reply shaped like the older one still passes.
    assert GRADE_SCHEMA["required"] == list(properties)
    assert set(GRADE_SCHEMA["required"]) <= {"score", "feedback", "strength", "improvement", "injection_detected"}


def test_the_prompt_writes_out_the_anchors_of_every_level() -> None:
    system = render("grader_system")
    for criterion in Criterion:
        assert f'"{criterion.value}"' in system
    for level in ("0 =", "1 =", "2 =", "3 ="):
        assert system.count(level) == len(Criterion), level
    assert "evidence" in system and "before" in system


@pytest.mark.parametrize(("value", "score"), [(7, 7), ("7", 7), ("7/10", 7), (" 8.4 ", 8), (12, 10)])
def test_an_older_single_score_reply_is_read_as_a_number(value: object, score: int) -> None:
    grade = grade_from_data({"score": value, "feedback": "Fine.", "injection_detected": False}, "")
    assert grade.score == score and grade.grader == "model"
