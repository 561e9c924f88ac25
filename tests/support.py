"""Helpers shared by tests: a service on a real database, and answers written from a pack's key points."""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any

import pytest

from bots.bootstrap import build_service
from core.domain.models import ConversationRef, Interview
from core.domain.roles import Question, RolePack
from core.interview.service import InterviewService
from core.settings import Settings


def isolate_environment(env: pytest.MonkeyPatch, data_home: Path) -> None:
    """Hide the developer's keys, tokens, database and data folder from what a test starts."""
    # slack_bolt also reads SLACK_CLIENT_ID/SECRET from the environment on its own: tests configure everything.
    for name in list(os.environ):
        if name.startswith(("OPENAI_", "MOCK_INTERVIEW_", "SLACK_", "DISCORD_")) or name == "DATABASE_URL":
            env.delenv(name)
    env.setenv("XDG_DATA_HOME", str(data_home))


def make_settings(database_url: str, **overrides: Any) -> Settings:
    """Settings for a test: this database, no model unless overridden."""
    values: dict[str, Any] = {"DATABASE_URL": database_url, "OPENAI_API_KEY": None, "OPENAI_BASE_URL": None}
    values.update(overrides)
    return Settings(**values)


def make_service(database_url: str, *, seed: int = 7, **overrides: Any) -> InterviewService:
    """A fully wired service (real store, real migrations) with a seeded question plan."""
    return build_service(make_settings(database_url, **overrides), rng=random.Random(seed))


def conv_for(user_id: str, *, platform: str = "terminal") -> ConversationRef:
    """A conversation of its own for one test user."""
    return ConversationRef(platform=platform, workspace_id="", channel_id="cli", thread_id=None, user_id=user_id)


def strong_answer(question: Question) -> str:
    """An answer that covers every key point, with structure and an example."""
    points = "; ".join(f"{kp.terms[0]} matters because {kp.point.lower()}" for kp in question.key_points)
    return (
        f"First, {points}. For example, in my last role we measured it and cut errors by 30% as a result. "
        "However there is a trade-off, so I would weigh the costs on the other hand and then decide. "
        "Finally I would check the outcome with the team and write down what we learned for next time."
    )


def planned(pack: RolePack, interview: Interview, index: int) -> Question:
    """The pack question at a plan position."""
    qid = interview.state["plan"][index]
    return next(q for q in pack.questions if q.id == qid)
