"""Try a question again: a one-question interview that asks a finished interview's main question once more, with no
follow-ups, and says how the score moved. The finished interview is never changed: its attempts are the retries that
name it (state["retry_of"]), read back for its report."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.coaching.scorecard import SummaryText, overall_score
from core.domain.models import Grade, Interview, InterviewStatus, Turn
from core.domain.replies import Reply, ReplyCode, private_note
from core.domain.text import join_phrases, shorten

Tries = dict[int, list[dict[str, Any]]]  # an interview's turn seq -> its later attempts, oldest first


class CannotRetry(ValueError):
    """That turn cannot be tried again; the message says why, in the candidate's words."""


def cannot_try_again(text: str) -> Reply:
    """Why a question cannot be tried again, shown only to the person who asked (a button in a shared thread)."""
    return private_note(text, ReplyCode.CANNOT_TRY_AGAIN)


@dataclass(frozen=True)
class RetryTarget:
    """The turn to try again, and the main question it belongs to."""

    interview_id: str
    seq: int
    question_id: str
    score: int | None
    covered: tuple[str, ...] = ()  # the key points the first answer covered

    def state(self) -> dict[str, Any]:
        """What the retry keeps in its state, to say how the score moved and to be found by its original."""
        return {"interview_id": self.interview_id, "seq": self.seq, "score": self.score, "covered": list(self.covered)}


def retry_target(interview: Interview, seq: int) -> RetryTarget:
    """The main question of the interview's turn seq, to ask again; CannotRetry when there is none to ask."""
    if interview.retry_of:
        raise CannotRetry("That was already a second try: try the question again from the interview it came from.")
    if interview.status is not InterviewStatus.COMPLETED:
        raise CannotRetry("Only a finished interview's questions can be tried again: finish this one first.")
    turn = next((t for t in interview.turns if t.seq == seq), None)
    plan: list[str] = interview.state.get("plan", [])
    if turn is None or turn.question_index is None or not 0 <= turn.question_index < len(plan):
        count = len(interview.turns)
        raise CannotRetry(f"That interview has no answer {seq}: give a number from 1 to {count}.")
    main = next((t for t in interview.turns if t.question_index == turn.question_index), turn)
    covered = tuple(main.grade.covered) if main.grade is not None else ()
    return RetryTarget(interview.id, main.seq, plan[turn.question_index], main.answer_score, covered)


def retry_summary(link: dict[str, Any], turn: Turn | None) -> SummaryText:
    """How the score moved, from the retry's link to its first try: "4 → 7: you now cover the holdout and ..." """
    after = turn.grade if turn is not None and turn.answer is not None else None
    if after is None:
        return SummaryText("No new answer was given, so the score stands.")
    before = link.get("score")
    line = f"{before if before is not None else 'no score'} → {after.score}"
    covered_before = set(link.get("covered") or ())
    gained = [point for point in after.covered if point not in covered_before]
    if gained and (before is None or after.score > before):
        points = [shorten(p[:1].lower() + p[1:].rstrip("."), 70) for p in gained[:2]]
        return SummaryText(f"{line}: you now cover {join_phrases(points)}.")
    if before is not None and after.score < before:
        return SummaryText(f"{line}: the first answer was stronger; its feedback is in the first interview's report.")
    return SummaryText(f"{line}.")


def attempts(original: Interview, retries: Sequence[Interview]) -> Tries:
    """The original's turn seq -> its later attempts (oldest first), from the retries that name it."""
    out: Tries = {}
    for retry in retries:
        link = retry.retry_of or {}
        answered = next((t for t in retry.turns if t.answer is not None), None)
        if link.get("interview_id") != original.id or answered is None:
            continue
        out.setdefault(int(link.get("seq", 0)), []).append(
            {
                "interview_id": retry.id,
                "answer": answered.answer,
                "score": answered.grade.score if answered.grade else None,
                "answered_at": answered.answered_at.isoformat() if answered.answered_at else None,
            }
        )
    return out


def best_overall(original: Interview, tries: Tries) -> float | None:
    """The overall with each main question's best attempt in place of its first (None when nothing was scored)."""
    turns = []
    for turn in original.turns:
        scores = [a["score"] for a in tries.get(turn.seq, []) if a["score"] is not None]
        first = turn.answer_score
        if scores and (first is None or max(scores) > first):
            best = Grade(max(scores), "")
            turn = dataclasses.replace(turn, grade=best, answer=turn.answer or "", skipped=False, hint_requested=False)
        turns.append(turn)
    return overall_score(turns)
