"""Helpers for the voice tests: the recordings, what the fake transcribes, and a service that sends it audio."""

from __future__ import annotations

import uuid
from pathlib import Path

from core.domain.models import ConversationRef
from core.interview.service import InterviewService
from tests.fakes.openai_server import FakeOpenAI
from tests.support import conv_for, make_service, store_of

AUDIO = Path(__file__).parent / "fixtures" / "audio"
SPOKEN = (
    "Umm, so I would use k-means clustering, uh, and then check the bias-variance tradeoff with cross-validation, "
    "because a model that fits the training data perfectly usually generalises badly, you know."
)


def voice_service(tmp_path: Path, fake: FakeOpenAI, **overrides: object) -> InterviewService:
    """A service on a fresh SQLite file whose speech and chat models are the fake; overrides are settings."""
    values = {
        "OPENAI_API_KEY": "sk-test-not-a-real-key",
        "OPENAI_BASE_URL": fake.base_url,
        "MOCK_INTERVIEW_MODEL_TIMEOUT": 5,
        "MOCK_INTERVIEW_MODEL_RETRIES": 0,
        **overrides,
    }
    return make_service(f"sqlite:///{tmp_path / 'voice.db'}", **values)


def new_conv(platform: str = "discord") -> ConversationRef:
    """A conversation with a new user on that platform."""
    return conv_for(f"u-{uuid.uuid4().hex[:8]}", platform=platform)


async def open_question(service: InterviewService, conv: ConversationRef) -> str:
    """The question the open interview is waiting on."""
    interview = await store_of(service).get_open_interview(conv)
    assert interview is not None and interview.current_turn is not None
    return interview.current_turn.question
