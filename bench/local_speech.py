"""Local transcription (the local-voice extra): how long a one-minute spoken answer takes on this machine.

    python -m bench.local_speech [--model FOLDER_OR_SIZE] [--runs N] [--json]

Transcribes bench/audio/one-minute-answer.ogg (60 s of espeak-ng speech as a voice note, made by make_recording.sh)
with the LocalTranscriber the bots use when no speech API is configured, with a domain prompt as an interview gives
it. Reports the cold model load, each run's wall time, the median's CPU seconds (all threads), the real-time factor
and the word error rate against the script.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import time
from pathlib import Path
from typing import Any

from bench.common import print_figures
from core.providers.local_speech import LocalTranscriber, local_transcriber
from core.voice.prompt import transcription_prompt

AUDIO = Path(__file__).parent / "audio"
QUESTION = "How would you segment our customers, and how would you know the segments are any good?"
GLOSSARY = ["k-means", "silhouette score", "elbow method", "recency, frequency and monetary value", "retention"]


def _words(text: str) -> list[str]:
    return re.sub(r"[^a-z0-9' ]+", " ", text.lower().replace("-", " ")).split()


def word_error_rate(heard: str, said: str) -> float:
    """Word-level edit distance over the words said: substitutions, insertions and deletions."""
    ref, hyp = _words(said), _words(heard)
    row = list(range(len(hyp) + 1))
    for i, word in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, other in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (word != other))
    return row[-1] / max(len(ref), 1)


async def run(model: str | None, runs: int) -> dict[str, Any]:
    """Load the model once, then transcribe the one-minute answer runs times."""
    transcriber = local_transcriber(model)
    if not isinstance(transcriber, LocalTranscriber):
        raise SystemExit(
            "Local voice is not available: run `make local-voice` (or check MOCK_INTERVIEW_LOCAL_STT_MODEL)."
        )
    audio = (AUDIO / "one-minute-answer.ogg").read_bytes()
    said = (AUDIO / "one-minute-answer.txt").read_text()
    prompt = transcription_prompt(question=QUESTION, glossary=GLOSSARY, main=None)
    started = time.perf_counter()
    await asyncio.to_thread(transcriber.whisper)
    load_s = time.perf_counter() - started
    times: list[float] = []
    cpu: list[float] = []  # CPU seconds over all threads: a busy shared machine stretches the wall time, not this
    heard = ""
    duration = 0.0
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        transcript, _ = await transcriber.transcribe(
            audio, filename="answer.ogg", mime="audio/ogg", prompt=prompt, language="en"
        )
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        heard, duration = transcript.text, transcript.duration_s or 0.0
    median = statistics.median(times)
    return {
        "model": transcriber.model,
        "cpus": os.cpu_count(),
        "audio_s": round(duration, 1),
        "load_s": round(load_s, 2),
        "runs_s": [round(t, 2) for t in times],
        "best_s": round(min(times), 2),
        "median_s": round(median, 2),
        "cpu_s": round(statistics.median(cpu), 2),
        "real_time_factor": round(median / duration, 3) if duration else None,
        "word_error_rate": round(word_error_rate(heard, said), 3),
    }


def main() -> None:
    """Print the figures, or one JSON object with --json."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=os.environ.get("MOCK_INTERVIEW_LOCAL_STT_MODEL") or None)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    print_figures(asyncio.run(run(args.model, max(1, args.runs))), as_json=args.json)


if __name__ == "__main__":
    main()
