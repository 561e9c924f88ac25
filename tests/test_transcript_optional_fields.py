"""Transcription replies as real servers send them: every optional field may be missing (faster-whisper leaves out
the segments' scores), and a reply we cannot use at all is explained to the candidate, whose question stays open."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core.domain.replies import ReplyKind
from core.interview.service import InterviewService
from tests.fakes.openai_server import FakeOpenAI
from tests.support import store_of
from tests.voice_support import AUDIO, SPOKEN, new_conv, open_question, voice_service

EVERY_SEGMENT_FIELD = frozenset(
    {
        "id",
        "seek",
        "start",
        "end",
        "text",
        "tokens",
        "temperature",
        "avg_logprob",
        "compression_ratio",
        "no_speech_prob",
    }
)


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI(transcript_text=SPOKEN) as server:
        yield server


@pytest.fixture
async def service(tmp_path: Path, fake: FakeOpenAI) -> AsyncIterator[InterviewService]:
    svc = voice_service(tmp_path, fake)
    yield svc
    await svc.close()


@pytest.mark.parametrize(
    ("segment_omits", "transcript_omits"),
    [
        ({"avg_logprob", "no_speech_prob"}, set()),  # faster-whisper-server, some whisper.cpp builds
        (EVERY_SEGMENT_FIELD - {"text"}, set()),
        (EVERY_SEGMENT_FIELD, {"duration", "language"}),
        (set(), {"segments"}),
        ({"avg_logprob", "no_speech_prob"}, {"text"}),  # the text only in the segments
    ],
)
async def test_a_reply_without_optional_fields_is_transcribed_normally(
    service: InterviewService, fake: FakeOpenAI, segment_omits: set[str], transcript_omits: set[str]
) -> None:
    fake.segment_omits, fake.transcript_omits = frozenset(segment_omits), frozenset(transcript_omits)
    conv = new_conv()
    await service.start(conv, role="law", questions=2)
    audio = (AUDIO / "voice-message.ogg").read_bytes()

    replies = await service.voice(conv, audio, filename="voice-message.ogg", event_id="m-1")

    assert replies[0].kind is ReplyKind.TRANSCRIPT and "I heard" in replies[0].text
    assert replies[-1].is_question
    interview = await store_of(service).get_open_interview(conv)
    assert interview is not None and interview.turns[0].answer == SPOKEN
    assert interview.turns[0].audio_seconds == pytest.approx(6.0, abs=0.1)  # measured from the recording itself


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", '{"text": "cut off'),  # not JSON
        ("text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>"),  # a proxy's page
        ("application/json", '{"segments": [], "duration": 6.0}'),  # JSON with no text anywhere
        ("application/json", '{"text": null, "segments": [1, "a", null]}'),
        ("application/json", '["not", "an", "object"]'),
    ],
)
async def test_a_reply_we_cannot_use_is_explained_and_the_question_stays_open(
    service: InterviewService, fake: FakeOpenAI, content_type: str, body: str
) -> None:
    conv = new_conv()
    await service.start(conv, role="law", questions=2)
    question = await open_question(service, conv)
    audio = (AUDIO / "voice-message.ogg").read_bytes()
    fake.transcript_reply = (content_type, body)

    failed = await service.voice(conv, audio, filename="voice-message.ogg", event_id="bad-1")

    [reply] = failed
    assert reply.kind is ReplyKind.ERROR
    assert "reply I couldn't read" in reply.text and "type your answer" in reply.text
    assert "502" not in reply.text and "cut off" not in reply.text  # the server's own words are not passed on
    assert await open_question(service, conv) == question
    interview = await store_of(service).get_open_interview(conv)
    assert interview is not None and interview.turns[0].answer is None

    fake.transcript_reply = None
    worked = await service.voice(conv, audio, filename="voice-message.ogg", event_id="bad-2")
    assert worked[0].kind is ReplyKind.TRANSCRIPT


async def test_segments_scored_as_silence_are_still_noise_when_other_fields_are_missing(
    service: InterviewService, fake: FakeOpenAI
) -> None:
    conv = new_conv()
    await service.start(conv, role="law", questions=2)
    fake.transcript_text = "I think, yes."
    fake.transcript_silent = True  # the fake scores its one segment as no speech
    fake.transcript_omits = frozenset({"duration"})

    replies = await service.voice(conv, (AUDIO / "voice-message.ogg").read_bytes(), filename="v.ogg", event_id="s")

    assert replies[0].kind is ReplyKind.ERROR and "couldn't hear an answer" in replies[0].text


async def test_refused_transcription_formats_step_down_at_once_whatever_the_status(tmp_path: Path) -> None:
    async with FakeOpenAI(transcript_text=SPOKEN) as fake:
        fake.transcript_refusals = {"verbose_json": 500, "json": 422}  # a server that only answers plain text
        service = voice_service(tmp_path, fake, MOCK_INTERVIEW_MODEL_RETRIES=2)
        try:
            conv = new_conv()
            await service.start(conv, role="law", questions=3)
            audio = (AUDIO / "voice-message.ogg").read_bytes()
            for n in range(2):
                replies = await service.voice(conv, audio, filename="voice-message.ogg", event_id=f"t-{n}")
                assert replies[0].kind is ReplyKind.TRANSCRIPT and "k-means clustering" in replies[0].text
        finally:
            await service.close()

    # Each refusal is taken at its word, not retried, and remembered for the next recording.
    assert [r["response_format"] for r in fake.transcriptions] == ["verbose_json", "json", "text", "text"]
