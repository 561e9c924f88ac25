"""Time from the last answer to the scorecard, model latency excluded.

    python -m bench.scorecard [--interviews 20] [--json]

Each interview answers 25 pairs through InterviewService against the fake OpenAI server (its own process, answering
at once, so what is measured is ours: storing the last answer, waiting for its grade, the interviewer's closing move,
the summary call and building the scorecard from the stored grades). The offline coach is measured too.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import percentile, print_figures, start_fake_model
from bench.load import ANSWER
from bots.bootstrap import build_runtime
from core.domain.models import ConversationRef
from core.settings import Settings

SHORT = "I would check the join keys for duplicates first, I think."  # short: the interviewer follows up


async def _last_answer_ms(settings: Settings, interviews: int) -> list[float]:
    """For each 25-pair interview, the milliseconds its last answer took to return the scorecard."""
    service = build_runtime(settings, rng=random.Random(5)).service
    timings = []
    try:
        for n in range(interviews):
            conv = ConversationRef("bench", "", "scorecard", None, f"u{n}")
            await service.start(conv, role="software-engineering", questions=13)
            for pair in range(1, 26):  # short and full answers by turns: a follow-up on every main question
                started = time.perf_counter()
                replies = await service.answer(conv, SHORT if pair % 2 else ANSWER)
                if any(r.scorecard for r in replies):
                    timings.append((time.perf_counter() - started) * 1000)
                    break
            else:
                raise RuntimeError("25 answers did not end the interview with a scorecard")
    finally:
        await service.close()
    return timings


async def run(interviews: int) -> dict[str, Any]:
    """Both modes' figures."""
    fake, url = start_fake_model((0.0, 0.0))
    try:
        with tempfile.TemporaryDirectory() as folder:
            # 25 answers a few milliseconds apart: faster than the per-minute limit lets any person answer.
            unlimited = {"MOCK_INTERVIEW_ANSWERS_PER_MINUTE": 0}
            model = Settings(
                DATABASE_URL=f"sqlite:///{Path(folder) / 'model.db'}",
                OPENAI_API_KEY="sk-bench",
                OPENAI_BASE_URL=url,
                **unlimited,
            )
            offline = Settings(
                DATABASE_URL=f"sqlite:///{Path(folder) / 'offline.db'}", OPENAI_API_KEY=None, **unlimited
            )
            with_model = await _last_answer_ms(model, interviews)
            without = await _last_answer_ms(offline, interviews)
    finally:
        fake.terminate()
        fake.wait(10)
    return {
        "scorecard_ms": round(percentile(with_model, 50), 1),
        "scorecard_p99_ms": round(percentile(with_model, 99), 1),
        "offline_scorecard_ms": round(percentile(without, 50), 1),
        "offline_scorecard_p99_ms": round(percentile(without, 99), 1),
        "interviews": interviews,
    }


def main() -> None:
    """Print the figures as a table, or one JSON object with --json."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--interviews", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    print_figures(asyncio.run(run(args.interviews)), as_json=args.json)


if __name__ == "__main__":
    main()
