"""Ranking a pack's questions by a posting's requirements: the built-in coach tailors too, the same way every time."""

from __future__ import annotations

from core.tailoring.ranking import rank_questions
from tests.tailoring_support import CATALOG

DATA_SCIENCE = CATALOG.get("data-science")
SOFTWARE = CATALOG.get("software-engineering")


def test_questions_on_the_requirements_topics_come_first_with_the_requirement_they_match() -> None:
    requirements = [
        "Write complex SQL queries with window functions",
        "Design and analyse A/B tests",
        "Strong statistics: hypothesis testing, p-values",
    ]
    ranked = rank_questions(DATA_SCIENCE, requirements)
    top = {r.question.topic: r.requirement for r in ranked[:3]}
    assert top == {
        "SQL": "Write complex SQL queries with window functions",
        "Statistics": "Strong statistics: hypothesis testing, p-values",
        "Experiment design": "Design and analyse A/B tests",
    }
    scores = [r.score for r in ranked]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0


def test_every_question_is_ranked_once_and_unmatched_ones_keep_the_packs_order() -> None:
    ranked = rank_questions(SOFTWARE, ["Debug production incidents"])
    assert sorted(r.question.id for r in ranked) == sorted(q.id for q in SOFTWARE.questions)
    assert ranked[0].question.topic == "Production incidents" and ranked[0].requirement == "Debug production incidents"
    unmatched = [r.question.id for r in ranked if r.requirement is None]
    assert unmatched == [q.id for q in SOFTWARE.questions if q.id in unmatched]
    assert all(r.score == 0 for r in ranked if r.requirement is None)


def test_no_requirements_or_unrelated_ones_leave_the_pack_as_it_is() -> None:
    for requirements in ([], ["Bake croissants at dawn"]):
        ranked = rank_questions(DATA_SCIENCE, requirements)
        assert [r.question for r in ranked] == list(DATA_SCIENCE.questions)
        assert {(r.requirement, r.score) for r in ranked} == {(None, 0.0)}


def test_ranking_is_deterministic_and_a_result_is_a_plain_triple() -> None:
    requirements = ["Feature engineering for tabular data", "Causal inference", "Communicate results"]
    first = rank_questions(DATA_SCIENCE, requirements)
    assert first == rank_questions(DATA_SCIENCE, requirements)
    question, requirement, score = first[0]
    assert question in DATA_SCIENCE.questions and requirement in requirements and score > 0
