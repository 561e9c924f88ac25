"""Builders shared by the storage tests: fresh conversations, interviews, turns and grades."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, text

from core.domain.models import ConversationRef, Grade, Interview, InterviewStatus, Turn, TurnKind

EngineFactory = Callable[[str], Engine]


def make_conv(**overrides: Any) -> ConversationRef:
    """A Slack thread conversation of a brand-new user, so tests sharing a database never meet."""
    fields: dict[str, Any] = {
        "platform": "slack",
        "workspace_id": "T1",
        "channel_id": "C1",
        "thread_id": "1700000000.000100",
        "user_id": f"U{uuid.uuid4().hex}",
    }
    return ConversationRef(**(fields | overrides))


def make_interview(conv: ConversationRef | None = None, **overrides: Any) -> Interview:
    """An active interview with no turns."""
    fields: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "conv": conv or make_conv(),
        "role": "data-science",
        "status": InterviewStatus.ACTIVE,
        "planned_questions": 5,
    }
    return Interview(**(fields | overrides))


def question(seq: int, **overrides: Any) -> Turn:
    """An open main-question turn."""
    return Turn(**({"seq": seq, "kind": TurnKind.QUESTION, "question": f"Question {seq}?"} | overrides))


def grade(score: int = 7) -> Grade:
    """A grade with every tuple field filled."""
    return Grade(
        score=score,
        feedback="Clear, with an example.",
        strength="structure",
        improvement="name the trade-off",
        evidence=("we used k-fold", "bias-variance"),
        covered=("validation",),
        missed=("leakage", "stratification"),
        flags=("injection",),
        grader="offline",
    )


def scalar(engine: Engine, sql: str, **params: Any) -> Any:
    """One value of a raw SQL query."""
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()
