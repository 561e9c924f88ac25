"""Voice answers end to end: real recordings through the real openai SDK to the loopback transcription endpoint."""

from __future__ import annotations

import shutil
import struct
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core.domain.models import AnswerSource, ConversationRef
from core.domain.replies import ReplyKind
from core.interview.service import InterviewService
from core.voice.prompt import FILLER_STYLE
from tests.fakes.openai_server import FakeOpenAI
from tests.support import conv_for, make_service

AUDIO = Path(__file__).parent / "fixtures" / "audio"
SPOKEN = (
    "Umm, so I would use k-means clustering, uh, and then check the bias-variance tradeoff with cross-validation, "
    "because a model that fits the training data perfectly usually generalises badly, you know."
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


def voice_service(tmp_path: Path, fake: FakeOpenAI, **overrides: object) -> InterviewService:
    values = {
        "OPENAI_API_KEY": "sk-test-not-a-real-key",
        "OPENAI_BASE_URL": fake.base_url,
        "MOCK_INTERVIEW_MODEL_TIMEOUT": 5,
        "MOCK_INTERVIEW_MODEL_RETRIES": 0,
        **overrides,
    }
    return make_service(f"sqlite:///{tmp_path / 'voice.db'}", **values)


def new_conv(platform: str = "discord") -> ConversationRef:
    return conv_for(f"u-{uuid.uuid4().hex[:8]}", platform=platform)


async def open_question(service: InterviewService, conv: ConversationRef) -> str:
    interview = await service.store.get_open_interview(conv)
    assert interview is not None and interview.current_turn is not None
    return interview.current_turn.question


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
    interview = await service.store.get_open_interview(conv)
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
    report = await service.records.report(card.interview_id, fmt="json")
    assert isinstance(report, dict)
    spoken = report["turns"][0]["delivery"]
    assert spoken["fillers"] == {"um": 1, "uh": 1, "you know": 1} and spoken["words_per_minute"] > 100
    assert report["delivery"]["filler_words"] == 3


async def test_the_same_voice_event_twice_is_transcribed_and_answered_once(
    service: InterviewService, fake: FakeOpenAI
) -> None:
    conv = new_conv()
    await service.start(conv, role="law", questions=2)
    audio = (AUDIO / "voice-message.ogg").read_bytes()
    first = await service.voice(conv, audio, filename="voice-message.ogg", mime="audio/ogg", event_id="dup-1")
    again = await service.voice(conv, audio, filename="voice-message.ogg", mime="audio/ogg", event_id="dup-1")
    assert first and again == []
    assert len(fake.transcriptions) == 1
    interview = await service.store.get_open_interview(conv)
    assert interview is not None and sum(t.answer is not None for t in interview.turns) == 1


def _wav_header(data_size: int, *, rate: int = 48_000, channels: int = 2) -> bytes:
    byte_rate = rate * channels * 2
    fmt = struct.pack("<HHIIHH", 1, channels, rate, byte_rate, channels * 2, 16)
    return (
        b"RIFF"
        + struct.pack("<I", 36 + data_size)
        + b"WAVEfmt "
        + struct.pack("<I", 16)
        + fmt
        + b"data"
        + (struct.pack("<I", data_size))
    )


@pytest.mark.parametrize(
    ("audio", "says"),
    [
        (b"", "empty"),
        ((AUDIO / "voice-message.ogg").read_bytes()[:40], "damaged or incomplete"),
        (b"OggS" + bytes(range(256)) * 20, "damaged or incomplete"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "image (PNG)"),
        (b"just some text pasted into a file", "not audio"),
        (_wav_header(4_000) + bytes(4_000), "too short"),
    ],
)
async def test_unusable_recordings_get_a_clear_message_and_the_question_stays_open(
    service: InterviewService, fake: FakeOpenAI, audio: bytes, says: str
) -> None:
    conv = new_conv()
    await service.start(conv, role="product-management", questions=2)
    question = await open_question(service, conv)
    replies = await service.voice(conv, audio, filename="voice-message.ogg", mime="audio/ogg", event_id="bad-1")
    assert [r.kind for r in replies] == [ReplyKind.ERROR]
    assert says in replies[0].text and "question is still open" in replies[0].text
    assert fake.transcriptions == []  # nothing was sent, nothing was paid for
    assert await open_question(service, conv) == question
    assert await service.voice(conv, audio, filename="x.ogg", mime="audio/ogg", event_id="bad-1") == []


async def test_a_recording_over_the_length_limit_is_refused_before_transcription(
    tmp_path: Path, fake: FakeOpenAI
) -> None:
    service = voice_service(tmp_path, fake, MOCK_INTERVIEW_MAX_AUDIO_SECONDS=5)
    try:
        conv = new_conv()
        await service.start(conv, role="law", questions=2)
        audio = (AUDIO / "slack-clip.m4a").read_bytes()
        replies = await service.voice(conv, audio, filename="audio_message.m4a", mime="audio/mp4", event_id="l-1")
        assert replies[0].kind is ReplyKind.ERROR
        assert "0:06 long" in replies[0].text and "at most 0:05" in replies[0].text
        assert fake.transcriptions == []
    finally:
        await service.close()


async def test_a_recording_over_25_mb_is_reencoded_to_small_opus_and_no_temporary_file_is_left(
    tmp_path: Path, fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert shutil.which("ffmpeg"), "ffmpeg is needed for this test; `make test` installs it"
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    service = voice_service(tmp_path, fake)
    try:
        conv = new_conv(platform="slack")
        await service.start(conv, role="law", questions=2)
        size = 26 * 1024 * 1024  # 142 s of 48 kHz stereo PCM: under the length limit, over the upload limit
        audio = _wav_header(size) + bytes(size)
        replies = await service.voice(conv, audio, filename="long answer.wav", mime="audio/wav", event_id="w-1")
        assert replies[0].kind is ReplyKind.TRANSCRIPT and "(2:22)" in replies[0].text
        [request] = fake.transcriptions
        assert request["filename"] == "long answer.ogg" and request["content_type"] == "audio/ogg"
        assert request["bytes"].startswith(b"OggS") and b"OpusHead" in request["bytes"][:100]
        assert request["byte_length"] < 1024 * 1024
        assert list(scratch.iterdir()) == []
    finally:
        await service.close()


async def test_without_ffmpeg_an_oversized_recording_is_explained(tmp_path: Path, fake: FakeOpenAI) -> None:
    service = voice_service(tmp_path, fake, MOCK_INTERVIEW_FFMPEG=str(tmp_path / "no-ffmpeg-here"))
    try:
        conv = new_conv()
        await service.start(conv, role="law", questions=2)
        size = 26 * 1024 * 1024
        replies = await service.voice(conv, _wav_header(size) + bytes(size), filename="a.wav", event_id="w-2")
        assert replies[0].kind is ReplyKind.ERROR and "at most 25 MB" in replies[0].text
        assert fake.transcriptions == []
    finally:
        await service.close()


@pytest.mark.parametrize(
    ("text", "silent"),
    [("", False), ("   ", False), ("Thank you.", False), ("[Music]", False), ("I think, yes.", True)],
)
async def test_silence_or_noise_asks_to_record_again_and_grades_nothing(
    service: InterviewService, fake: FakeOpenAI, text: str, silent: bool
) -> None:
    fake.transcript_text, fake.transcript_silent = text, silent
    conv = new_conv()
    await service.start(conv, role="human-resources", questions=2)
    audio = (AUDIO / "silence.ogg").read_bytes()
    replies = await service.voice(conv, audio, filename="voice-message.ogg", mime="audio/ogg", event_id="n-1")
    assert [r.kind for r in replies] == [ReplyKind.ERROR] and "couldn't hear an answer" in replies[0].text
    interview = await service.store.get_open_interview(conv)
    assert interview is not None and interview.turns[0].answer is None


async def test_the_prompt_echoed_back_on_silence_is_not_taken_as_an_answer(
    service: InterviewService, fake: FakeOpenAI
) -> None:
    conv = new_conv()
    await service.start(conv, role="data-science", questions=2)
    fake.transcript_text = f"{await open_question(service, conv)}"  # Whisper repeating its prompt
    replies = await service.voice(conv, (AUDIO / "silence.ogg").read_bytes(), filename="v.ogg", event_id="p-1")
    assert replies[0].kind is ReplyKind.ERROR and "couldn't hear an answer" in replies[0].text


async def test_a_spoken_command_is_that_command(service: InterviewService, fake: FakeOpenAI) -> None:
    fake.transcript_text = "Skip."
    conv = new_conv()
    await service.start(conv, role="law", questions=2)
    replies = await service.voice(conv, (AUDIO / "voice-message.ogg").read_bytes(), filename="v.ogg", event_id="s")
    assert replies[0].kind is ReplyKind.TRANSCRIPT and replies[1].kind is ReplyKind.QUESTION
    interview = await service.store.get_open_interview(conv)
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
    service = make_service(f"sqlite:///{tmp_path / 'offline.db'}")
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
    assert await service.store.get_open_interview(conv) is None
