"""Chat and speech on different servers: MOCK_INTERVIEW_STT_BASE_URL and MOCK_INTERVIEW_STT_API_KEY, defaulting to
the chat's OPENAI_BASE_URL and OPENAI_API_KEY (Ollama serves chat but no audio; faster-whisper audio but no chat)."""

from __future__ import annotations

import io
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from bots.cli import main
from core.domain.replies import ReplyKind
from core.interview.service import InterviewService
from core.settings import Settings
from tests.fakes.openai_server import FakeOpenAI
from tests.support import make_service
from tests.voice_support import AUDIO, SPOKEN, new_conv

PASSWORD = "hunter2-stt-secret"


@pytest.fixture
async def chat_server() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI(api_key="sk-chat-key") as server:
        yield server


@pytest.fixture
async def speech_server() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI(api_key="sk-speech-key", transcript_text=SPOKEN) as server:
        yield server


async def _answer_by_voice(service: InterviewService) -> list[Any]:
    try:
        conv = new_conv()
        await service.start(conv, role="law", questions=2)
        audio = (AUDIO / "voice-message.ogg").read_bytes()
        return await service.voice(conv, audio, filename="voice-message.ogg", event_id="v-1")
    finally:
        await service.close()


async def test_chat_and_speech_go_to_their_own_servers_with_their_own_keys(
    tmp_path: Path, chat_server: FakeOpenAI, speech_server: FakeOpenAI
) -> None:
    service = make_service(
        f"sqlite:///{tmp_path / 'two.db'}",
        OPENAI_API_KEY="sk-chat-key",
        OPENAI_BASE_URL=chat_server.base_url,
        MOCK_INTERVIEW_STT_BASE_URL=speech_server.base_url,
        MOCK_INTERVIEW_STT_API_KEY="sk-speech-key",
        MOCK_INTERVIEW_MODEL_RETRIES=0,
    )
    replies = await _answer_by_voice(service)

    assert replies[0].kind is ReplyKind.TRANSCRIPT and "k-means clustering" in replies[0].text
    assert [t["authorized"] for t in speech_server.transcriptions] == [True]
    assert chat_server.transcriptions == [] and speech_server.requests == []
    assert chat_server.requests and all(r["authorized"] for r in chat_server.requests)  # the model ran the interview


async def test_speech_alone_needs_no_chat_key_and_the_built_in_coach_interviews(
    tmp_path: Path, chat_server: FakeOpenAI, speech_server: FakeOpenAI
) -> None:
    service = make_service(
        f"sqlite:///{tmp_path / 'speech.db'}",
        MOCK_INTERVIEW_STT_BASE_URL=speech_server.base_url,
        MOCK_INTERVIEW_STT_API_KEY="sk-speech-key",
    )
    assert not service.settings.uses_model
    replies = await _answer_by_voice(service)

    assert replies[0].kind is ReplyKind.TRANSCRIPT
    assert [t["authorized"] for t in speech_server.transcriptions] == [True]
    assert speech_server.requests == [] and chat_server.requests == []


async def test_a_speech_server_alone_gets_the_chat_key_by_default(tmp_path: Path, chat_server: FakeOpenAI) -> None:
    async with FakeOpenAI(api_key="sk-chat-key", transcript_text=SPOKEN) as whisper:
        service = make_service(
            f"sqlite:///{tmp_path / 'default-key.db'}",
            OPENAI_API_KEY="sk-chat-key",
            OPENAI_BASE_URL=chat_server.base_url,
            MOCK_INTERVIEW_STT_BASE_URL=whisper.base_url,
        )
        replies = await _answer_by_voice(service)

    assert replies[0].kind is ReplyKind.TRANSCRIPT
    assert [t["authorized"] for t in whisper.transcriptions] == [True]
    assert chat_server.transcriptions == []


def test_unset_speech_settings_are_the_chats(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-chat-key")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:8000/v1")
    settings = Settings(_env_file=None)
    assert settings.speech_base_url == "http://127.0.0.1:8000/v1"
    key = settings.speech_api_key
    assert key is not None and key.get_secret_value() == "sk-chat-key"

    monkeypatch.setenv("MOCK_INTERVIEW_STT_BASE_URL", "http://127.0.0.1:9000/v1")
    monkeypatch.setenv("MOCK_INTERVIEW_STT_API_KEY", "sk-speech-key")
    settings = Settings(_env_file=None)
    assert settings.speech_base_url == "http://127.0.0.1:9000/v1"
    key = settings.speech_api_key
    assert key is not None and key.get_secret_value() == "sk-speech-key"
    assert "sk-speech-key" not in repr(settings)


@pytest.mark.parametrize(
    ("url", "said"),
    [
        (f"http://whisper:{PASSWORD}@127.0.0.1:9000/v1", "must not hold a user name or password"),
        ("ftp://127.0.0.1:9000/v1", "must start with http:// or https://"),
        ("127.0.0.1:9000/v1", "must start with http:// or https://"),
    ],
)
def test_a_speech_url_that_cannot_work_is_refused_like_the_chat_url(
    monkeypatch: pytest.MonkeyPatch, url: str, said: str
) -> None:
    monkeypatch.setenv("MOCK_INTERVIEW_STT_BASE_URL", url)
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None)
    text = str(caught.value)
    assert "MOCK_INTERVIEW_STT_BASE_URL" in text and said in text and PASSWORD not in text


def test_a_speech_url_with_a_password_fails_at_start_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("MOCK_INTERVIEW_STT_BASE_URL", f"http://{PASSWORD}@127.0.0.1:9000/v1")
    monkeypatch.setattr(sys, "stdin", io.StringIO("an answer\n"))
    status = main(["practice", "--role", "ds", "--questions", "2"])
    out = capsys.readouterr()
    assert status == 2 and out.out == ""
    assert out.err.startswith("Configuration error: MOCK_INTERVIEW_STT_BASE_URL: must not hold a user name or password")
    assert "MOCK_INTERVIEW_STT_API_KEY" in out.err
    assert len(out.err.strip().splitlines()) == 1 and PASSWORD not in out.err
