"""A learner's progress over their interviews: the overall score over time per role, the weakest topics, the key
points most often missed, the best and worst questions, and the streak of practice days."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import fmean
from typing import Any

from core.domain.models import Interview, Turn
from core.domain.roles import Question, RoleCatalog
from core.domain.text import counted
from core.interview.plan import pack_question

WEAK_TOPICS = 3
MISSED_POINTS = 3


@dataclass(frozen=True)
class InterviewPoint:
    """One finished interview on the trend line."""

    interview_id: str
    day: date
    overall_score: float


@dataclass(frozen=True)
class TopicScore:
    """The mean score of every graded answer on one topic."""

    topic: str
    mean_score: float
    answers: int


@dataclass(frozen=True)
class QuestionScore:
    """The mean score of the graded answers to one main question (its follow-ups included)."""

    role: str
    question: str
    mean_score: float
    answers: int


@dataclass(frozen=True)
class Progress:
    """What a learner's interviews add up to."""

    interviews: int  # interviews with at least one answer
    roles: dict[str, list[InterviewPoint]]  # role id -> its scored interviews, oldest first
    weak_topics: list[TopicScore]
    missed_points: list[tuple[str, int]]  # key point -> times an answer left it out, most often first
    best: QuestionScore | None
    worst: QuestionScore | None
    streak_days: int

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of `progress --format json`."""
        return {
            "interviews": self.interviews,
            "roles": {
                role: [
                    {"id": p.interview_id, "date": p.day.isoformat(), "overall_score": p.overall_score} for p in points
                ]
                for role, points in self.roles.items()
            },
            "weak_topics": [
                {"topic": t.topic, "mean_score": t.mean_score, "answers": t.answers} for t in self.weak_topics
            ],
            "missed_key_points": [{"key_point": point, "times": times} for point, times in self.missed_points],
            "best_question": _question_dict(self.best),
            "worst_question": _question_dict(self.worst),
            "streak_days": self.streak_days,
        }


def measure_progress(interviews: Sequence[Interview], catalog: RoleCatalog, *, today: date) -> Progress:
    """The progress shown by these interviews (oldest first), with the streak counted up to today (UTC)."""
    roles: dict[str, list[InterviewPoint]] = defaultdict(list)
    by_topic: dict[str, list[int]] = defaultdict(list)
    by_question: dict[tuple[str, str], list[int]] = defaultdict(list)
    missed: Counter[str] = Counter()
    days: set[date] = set()
    answered_interviews = 0
    for interview in interviews:
        answered = [t for t in interview.turns if t.answer is not None]
        if answered:
            answered_interviews += 1
        days.update(t.answered_at.date() for t in answered if t.answered_at is not None)
        if interview.overall_score is not None:
            day = (interview.ended_at or interview.created_at).date()
            roles[interview.role].append(InterviewPoint(interview.id, day, round(interview.overall_score, 1)))
        for turn, question in _graded(interview, catalog):
            assert turn.grade is not None
            by_topic[question.topic].append(turn.grade.score)
            by_question[(interview.role, question.text)].append(turn.grade.score)
            missed.update(turn.grade.missed)
    questions = sorted(
        (
            QuestionScore(role, text, round(fmean(scores), 1), len(scores))
            for (role, text), scores in by_question.items()
        ),
        key=lambda q: (q.mean_score, -q.answers),
    )
    spread = len(questions) > 1 and questions[0].mean_score < questions[-1].mean_score
    topics = sorted(
        (TopicScore(topic, round(fmean(scores), 1), len(scores)) for topic, scores in by_topic.items()),
        key=lambda t: (t.mean_score, -t.answers, t.topic),
    )
    return Progress(
        interviews=answered_interviews,
        roles=dict(roles),
        weak_topics=topics[:WEAK_TOPICS],
        missed_points=missed.most_common(MISSED_POINTS),
        # Only when they differ: with every question on the same mean, neither is the best or the worst.
        best=questions[-1] if spread else None,
        worst=questions[0] if spread else None,
        streak_days=streak(days, today),
    )


def streak(days: Iterable[date], today: date) -> int:
    """Days in a row with practice, ending today, or yesterday when today has none yet (the streak is still alive)."""
    practised = set(days)
    day = today if today in practised else today - timedelta(days=1)
    count = 0
    while day in practised:
        count += 1
        day -= timedelta(days=1)
    return count


def progress_markdown(progress: Progress, titles: dict[str, str]) -> str:
    """The progress as Markdown, for every surface's text reply."""
    if not progress.interviews:
        return "No answered interviews yet: start one, and your progress shows here."
    lines = [f"**Your progress** · {counted(progress.interviews, 'interview')} · {_streak_text(progress.streak_days)}"]
    for role, points in progress.roles.items():
        trend = " → ".join(f"{p.overall_score:.1f}" for p in points[-8:])
        lines.append(f"• {titles.get(role, role)}: {trend}{_change(points)}")
    if progress.weak_topics:
        weak = ", ".join(
            f"{t.topic} ({t.mean_score:.1f}, {counted(t.answers, 'answer')})" for t in progress.weak_topics
        )
        lines.append(f"Weakest topics: {weak}")
    if progress.missed_points:
        lines.append("Key points most often missed: " + "; ".join(f"{p} (×{n})" for p, n in progress.missed_points))
    if progress.best:
        lines.append(f"Best question: {_question_text(progress.best)}")
    if progress.worst:
        lines.append(f"Worst question: {_question_text(progress.worst)}")
    return "\n".join(lines)


def _graded(interview: Interview, catalog: RoleCatalog) -> Iterable[tuple[Turn, Question]]:
    """The interview's graded turns with the pack question each belongs to (none when the pack dropped it)."""
    pack = catalog.packs.get(interview.role)
    if pack is None:
        return
    for turn in interview.turns:
        question = pack_question(pack, interview, turn.question_index) if turn.grade is not None else None
        if question is not None:
            yield turn, question


def _question_dict(score: QuestionScore | None) -> dict[str, Any] | None:
    if score is None:
        return None
    return {"role": score.role, "question": score.question, "mean_score": score.mean_score, "answers": score.answers}


def _question_text(score: QuestionScore) -> str:
    return f"{score.mean_score:.1f} over {counted(score.answers, 'answer')}: “{score.question}”"


def _change(points: list[InterviewPoint]) -> str:
    if len(points) < 2:
        return ""
    delta = points[-1].overall_score - points[0].overall_score
    return f" ({delta:+.1f} since your first)"


def _streak_text(days: int) -> str:
    return f"practised {counted(days, 'day')} in a row" if days else "no practice today or yesterday"
