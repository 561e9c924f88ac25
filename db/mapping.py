"""Conversions between core's dataclasses and the database rows (Core rows in, column values out)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row

from core.domain.models import (
    AnswerSource,
    ConversationRef,
    Grade,
    Interview,
    InterviewStatus,
    InterviewSummary,
    Turn,
    TurnKind,
    utcnow,
)

# Fields with the same name and value in the dataclass and the row; the rest is converted by hand.
_INTERVIEW_FIELDS = (
    "id", "role", "planned_questions", "level", "language", "created_at", "updated_at", "ended_at",
    "overall_score", "summary", "state",
)  # fmt: skip
HEADER_FIELDS = ("level", "language", "state", "overall_score", "summary", "ended_at")
_TURN_FIELDS = (
    "seq", "question", "question_index", "asked_at", "answer", "answered_at", "answer_event_id",
    "audio_seconds", "skipped", "hint_requested",
)  # fmt: skip


def interview_values(interview: Interview) -> dict[str, Any]:
    """The column values of a new interview."""
    conv = interview.conv
    return {
        "platform": conv.platform,
        "workspace_id": conv.workspace_id,
        "channel_id": conv.channel_id,
        "thread_key": conv.thread_id or "",
        "user_id": conv.user_id,
        "status": interview.status.value,
        **{name: getattr(interview, name) for name in _INTERVIEW_FIELDS},
    }


def interview_from_row(row: Row[Any], turns: list[Turn]) -> Interview:
    """The Interview of a row."""
    conv = ConversationRef(
        platform=row.platform,
        workspace_id=row.workspace_id,
        channel_id=row.channel_id,
        thread_id=row.thread_key or None,
        user_id=row.user_id,
    )
    fields = {name: getattr(row, name) for name in _INTERVIEW_FIELDS}
    return Interview(**fields, conv=conv, status=InterviewStatus(row.status), turns=turns)


def turn_values(interview_id: str, turn: Turn) -> dict[str, Any]:
    """The column values of a turn."""
    grade = turn.grade
    return {
        "interview_id": interview_id,
        "kind": turn.kind.value,
        "source": turn.source.value if turn.source else None,
        "score": grade.score if grade else None,
        "grade": grade.to_dict() if grade else None,
        "graded_at": utcnow() if grade else None,
        **{name: getattr(turn, name) for name in _TURN_FIELDS},
    }


def turn_from_row(row: Row[Any]) -> Turn:
    """The Turn of a row."""
    return Turn(
        kind=TurnKind(row.kind),
        source=AnswerSource(row.source) if row.source else None,
        grade=Grade.from_dict(row.grade) if row.grade is not None else None,
        **{name: getattr(row, name) for name in _TURN_FIELDS},
    )


def summary_from_row(row: Row[Any], answered: int) -> InterviewSummary:
    """One line of history."""
    return InterviewSummary(
        id=row.id,
        role=row.role,
        status=InterviewStatus(row.status),
        created_at=row.created_at,
        overall_score=row.overall_score,
        user_id=row.user_id,
        platform=row.platform,
        answered=int(answered),
        planned_questions=row.planned_questions,
    )
