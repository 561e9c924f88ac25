"""A pack's questions ordered by how well they probe a posting's requirements, so the built-in coach tailors too."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from core.domain.roles import Question, RolePack
from core.tailoring.vocabulary import content_words, inverse_frequency, key_point_words

# Below this a question shares only a common word or two with a requirement: no match to name.
MIN_SCORE = 1.0
_TOPIC_WEIGHT = 2.0  # a requirement naming a question's topic ("SQL", "A/B testing") is the strongest sign


class RankedQuestion(NamedTuple):
    """A question, the requirement it matches best (None when none does) and how well, highest first."""

    question: Question
    requirement: str | None
    score: float


def rank_questions(pack: RolePack, requirements: Sequence[str]) -> list[RankedQuestion]:
    """The pack's questions, best match for the requirements first; ties keep the pack's order. Deterministic."""
    vocabularies = [_question_words(q) for q in pack.questions]
    rarity = inverse_frequency(vocabularies)  # a word in every question ("data" in a data pack) tells little
    wanted = [(r, set(content_words(r))) for r in requirements]
    ranked: list[tuple[RankedQuestion, int]] = []
    for index, (question, vocabulary) in enumerate(zip(pack.questions, vocabularies, strict=True)):
        best: str | None = None
        best_score = 0.0
        for requirement, words in wanted:
            score = sum(vocabulary.get(w, 0.0) * rarity.get(w, 0.0) for w in words)
            if score > best_score:  # strictly: among equals the first requirement listed wins
                best, best_score = requirement, score
        if best_score < MIN_SCORE:
            best, best_score = None, 0.0
        ranked.append((RankedQuestion(question, best, round(best_score, 3)), index))
    ranked.sort(key=lambda item: (-item[0].score, item[1]))
    return [item for item, _ in ranked]


def _question_words(question: Question) -> dict[str, float]:
    """Stem -> weight for a question: its topic's words weigh double its key points' (text and terms)."""
    weights: dict[str, float] = {}
    for point in question.key_points:
        for word in key_point_words(point):
            weights[word] = 1.0
    for word in content_words(question.topic):
        weights[word] = _TOPIC_WEIGHT
    return weights
