"""The end-of-interview scorecard, assembled from stored grades so it is ready at once."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from core.coaching.graded_by import graded_by, grader_of
from core.domain.models import Interview, Turn, TurnKind
from core.domain.replies import Scorecard, ScoreItem
from core.domain.text import counted
from core.tailoring.fit import fit_of
from core.voice.delivery import Delivery, describe, interview_delivery, turn_delivery

SKIPPED_SCORE = 1  # a skipped question counts in the overall score as a missed one would in a real interview


TRY_AGAIN_BUTTONS = 3  # "Try again" buttons under a scorecard at most
TRY_AGAIN_BELOW = 8  # an answer scored this or more is not offered again


@dataclass(frozen=True)
class SummaryText:
    """The narrative part of a scorecard."""

    summary: str
    strengths: tuple[str, ...] = ()
    focus_next: tuple[str, ...] = ()


def item_status(turn: Turn) -> str:
    """graded | ungraded | skipped | hint_requested | unanswered."""
    if turn.skipped:
        return "skipped"
    if turn.hint_requested:
        return "hint_requested"
    if turn.answer is None:
        return "unanswered"
    return "graded" if turn.grade else "ungraded"


def overall_score(turns: list[Turn]) -> float | None:
    """Mean of graded answers, skipped questions counting as SKIPPED_SCORE; None when nothing counts."""
    scores = [t.grade.score for t in turns if t.answer is not None and t.grade]
    scores += [SKIPPED_SCORE for t in turns if t.skipped]
    if not scores:
        return None
    return round(sum(scores) / len(scores), 1)


def answered_main_questions(interview: Interview) -> int:
    """How many planned main questions got at least one answer."""
    return len({t.question_index for t in interview.turns if t.answer is not None and t.question_index is not None})


def format_score(value: float | None) -> str:
    """A score for people: "7/10" for an answer, "6.5/10" for an overall mean, "–" when there is none."""
    if value is None:
        return "–"
    return f"{value}/10" if isinstance(value, int) else f"{value:.1f}/10"


def band(score: float | None) -> str:
    """A plain-words reading of an overall score."""
    if score is None:
        return "not scored"
    if score >= 8.5:
        return "interview-ready"
    if score >= 7:
        return "strong, with a few gaps"
    if score >= 5:
        return "getting there"
    return "keep practising"


def offline_summary(interview: Interview, overall: float | None) -> SummaryText:
    """A summary written from the grades alone, without a model."""
    grades = [t.grade for t in interview.turns if t.grade and t.answer is not None]
    answered = answered_main_questions(interview)
    if overall is None:
        return SummaryText("No answers were graded, so there is no score yet. Start a new interview when ready.")
    text = (
        f"You answered {answered} of {counted(interview.planned_questions, 'main question')}; overall {overall:.1f}/10 "
        f"({band(overall)})."
    )
    best = sorted(grades, key=lambda g: -g.score)[:2]
    # Only answers that went well earn a strength on the summary; duplicates say nothing new.
    strengths = tuple(dict.fromkeys(g.strength for g in best if g.strength and g.score >= 6))
    missed = Counter(point for g in grades for point in g.missed)
    focus = [point for point, _ in missed.most_common(3)]
    if not focus:
        worst = sorted(grades, key=lambda g: g.score)[:2]
        focus = [g.improvement for g in worst if g.improvement]
    return SummaryText(text, strengths, tuple(dict.fromkeys(focus))[:3])


def build_scorecard(interview: Interview, *, role_title: str, summary: SummaryText) -> Scorecard:
    """The scorecard of an interview from its stored turns."""
    items = tuple(
        ScoreItem(
            seq=t.seq,
            kind=t.kind.value,
            question=t.question,
            answer=t.answer,
            score=t.answer_score,
            feedback=t.grade.feedback if t.grade else _feedback_without_grade(t),
            strength=t.grade.strength if t.grade else "",
            improvement=t.grade.improvement if t.grade else "",
            status=item_status(t),
            delivery=_delivery_line(turn_delivery(t)),
            grader=grader_of(t.grade) if t.grade and t.answer is not None else "",
        )
        for t in interview.turns
    )
    graded_line, mixed = graded_by(interview.turns)
    fit = fit_of(interview)
    return Scorecard(
        interview_id=interview.id,
        role=interview.role,
        role_title=role_title,
        overall_score=interview.overall_score,
        answered=answered_main_questions(interview),
        planned_questions=interview.planned_questions,
        items=items,
        summary=summary.summary,
        strengths=summary.strengths,
        focus_next=summary.focus_next,
        delivery=_delivery_line(interview_delivery(interview.turns)),
        graded_by=graded_line,
        mixed_graders=mixed,
        try_again=weakest_main_answers(interview),
        fit=fit.covered,
        unreached=fit.unreached,
    )


def weakest_main_answers(interview: Interview, most: int = TRY_AGAIN_BUTTONS) -> tuple[int, ...]:
    """The seqs of the main questions worth answering again, the lowest scored first: skipped ones and those scored
    below 8; none for an interview that is itself a second try."""
    if interview.retry_of:
        return ()
    scored = [
        (SKIPPED_SCORE if t.skipped else t.answer_score, t.seq) for t in interview.turns if t.kind is TurnKind.QUESTION
    ]
    weak = sorted((score, seq) for score, seq in scored if score is not None and score < TRY_AGAIN_BELOW)
    return tuple(seq for _, seq in weak[:most])


def _delivery_line(delivery: Delivery | None) -> str:
    return describe(delivery) if delivery else ""


def _feedback_without_grade(turn: Turn) -> str:
    status = item_status(turn)
    return {
        "skipped": f"Skipped (counts as {SKIPPED_SCORE}/10).",
        "hint_requested": "You asked for a hint here.",
        "unanswered": "Not answered: the interview ended here.",
        "ungraded": "Could not be graded.",
    }.get(status, "")
