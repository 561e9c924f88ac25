"""Spaced review: the main questions a person answered worst come back on a schedule until they answer them well.

A question enters the schedule when its answer scores 5 or less, and comes back 1 day later; each review that does not
reach 8 moves it to the next interval (3 days, then 7, then every 7); an answer scoring 8 or more takes it out (a later
one scoring 5 or less puts it back at 1 day). Only the first answer to a main question counts, not its follow-ups.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.domain.models import Interview, TurnKind
from core.domain.roles import RolePack
from core.interview.plan import pack_question

REVIEW_DAYS = (1, 3, 7)  # the intervals, in days, after an answer that keeps a question in the schedule
ENTERS_AT = 5  # a score at or below this puts a question on the schedule
LEAVES_AT = 8  # a score at or above this takes it off


@dataclass(frozen=True)
class ReviewItem:
    """A question on the schedule: when it is due, and its last score."""

    question_id: str
    due_at: datetime
    last_score: int


def review_schedule(interviews: Sequence[Interview], pack: RolePack) -> list[ReviewItem]:
    """Every question of the pack on this person's schedule, soonest due first (the worst first among equals)."""
    answers: dict[str, list[tuple[datetime, int]]] = defaultdict(list)
    for interview in interviews:
        if interview.role != pack.id:
            continue
        for turn in interview.turns:
            if turn.kind is not TurnKind.QUESTION or turn.grade is None or turn.answered_at is None:
                continue
            question = pack_question(pack, interview, turn.question_index)
            if question is not None:
                answers[question.id].append((turn.answered_at, turn.grade.score))
    items = [item for qid, scored in answers.items() if (item := _scheduled(qid, sorted(scored))) is not None]
    return sorted(items, key=lambda i: (i.due_at, i.last_score, i.question_id))


def due_questions(schedule: Sequence[ReviewItem], now: datetime) -> list[ReviewItem]:
    """The items due by now, the lowest last score first."""
    return sorted((i for i in schedule if i.due_at <= now), key=lambda i: (i.last_score, i.due_at, i.question_id))


def _scheduled(question_id: str, scored: list[tuple[datetime, int]]) -> ReviewItem | None:
    """Where one question stands after its answers (oldest first): None when it is off the schedule."""
    step: int | None = None  # None: off the schedule; else an index into REVIEW_DAYS
    for _, score in scored:
        if score >= LEAVES_AT:
            step = None
        elif step is not None:
            step = min(step + 1, len(REVIEW_DAYS) - 1)
        elif score <= ENTERS_AT:
            step = 0
    if step is None:
        return None
    answered_at, score = scored[-1]
    return ReviewItem(question_id, answered_at + timedelta(days=REVIEW_DAYS[step]), score)
