"""Voice answers that get through: transcribed with question and glossary, graded like text, and service trouble."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core.domain.models import AnswerSource
from core.domain.replies import ReplyKind
from core.interview.service import InterviewService
from core.voice.prompt import FILLER_STYLE
from tests.fakes.openai_server import FakeOpenAI
from tests.support import make_service, store_of
from tests.voice_support import AUDIO, SPOKEN, new_conv, open_question, voice_service


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
    ("fixture", "sent_as", "platform_mime", "uploaded_name", "uploaded_mime"),
    [
        ("voice-message.ogg", "voice-message.ogg", "audio/ogg", "voice-message.ogg", "audio/ogg"),  # Discord
        ("slack-clip.m4a", "audio_message.m4a", "audio/mp4", "audio_message.m4a", "audio/mp4"),  # Slack apps
        ("slack-clip.webm", "audio_message.webm", "audio/webm", "audio_message.webm", "audio/webm"),  # Slack web
        ("slack-clip.webm", "answer.mp3", "audio/mpeg", "answer.webm", "audio/webm"),  # misnamed: bytes decide
    ],
)
async def test_a_voice_answer_is_transcribed_with_the_question_and_glossary_then_graded_like_text(
    service: InterviewService,
    fake: FakeOpenAI,
    tmp_path: Path,
    fixture: str,
    sent_as: str,
    platform_mime: str,
    uploaded_name: str,
    uploaded_mime: str,
) -> None:
    conv = new_conv()
    await service.start(conv, role="data-science", questions=2, language="Hinglish")
    question = await open_question(service, conv)
    audio = (AUDIO / fixture).read_bytes()

    replies = await service.voice(conv, audio, filename=sent_as, mime=platform_mime, duration_s=6.0, event_id="m-1")

    [request] = fake.transcriptions
    assert request["filename"] == uploaded_name and request["content_type"] == uploaded_mime
    assert request["bytes"] == audio  # sent as it came: small enough, never re-encoded
    assert request["model"] == "whisper-1" and request["language"] == "hi"
    assert request["prompt"].startswith(f"{FILLER_STYLE} {question}")
    pack = service.catalog.resolve("data-science")
    assert sum(term in request["prompt"] for term in pack.glossary) >= 10

    assert replies[0].kind is ReplyKind.TRANSCRIPT
    assert "I heard" in replies[0].text and "k-means clustering" in replies[0].text
    assert "Pace" in replies[0].text and "um ×1" in replies[0].text
    assert replies[-1].is_question  # then it goes on exactly as a typed answer does
    interview = await store_of(service).get_open_interview(conv)
    assert interview is not None
    first = interview.turns[0]
    assert first.answer == SPOKEN and first.source is AnswerSource.VOICE
    assert first.audio_seconds == pytest.approx(6.0, abs=0.1)  # measured from the recording
    assert audio[2000:2064] not in (tmp_path / "voice.db").read_bytes()  # the audio itself is not kept


async def test_delivery_feedback_reaches_the_scorecard_and_the_report(
    service: InterviewService, fake: FakeOpenAI
) -> None:
    conv = new_conv()
    await service.start(conv, role="data-science", questions=2)
    voice = (AUDIO / "voice-message.ogg").read_bytes()
    await service.voice(conv, voice, filename="voice-message.ogg", mime="audio/ogg", event_id="v-1")
    replies = await service.command(conv, "end")
    card = replies[-1].scorecard
    assert card is not None
    assert "Pace" in card.items[0].delivery and "filler words (um ×1, uh ×1, you know ×1)" in card.items[0].delivery
    assert card.delivery == card.items[0].delivery  # one spoken answer: the interview figure is the same
    report = (await service.report(card.interview_id, fmt="json")).document
    assert isinstance(report, dict)
    spoken = report["turns"][0]["delivery"]
    assert spoken["fillers"] == {"um": 1, "uh": 1, "you know": 1} and spoken["words_per_minute"] > 100
    assert report["delivery"]["filler_words"] == 3


async def test_a_spoken_command_is_that_command(service: InterviewService, fake: FakeOpenAI) -> None:
    fake.transcript_text = "Skip."
    conv = new_conv()
    await service.start(conv, role="law", questions=2)
    replies = await service.voice(conv, (AUDIO / "voice-message.ogg").read_bytes(), filename="v.ogg", event_id="s")
    assert replies[0].kind is ReplyKind.TRANSCRIPT and replies[1].kind is ReplyKind.QUESTION
    interview = await store_of(service).get_open_interview(conv)
    assert interview is not None and interview.turns[0].skipped and interview.turns[0].answer is None


async def test_a_server_without_verbose_json_is_asked_for_json_from_then_on(tmp_path: Path) -> None:
    async with FakeOpenAI(transcript_text=SPOKEN, supports_verbose_json=False) as fake:
        service = voice_service(tmp_path, fake)
        try:
            conv = new_conv()
            await service.start(conv, role="law", questions=3)
            audio = (AUDIO / "voice-message.ogg").read_bytes()
            for n in range(2):
                replies = await service.voice(conv, audio, filename="voice-message.ogg", event_id=f"j-{n}")
                assert replies[0].kind is ReplyKind.TRANSCRIPT
            assert [r["response_format"] for r in fake.transcriptions] == ["verbose_json", "json", "json"]
        finally:
            await service.close()


async def test_a_transcription_outage_says_so_and_the_next_recording_works(
    service: InterviewService, fake: FakeOpenAI
) -> None:
    conv = new_conv()
    await service.start(conv, role="law", questions=2)
    audio = (AUDIO / "voice-message.ogg").read_bytes()
    fake.enqueue("500", endpoint="transcriptions")
    failed = await service.voice(conv, audio, filename="voice-message.ogg", event_id="o-1")
    assert failed[0].kind is ReplyKind.ERROR and "having problems" in failed[0].text
    assert "send it again" in failed[0].text
    worked = await service.voice(conv, audio, filename="voice-message.ogg", event_id="o-2")
    assert worked[0].kind is ReplyKind.TRANSCRIPT


async def test_without_a_speech_service_voice_answers_are_explained(tmp_path: Path) -> None:
    service = make_service(f"sqlite:///{tmp_path / 'offline.db'}", MOCK_INTERVIEW_LOCAL_STT_MODEL="off")
    try:
        conv = new_conv()
        await service.start(conv, role="law", questions=2)
        replies = await service.voice(conv, (AUDIO / "voice-message.ogg").read_bytes(), filename="v.ogg")
        assert replies[0].kind is ReplyKind.ERROR and "OPENAI_API_KEY" in replies[0].text
    finally:
        await service.close()


async def test_an_unknown_language_is_refused_at_start(service: InterviewService) -> None:
    conv = new_conv()
    replies = await service.start(conv, role="law", language="klingon")
    assert replies[0].kind is ReplyKind.ERROR and "ISO 639-1" in replies[0].text
    assert await store_of(service).get_open_interview(conv) is None
