"""Model-written questions: the schema a model answers in, and each item accepted or rejected with a reason."""

from __future__ import annotations

from typing import Any

import pytest

from core.tailoring.generated import GeneratedQuestion, GeneratedQuestions, check_generated, generated_schema
from tests.tailoring_support import CATALOG

PACK = CATALOG.get("data-science")
REQUIREMENTS = ["Build churn models in Python", "Design and analyse A/B tests", "Explain results to stakeholders"]


def _item(**changes: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "question": "How would you decide which customers a churn model should flag for a retention offer?",
        "key_points": ["Define churn and a prediction window", "Pick a threshold from the cost of offers"],
        "hint": "Think about what a false positive costs compared with a missed churner.",
        "requirement": "Build churn models in Python",
    }
    return item | changes


def _reason(**changes: Any) -> str:
    checked = check_generated([_item(**changes)], PACK, REQUIREMENTS)
    assert checked.accepted == [] and len(checked.rejected) == 1
    return checked.rejected[0].reason


def test_the_schema_describes_a_list_of_questions_with_key_points_hint_and_requirement() -> None:
    schema = generated_schema()
    item = schema["$defs"]["GeneratedQuestion"]
    assert schema["required"] == ["questions"]
    assert set(item["properties"]) == {"question", "key_points", "hint", "requirement"}
    assert item["properties"]["key_points"]["type"] == "array"
    parsed = GeneratedQuestions.model_validate({"questions": [_item()], "note": "ignored"})
    assert parsed.questions[0].requirement == "Build churn models in Python"


def test_a_good_item_is_accepted_with_the_requirement_as_the_posting_wrote_it() -> None:
    checked = check_generated(
        [_item(requirement="build churn models in python"), _item(question=_item()["question"], requirement=None)],
        PACK,
        REQUIREMENTS,
    )
    assert [q.requirement for q in checked.accepted] == ["Build churn models in Python"]
    assert [r.reason for r in checked.rejected] == ["it repeats another generated question"]
    assert isinstance(checked.accepted[0], GeneratedQuestion)


def test_a_requirement_quoted_with_small_changes_is_matched_and_an_invented_one_is_refused() -> None:
    close = check_generated([_item(requirement="Design and analyse A/B test")], PACK, REQUIREMENTS)
    assert close.accepted[0].requirement == "Design and analyse A/B tests"
    assert _reason(requirement="Manage a Kubernetes cluster") == "its requirement is not one of the posting's"
    assert _reason(requirement=None) == "its requirement is not one of the posting's"


def test_with_no_requirements_given_the_requirement_is_dropped() -> None:
    checked = check_generated([_item(requirement="Anything at all")], PACK, [])
    assert len(checked.accepted) == 1 and checked.accepted[0].requirement is None


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"question": "Why churn?"}, "the question is 10 characters, not 20–300"),
        ({"question": "How would you model churn " + "and more " * 40 + "?"}, "characters, not 20–300"),
        ({"question": "Tell me about your churn model in detail."}, "not exactly one question"),
        ({"question": "What is churn? How would you model it?"}, "not exactly one question"),
        ({"question": "How would you model churn? Explain in detail."}, "not exactly one question"),
        ({"question": "What is churn. How would you model it?"}, "two questions joined into one"),
        ({"question": "How is churn defined; and what would you model?"}, "two questions joined into one"),
        ({"question": PACK.questions[0].text}, "it repeats a question of the role pack"),
        ({"question": PACK.questions[1].text.replace("actually ", "").upper()}, "repeats a question of the role pack"),
        ({"key_points": ["Define churn"]}, "it has 1 key points, not 2–6"),
        ({"key_points": [f"Point number {n}" for n in range(7)]}, "it has 7 key points, not 2–6"),
        ({"key_points": ["Define churn", "x"]}, "a key point is not 3–120 characters"),
        ({"key_points": ["Define churn", "define churn."]}, "two key points are the same"),
        ({"hint": ""}, "the hint is missing"),
    ],
)
def test_bad_items_are_rejected_with_a_reason(changes: dict[str, Any], reason: str) -> None:
    assert reason in _reason(**changes)


def test_decimals_abbreviations_and_an_instruction_before_the_question_are_one_question() -> None:
    for question in (
        "Describe your last churn model. How would you improve it today?",
        "Your model's AUC went from 0.71 to 0.74: how would you tell whether that matters?",
        "How would you handle a skewed target, e.g. how would you weight the classes?",
    ):
        assert len(check_generated([_item(question=question)], PACK, REQUIREMENTS).accepted) == 1, question


def test_items_in_the_wrong_shape_are_rejected_alone_and_the_rest_are_kept() -> None:
    other = _item(question="How would you explain a lift chart to a sales director who has never seen one?")
    checked = check_generated([{"question": "No key points at all here?"}, other, "junk"], PACK, REQUIREMENTS)  # type: ignore[list-item]
    assert [q.question for q in checked.accepted] == [other["question"]]
    assert [(r.index, r.reason.split(":")[0]) for r in checked.rejected] == [
        (0, "not in the expected shape"),
        (2, "not in the expected shape"),
    ]
