"""Voice notes that cannot be used as sent: refused with a message (question left open), re-encoded, or repeated."""

from __future__ import annotations

import shutil
import struct
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core.domain.replies import ReplyKind
from core.interview.service import InterviewService
from tests.fakes.openai_server import FakeOpenAI
from tests.support import store_of
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
    interview = await store_of(service).get_open_interview(conv)
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
    interview = await store_of(service).get_open_interview(conv)
    assert interview is not None and interview.turns[0].answer is None


async def test_the_prompt_echoed_back_on_silence_is_not_taken_as_an_answer(
    service: InterviewService, fake: FakeOpenAI
) -> None:
    conv = new_conv()
    await service.start(conv, role="data-science", questions=2)
    fake.transcript_text = f"{await open_question(service, conv)}"  # Whisper repeating its prompt
    replies = await service.voice(conv, (AUDIO / "silence.ogg").read_bytes(), filename="v.ogg", event_id="p-1")
    assert replies[0].kind is ReplyKind.ERROR and "couldn't hear an answer" in replies[0].text
