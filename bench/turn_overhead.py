"""Bot-side cost of a turn: concurrent offline interviews through InterviewService on a real database.

    python -m bench.turn_overhead [--interviews 50] [--questions 5] [--database-url URL] [--json]

With the offline coach no model is called, so every millisecond measured is our own overhead: persistence,
grading by key-point coverage, choosing the next move.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from pathlib import Path

from bench.common import percentile, print_figures
from bots.bootstrap import build_runtime
from core.domain.models import ConversationRef
from core.settings import Settings

ANSWER = (
    "First I would clarify the goal and the metric, because the trade-off depends on it. For example in my last role "
    "we compared two options, measured the impact on latency and cost, and as a result cut errors by 30 percent."
)


async def _one_interview(service, user: str, questions: int, latencies: list[float]) -> None:
    conv = ConversationRef("bench", "", "c", None, user)
    await service.start(conv, role="data-science", questions=questions)
    while await service.is_open(conv):
        started = time.perf_counter()
        await service.answer(conv, ANSWER, event_id=f"{user}-{len(latencies)}-{random.random()}")
        latencies.append((time.perf_counter() - started) * 1000)


async def run(database_url: str, interviews: int, questions: int) -> dict[str, float]:
    """Run the benchmark and return its figures."""
    # Answers back to back, faster than the per-minute limit lets any person answer.
    settings = Settings(DATABASE_URL=database_url, OPENAI_API_KEY=None, MOCK_INTERVIEW_ANSWERS_PER_MINUTE=0)
    service = build_runtime(settings, rng=random.Random(1)).service
    latencies: list[float] = []
    started = time.perf_counter()
    try:
        await asyncio.gather(*(_one_interview(service, f"u{n}", questions, latencies) for n in range(interviews)))
    finally:
        await service.close()
    elapsed = time.perf_counter() - started
    return {
        "interviews": interviews,
        "turns": len(latencies),
        "turns_per_s": round(len(latencies) / elapsed, 1),
        "overhead_p50_ms": round(percentile(latencies, 50), 2),
        "overhead_p95_ms": round(percentile(latencies, 95), 2),
        "overhead_p99_ms": round(percentile(latencies, 99), 2),
    }


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interviews", type=int, default=50)
    parser.add_argument("--questions", type=int, default=5)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        figures = asyncio.run(run(url, args.interviews, args.questions))
    print_figures(figures, as_json=args.json)


if __name__ == "__main__":
    main()
