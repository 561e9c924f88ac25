"""Rules every grade obeys, whoever graded: clamped to 1-10, short answers capped, hinted answers capped."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, SupportsFloat, SupportsIndex

from core.coaching.injection import Screened, screen_answer
from core.domain.models import Grade, TurnKind
from core.domain.text import is_stuck_answer, word_count

if TYPE_CHECKING:
    from core.coaching.flow import GradeRequest

SHORT_ANSWER_WORDS = 15  # fewer words than this is a one-liner: it cannot score above SHORT_ANSWER_CAP
SHORT_ANSWER_CAP = 3
HINTED_ANSWER_CAP = 8  # an answer given after a hint shows less independent knowledge
STUCK_SCORE = 1


def clamp_score(value: object) -> int:
    """Any model-given score as an int in 1..10 (garbage becomes 1)."""
    if not isinstance(value, str | bytes | bytearray | memoryview | SupportsFloat | SupportsIndex):
        return 1  # float() would raise TypeError
    try:
        score = round(float(value))
    except (TypeError, ValueError, OverflowError):
        return 1
    return max(1, min(10, score))


def apply_grade_rules(grade: Grade, *, answer: str, kind: TurnKind, screened: Screened | None = None) -> Grade:
    """The grade with the product's caps applied, and a line of feedback saying why a cap applied.

    screened: the answer already screened (GradeRequest.screened), which spares screening it again.
    """
    score = clamp_score(grade.score)
    # The caps judge what was said to the interviewer, not to the grader.
    answer = (screened or screen_answer(answer)).text
    notes: list[str] = []
    if is_stuck_answer(answer):
        score = STUCK_SCORE
    elif word_count(answer) < SHORT_ANSWER_WORDS and score > SHORT_ANSWER_CAP:
        score = SHORT_ANSWER_CAP
        notes.append(f"A one-line answer scores at most {SHORT_ANSWER_CAP}: develop it into a few sentences.")
    if kind is TurnKind.HINT and score > HINTED_ANSWER_CAP:
        score = HINTED_ANSWER_CAP
        notes.append(f"Answers given after a hint score at most {HINTED_ANSWER_CAP}.")
    feedback = " ".join([grade.feedback.strip(), *notes]).strip()
    return replace(grade, score=score, feedback=feedback)


def apply_request_rules(grade: Grade, request: GradeRequest) -> Grade:
    """apply_grade_rules for the answer of request, screened once already (GradeRequest.screened)."""
    return apply_grade_rules(grade, answer=request.answer, kind=request.kind, screened=request.screened)
