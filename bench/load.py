"""Many concurrent interviews through InterviewService against a fake model with realistic latency.

    python -m bench.load [--interviews 100 1000 5000] [--backends sqlite postgresql] [--duration 60] [--json]

The fake OpenAI server runs in its own process (so its work is not counted as ours) and answers after 0.5-2 s, as a
hosted model does. Each interview answers every 2-5 s. Each scenario runs in a fresh process, for a clean peak RSS.
Figures cover the time after a warm-up in which the interviews start:
- turns_per_s: answers taken and replied to, per second;
- overhead_p50/p95/p99_ms: a turn's wall time minus the model's own processing time (openai-processing-ms), so
  database work, the SDK, queueing and our code;
- loop_lag_p99_ms: how late a 10 ms timer fires on the event loop;
- cpu_ms_per_turn: the process's CPU time (user + system, every thread: the event loop and the store's database
  thread, which runs SQLite in-process and psycopg2's side of PostgreSQL) over the measured window, divided by the
  turns in it; the fake model's process is not counted. It holds the grading call beside each turn and the few
  interview starts, and holds up on a busy machine where turns_per_s does not;
- peak_rss_mb: the process's peak resident memory.
A saturation run (no think time) gives the most turns per second one process sustains.
"""

from __future__ import annotations

import argparse
import asyncio
import contextvars
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import POSTGRES_URL, percentile, start_fake_model, throwaway_postgres
from bots.bootstrap import build_runtime, event_loop_name, run_event_loop
from core.domain.models import ConversationRef
from core.ports import ChatModel, ChatResult
from core.settings import Settings

ROLES = ("data-science", "software-engineering", "product-management", "law")
ANSWER = (
    "I would start from the goal and the metric, then check the data and agree a baseline with the team. For example, "
    "in my last role a feature leaked the label, so we removed it and used time-based validation; the honest model "
    "still beat the baseline. I would weigh the trade-offs with the people who act on it and monitor after launch."
)
MODEL_SECONDS: contextvars.ContextVar[float] = contextvars.ContextVar("model_seconds", default=0.0)


class TimedChat:
    """A ChatModel that adds the model's own time of interviewer calls to MODEL_SECONDS (the turn's task context)."""

    def __init__(self, inner: ChatModel) -> None:
        self._inner = inner
        self.model = inner.model

    async def close(self) -> None:
        """Close the wrapped model."""
        await self._inner.close()

    async def complete_json(self, **kwargs: Any) -> ChatResult:
        """Call the wrapped model and note its processing time."""
        result = await self._inner.complete_json(**kwargs)
        if kwargs.get("purpose") == "interviewer":  # the grader runs beside the turn, not in it
            usage = result.usage
            seconds = (usage.server_ms if usage.server_ms is not None else usage.latency_ms) / 1000
            MODEL_SECONDS.set(MODEL_SECONDS.get() + seconds)
        return result


@dataclass
class Samples:
    """What one scenario measured."""

    turns: list[tuple[float, float]] = field(default_factory=list)  # (finished at, overhead seconds)
    lag: list[tuple[float, float]] = field(default_factory=list)  # (measured at, lag seconds)
    failed: int = 0


async def _watch_loop(samples: Samples, stop: asyncio.Event) -> None:
    interval = 0.01
    while not stop.is_set():
        started = time.perf_counter()
        await asyncio.sleep(interval)
        now = time.perf_counter()
        samples.lag.append((now, now - started - interval))


async def _candidate(service: Any, n: int, samples: Samples, args: argparse.Namespace, stop: asyncio.Event) -> None:
    rng = random.Random(n)
    conv = ConversationRef("bench", "", f"c{n}", None, f"u{n}")
    await asyncio.sleep(rng.uniform(0, args.ramp))  # starts spread over the ramp, as people arrive
    while not stop.is_set():
        replies = await service.start(conv, role=ROLES[n % len(ROLES)], questions=20)
        if not any(r.is_question for r in replies):
            samples.failed += 1
            return
        while not stop.is_set():
            await asyncio.sleep(rng.uniform(*args.think))
            MODEL_SECONDS.set(0.0)
            started = time.perf_counter()
            replies = await service.answer(conv, ANSWER, event_id=uuid.uuid4().hex)
            finished = time.perf_counter()
            samples.turns.append((finished, finished - started - MODEL_SECONDS.get()))
            if any(r.scorecard for r in replies):
                break  # this interview is over; the candidate starts another
            if not any(r.is_question for r in replies):
                samples.failed += 1


