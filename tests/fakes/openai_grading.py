"""The fake model's grading replies: longer answers score higher, 2 + words // 8 (at most 10).

A prompt that asks for per-criterion judgements (ours, prompts/grader_system.md) gets them, each with quotes from the
answer before its level, in levels that core/coaching/criteria.py combines into that score; a bare grading prompt
(the chat client's own tests) gets the single-score reply older prompts asked for.
"""

from __future__ import annotations

from typing import Any

CRITERIA_ASKED = "judge each criterion"  # a phrase of our grader prompt, never of the schema sent with it
# (coverage, depth, structure) levels the combining rule turns into each score (tests/test_criteria_grading.py).
LEVELS_FOR_SCORE: dict[int, tuple[int, int, int]] = {
    1: (0, 0, 0),
    2: (0, 1, 0),
    3: (1, 0, 1),
    4: (1, 1, 1),
    5: (2, 1, 0),
    6: (2, 1, 2),
    7: (2, 2, 2),
    8: (3, 2, 1),
    9: (3, 3, 1),
    10: (3, 3, 3),
}


def grade_reply(system_text: str, answer: str) -> dict[str, Any]:
    """The reply to a grading request whose system messages read system_text, for this candidate answer."""
    words = answer.split()
    score = min(10, 2 + len(words) // 8)
    injected = "ignore previous" in answer.lower()
    notes = {
        "feedback": "Clear answer; add a concrete example and the trade-offs you weighed.",
        "strength": "Explains the core idea clearly.",
        "improvement": "Quantify the impact and name the alternatives.",
    }
    if CRITERIA_ASKED not in system_text.lower():
        return {"score": score, **notes, "evidence": [" ".join(words[:6])], "injection_detected": injected}
    coverage, depth, structure = LEVELS_FOR_SCORE[score]
    judged = {
        "coverage": {"evidence": [" ".join(words[:6])], "level": coverage},
        "depth": {"evidence": [" ".join(words[-6:])], "level": depth},
        "structure": {"evidence": [], "level": structure},
    }
    return {"injection_detected": injected, "score": judged, **notes}
