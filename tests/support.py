"""Helpers shared by tests: a service on a real database, and answers written from a pack's key points."""

from __future__ import annotations

import functools
import os
import random
import weakref
from pathlib import Path
from typing import Any

import pytest

from bots.bootstrap import Runtime, build_runtime
from core.domain.models import ConversationRef, Interview
from core.domain.replies import Reply
from core.domain.roles import Question, RoleCatalog, RolePack, load_catalog
from core.interview.service import InterviewService
from core.ports import OutboxItem
from core.settings import Settings
from db.store import SqlInterviewStore


def isolate_environment(env: pytest.MonkeyPatch, data_home: Path) -> None:
    """Hide the developer's keys, tokens, database and data folder from what a test starts."""
    # slack_bolt also reads SLACK_CLIENT_ID/SECRET from the environment on its own: tests configure everything.
    for name in list(os.environ):
        if name.startswith(("OPENAI_", "MOCK_INTERVIEW_", "SLACK_", "DISCORD_")) or name == "DATABASE_URL":
            env.delenv(name)
    env.setenv("XDG_DATA_HOME", str(data_home))


def make_settings(database_url: str, **overrides: Any) -> Settings:
    """Settings for a test: this database, no model unless overridden, no .env file read."""
    values: dict[str, Any] = {"DATABASE_URL": database_url, "OPENAI_API_KEY": None, "OPENAI_BASE_URL": None}
    values.update(overrides)
    return Settings(_env_file=None, **values)


# The runtime each test service was built in, so a test can look at what was stored: adapters never can.
_RUNTIMES: weakref.WeakKeyDictionary[InterviewService, Runtime] = weakref.WeakKeyDictionary()


@functools.cache
def bundled_catalog() -> RoleCatalog:
    """The bundled role packs, read and validated once per test run (about 0.1 s a time): a test service built with
    no roles folder of its own shares them. The packs are frozen, and tests/test_roles.py checks the loading itself."""
    return load_catalog()


def runtime_for(settings: Settings, *, seed: int = 7, **kwargs: Any) -> Runtime:
    """build_runtime with a seeded question plan, remembered for store_of()."""
    if settings.roles_dir is None:
        kwargs.setdefault("catalog", bundled_catalog())
    runtime = build_runtime(settings, rng=random.Random(seed), **kwargs)
    _RUNTIMES[runtime.service] = runtime
    return runtime


def make_runtime(database_url: str, *, seed: int = 7, **overrides: Any) -> Runtime:
    """A fully wired runtime (real store, real migrations) with a seeded question plan."""
    return runtime_for(make_settings(database_url, **overrides), seed=seed)


def make_service(database_url: str, *, seed: int = 7, **overrides: Any) -> InterviewService:
    """A fully wired service (real store, real migrations) with a seeded question plan."""
    return make_runtime(database_url, seed=seed, **overrides).service


def store_of(service: InterviewService) -> SqlInterviewStore:
    """The store under a service built by these helpers, for a test's own checks of what was stored."""
    return _RUNTIMES[service].store


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


async def find_interview(service: InterviewService, id_or_prefix: str, **mine: str | None) -> Interview:
    """The one interview whose id starts with id_or_prefix, among those of the user, platform and workspace given."""
    store = store_of(service)
    [interview_id] = await store.find_interview_ids(id_or_prefix, **mine)
    interview = await store.get_interview(interview_id)
    assert interview is not None
    return interview


class SentNowhere:
    """A ReplySender whose sends all succeed and show nothing: a worker that sent its replies before it stopped."""

    async def send(self, item: OutboxItem) -> str | None:
        """Nothing is shown; the item counts as sent."""
        return None

    async def tell(self, note: Reply) -> None:
        """Nothing is shown."""

    async def working(self, on: bool) -> None:
        """Nothing is shown."""