async def _scenario(args: argparse.Namespace) -> dict[str, Any]:
    settings = Settings(
        DATABASE_URL=args.database_url,
        OPENAI_API_KEY="sk-bench",
        OPENAI_BASE_URL=args.fake_url,
        MOCK_INTERVIEW_MODEL="bench",
        MOCK_INTERVIEW_TURN_DEADLINE=120,
        MOCK_INTERVIEW_ANSWERS_PER_MINUTE=0,  # candidates here answer faster than any person may
    )
    service = build_runtime(settings, rng=random.Random(1), observe_chat=TimedChat).service
    samples, stop = Samples(), asyncio.Event()
    watcher = asyncio.create_task(_watch_loop(samples, stop))
    tasks = [asyncio.create_task(_candidate(service, n, samples, args, stop)) for n in range(args.one)]
    await asyncio.sleep(args.warmup)
    # process_time: user and system CPU of this process, over all its threads (the database thread included).
    cpu_started, window_started = time.process_time(), time.perf_counter()
    await asyncio.sleep(args.duration - args.warmup)
    cpu_s, window_ended = time.process_time() - cpu_started, time.perf_counter()
    stop.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, watcher, return_exceptions=True)
    await service.close()
    overhead = [o * 1000 for at, o in samples.turns if window_started <= at <= window_ended]
    lag = [lag * 1000 for at, lag in samples.lag if window_started <= at <= window_ended]
    return {
        "interviews": args.one,
        "loop": event_loop_name(),
        "turns": len(overhead),
        "turns_per_s": round(len(overhead) / (window_ended - window_started), 1),
        "overhead_p50_ms": round(percentile(overhead, 50), 2),
        "overhead_p95_ms": round(percentile(overhead, 95), 2),
        "overhead_p99_ms": round(percentile(overhead, 99), 2),
        "loop_lag_p99_ms": round(percentile(lag, 99), 2),
        "cpu_ms_per_turn": round(cpu_s * 1000 / len(overhead), 2) if overhead else None,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "failed": samples.failed,
    }


def _run_one(args: argparse.Namespace, *, interviews: int, backend: str, think: tuple[float, float]) -> dict[str, Any]:
    """Run one scenario in a fresh process and return its figures."""
    with tempfile.TemporaryDirectory() as folder:
        drop = None
        if backend == "sqlite":
            url = f"sqlite:///{Path(folder) / 'load.db'}"
        else:
            url, drop = throwaway_postgres(args.postgres_url)
        command = [
            *(sys.executable, "-m", "bench.load", "--one", str(interviews), "--database-url", url),
            *("--fake-url", args.fake_url, "--duration", str(args.duration), "--warmup", str(args.warmup)),
            *("--ramp", str(args.ramp), "--think", str(think[0]), str(think[1])),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, check=True)
        finally:
            if drop:
                drop()
    return {"backend": backend, "think_s": list(think), **json.loads(done.stdout.strip().splitlines()[-1])}


def main() -> None:
    """Run the scenarios and print a table (or one JSON object with --json)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--interviews", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    parser.add_argument("--saturate", type=int, nargs="*", default=[1000], help="interviews answering without pause")
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--warmup", type=float, default=20.0)
    parser.add_argument("--ramp", type=float, default=15.0, help="seconds over which interviews start")
    parser.add_argument("--think", type=float, nargs=2, default=[2.0, 5.0])
    parser.add_argument("--latency", type=float, nargs=2, default=[0.5, 2.0], help="model latency range, seconds")
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: run one scenario in this process
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--fake-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        args.think = tuple(args.think)
        # Each scenario runs on the loop the bots run on: uvloop unless MOCK_INTERVIEW_UVLOOP=0.
        print(json.dumps(run_event_loop(_scenario(args), uvloop=Settings().uvloop)))
        return
    fake, args.fake_url = start_fake_model(tuple(args.latency))
    rows = []
    try:
        for backend in args.backends:
            for interviews in args.interviews:
                rows.append(_run_one(args, interviews=interviews, backend=backend, think=tuple(args.think)))
                _print_progress(rows[-1], args.json)
            for interviews in args.saturate:
                rows.append(
                    {**_run_one(args, interviews=interviews, backend=backend, think=(0.0, 0.0)), "saturation": True}
                )
                _print_progress(rows[-1], args.json)
    finally:
        fake.terminate()
        fake.wait()
    if args.json:
        headline = next((r for r in rows if r["interviews"] == 1000 and not r.get("saturation")), rows[0])
        best = max((r["turns_per_s"] for r in rows if r["backend"] == "sqlite"), default=None)
        keys = ("turns_per_s", "overhead_p50_ms", "overhead_p99_ms", "loop_lag_p99_ms", "cpu_ms_per_turn")
        summary = {k: headline[k] for k in keys}
        summary["peak_rss_mb"] = max(r["peak_rss_mb"] for r in rows)
        saturated = [r for r in rows if r.get("saturation") and r["backend"] == "sqlite"]
        cpu = saturated[0]["cpu_ms_per_turn"] if saturated else None
        print(
            json.dumps(
                {
                    **summary,
                    "saturation_turns_per_s_sqlite": best,
                    "saturation_cpu_ms_per_turn_sqlite": cpu,
                    "scenarios": rows,
                }
            )
        )


def _print_progress(row: dict[str, Any], quiet: bool) -> None:
    if quiet:  # the JSON comes at the end; a line per scenario on stderr keeps a long run's figures if it fails
        print(json.dumps(row), file=sys.stderr, flush=True)
        return
    label = "saturation" if row.get("saturation") else f"think {row['think_s'][0]:g}-{row['think_s'][1]:g} s"
    print(
        f"{row['backend']:<10} {row['interviews']:>5} interviews ({label}): {row['turns_per_s']:>7} turns/s, "
        f"overhead p50 {row['overhead_p50_ms']} ms p95 {row['overhead_p95_ms']} ms p99 {row['overhead_p99_ms']} ms, "
        f"loop lag p99 {row['loop_lag_p99_ms']} ms, CPU {row['cpu_ms_per_turn']} ms/turn, "
        f"peak RSS {row['peak_rss_mb']} MB, failed {row['failed']}",
        flush=True,
    )


if __name__ == "__main__":
    main()
