"""Interviews through the Slack HTTP app as Slack drives it: signed requests in, the fake Web API out.

    python -m bench.slack [--interviews 100 500] [--saturate 500] [--duration 60] [--json]

The app runs as `mock-interview slack --http` in its own process, on SQLite, against the fake OpenAI server (another
process, answering after a fixed LATENCY) and a fake Slack Web API in this process. Each candidate starts with
`/mock-interview`, then answers in the thread every 2-5 s. Measured after the warm-up:
- ack_p50/p99_ms: how long the app takes to answer Slack's HTTP request (Slack wants it within 3 s);
- overhead_p50/p99_ms: from the answer's event to the next question reaching the Web API, minus the model's time.
Saturation (--saturate): candidates answer again as soon as the question arrives, so the app serves all it can; the
floor (bench/floor_app.py: bolt, aiohttp and the openai SDK, one model call and one message a turn, nothing stored)
then takes the same load on the same fakes. ratio_to_floor is our saturated turns/s over the floor's, while a turn of
ours makes two model calls, stores the turn and posts through the outbox. cpu_cores: each process's CPU time over the
measured window, in cores (the machine has two; "machine" counts everyone's work on it).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import subprocess
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import aiohttp

from bench.common import (
    client_session,
    cpu_snapshot,
    free_port,
    percentile,
    spawn,
    start_fake_model,
    stop,
    wait_healthy,
)
from tests.fakes.slack_payloads import event_callback, form_body, signed_headers, slash_command, thread_reply
from tests.fakes.slack_server import BOT_TOKEN, FakeSlack

LATENCY = 0.5  # seconds the fake model takes for every call: subtracted from the end-to-end time
SECRET = "bench-signing-secret-0123456789abcdef"
FORM = "application/x-www-form-urlencoded"
EVENTS_PATH = "/slack/events"
RETRY_HEADERS = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}  # as Slack marks a redelivery
APPS = {"ours": ("bots.cli", "slack", "--http", "--port"), "floor": ("bench.floor_app", "--port")}
ANSWER = (
    "I would start from the goal and the metric, then check the data and agree a baseline with the team. For example, "
    "in my last role a feature leaked the label, so we removed it and used time-based validation; the honest model "
    "still beat the baseline. I would weigh the trade-offs with the people who act on it and monitor after launch."
)
Sample = tuple[float, float]  # (when, seconds)
Watch = Callable[[], Mapping[str, Sequence[int | str]]]  # process names -> their pids, looked up after the warm-up


class TimedSlack(FakeSlack):
    """The fake Web API, noting when each question reaches a thread."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.arrivals: dict[tuple[str, str], asyncio.Queue[float]] = defaultdict(asyncio.Queue)
        self.parents: dict[str, asyncio.Queue[str]] = defaultdict(asyncio.Queue)

    async def api_chat_postMessage(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """Store the message as the fake does; note a question's arrival and a new parent's ts."""
        answer = await super().api_chat_postMessage(params, token)
        message = answer.get("message") or {}
        if message.get("thread_ts") and any(b.get("type") == "actions" for b in message.get("blocks") or []):
            self.arrivals[(params["channel"], message["thread_ts"])].put_nowait(time.perf_counter())
        elif answer.get("ok") and not message.get("thread_ts"):
            self.parents[params["channel"]].put_nowait(message["ts"])
        return answer


class Workers:
    """Where requests go: each to the next worker in turn; with retries, an event also goes to the worker after it,
    marked as Slack marks a redelivery (same body, so the same event_id)."""

    def __init__(self, roots: Sequence[str], *, retries: bool = False) -> None:
        self.urls = [root + EVENTS_PATH for root in roots]
        self.retries = retries
        self._turn = itertools.count()

    def next(self) -> tuple[str, str]:
        """The URL for a request and the one its redelivery goes to."""
        n = next(self._turn) % len(self.urls)
        return self.urls[n], self.urls[(n + 1) % len(self.urls)]


class Candidate:
    """One person interviewing in their own channel."""

    def __init__(
        self,
        n: int,
        *,
        workers: Workers,
        fake: TimedSlack,
        http: aiohttp.ClientSession,
        think: tuple[float, float] = (2.0, 5.0),
    ) -> None:
        self.user, self.channel = f"U{n:06d}", f"C{n:06d}"
        self.rng = random.Random(n)
        self.workers, self.fake, self.http, self.think = workers, fake, http, think
        self.thread_ts: str | None = None
        self.answers = 0  # answers sent in the thread

    async def _send(self, url: str, body: bytes, content_type: str, extra: Mapping[str, str]) -> float:
        headers = {**signed_headers(SECRET, body, content_type=content_type), **extra}
        started = time.perf_counter()
        async with self.http.post(url, data=body, headers=headers) as response:
            await response.read()
            if response.status != 200:
                raise RuntimeError(f"Slack request refused: HTTP {response.status}")
        return time.perf_counter() - started

    async def post(self, body: bytes, content_type: str, *, event: bool = False) -> float:
        """Send a signed request (an event also as a retry, when the workers take retries); the seconds until the
        app acknowledged the first delivery."""
        url, other = self.workers.next()
        if not (event and self.workers.retries):
            return await self._send(url, body, content_type, {})
        # Both at once: the harshest case, each worker handling the same answer at the same moment.
        took, _ = await asyncio.gather(
            self._send(url, body, content_type, {}), self._send(other, body, content_type, RETRY_HEADERS)
        )
        return took

    async def run(self, ramp: float, stop: asyncio.Event, acks: list[Sample], overheads: list[Sample]) -> None:
        """Start an interview, then answer in its thread until stopped (an answer in flight is seen through)."""
        await asyncio.sleep(self.rng.uniform(0, ramp))
        fields = slash_command("data-science questions=20", user=self.user, channel=self.channel, response_url="")
        acks.append((time.perf_counter(), await self.post(form_body(fields), FORM)))
        self.thread_ts = await self.fake.parents[self.channel].get()
        arrivals = self.fake.arrivals[(self.channel, self.thread_ts)]
        await arrivals.get()  # the first question
        while not stop.is_set():
            await asyncio.sleep(self.rng.uniform(*self.think))
            if stop.is_set():
                return
            event = thread_reply(ANSWER, user=self.user, channel=self.channel, thread_ts=self.thread_ts)
            sent = time.perf_counter()
            self.answers += 1
            acks.append(
                (sent, await self.post(json.dumps(event_callback(event)).encode(), "application/json", event=True))
            )
            try:
                arrived = await asyncio.wait_for(arrivals.get(), 60)
            except TimeoutError:
                return  # the interview ended (a scorecard has no buttons) or the app fell behind
            overheads.append((arrived, arrived - sent - LATENCY))


def app_env(*, database_url: str, model_url: str, slack_url: str) -> dict[str, str]:
    """The environment of an app under test: its database, the fake model, the fake Slack and the signing secret."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "OPENAI_API_KEY": "sk-bench",
        "OPENAI_BASE_URL": model_url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack_url,
        "MOCK_INTERVIEW_ANSWERS_PER_MINUTE": "0",  # simulated candidates answer faster than people may
    }


def spawn_app(app: str, port: int, env: dict[str, str]) -> subprocess.Popen[str]:
    """Start "ours" (`mock-interview slack --http`) or "floor" (bench/floor_app.py) on port."""
    module, *args = APPS[app]
    return spawn(module, *args, str(port), env=env)


async def drive(
    people: list[Candidate], *, duration: float, warmup: float, ramp: float, watch: Watch, grace: float = 0.0
) -> dict[str, Any]:
    """Run the candidates for duration seconds and return the figures of the time after warmup; then wait up to grace
    seconds for the replies to answers in flight."""
    acks: list[Sample] = []
    overheads: list[Sample] = []
    done = asyncio.Event()
    tasks = [asyncio.create_task(p.run(ramp, done, acks, overheads)) for p in people]
    await asyncio.sleep(warmup)
    watched = watch()
    since, before = time.perf_counter(), cpu_snapshot(watched)
    await asyncio.sleep(duration - warmup)
    until, after = time.perf_counter(), cpu_snapshot(watched)
    done.set()
    if grace:
        await asyncio.wait(tasks, timeout=grace)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    window = until - since
    ack_ms = [a * 1000 for at, a in acks if since <= at <= until]
    over_ms = [o * 1000 for at, o in overheads if since <= at <= until]
    return {
        "turns_per_s": round(len(over_ms) / window, 1),
        "ack_p50_ms": round(percentile(ack_ms, 50), 2),
        "ack_p99_ms": round(percentile(ack_ms, 99), 2),
        "overhead_p50_ms": round(percentile(over_ms, 50), 2),
        "overhead_p99_ms": round(percentile(over_ms, 99), 2),
        "cpu_cores": {name: round((after[name] - before[name]) / window, 2) for name in after},
    }


async def scenario(
    interviews: int, *, app: str, think: tuple[float, float], model: subprocess.Popen[str], model_url: str, args: Any
) -> dict[str, Any]:
    """Run one load level against one app (on SQLite) and return its figures."""
    fake = TimedSlack()
    async with fake, client_session() as http:
        with tempfile.TemporaryDirectory() as folder:
            database = f"sqlite:///{Path(folder) / 'slack.db'}"
            port = free_port()
            process = spawn_app(app, port, app_env(database_url=database, model_url=model_url, slack_url=fake.base_url))
            try:
                root = f"http://127.0.0.1:{port}"
                await wait_healthy(http, root)
                people = [
                    Candidate(n, workers=Workers([root]), fake=fake, http=http, think=think) for n in range(interviews)
                ]
                figures = await drive(
                    people,
                    duration=args.duration,
                    warmup=args.warmup,
                    ramp=args.ramp,
                    watch=lambda: {app: [process.pid], "fake model": [model.pid], "driver and fake Slack": ["self"]},
                )
            finally:
                await stop(process)  # it finishes replies in progress on SIGTERM, through this process's fake
    cores = figures["cpu_cores"][app]  # turns per second of the app's own CPU: what a busy machine blurs least
    per_cpu = round(figures["turns_per_s"] / cores, 1) if cores else None
    return {"app": app, "interviews": interviews, "think_s": list(think), **figures, "turns_per_cpu_s": per_cpu}


def _print_row(row: dict[str, Any]) -> None:
    label = "no think time" if row["think_s"] == [0.0, 0.0] else "think {:g}-{:g} s".format(*row["think_s"])
    cpu = ", ".join(f"{name} {cores}" for name, cores in row["cpu_cores"].items())
    print(
        f"{row['app']:<5} {row['interviews']:>5} interviews ({label}): {row['turns_per_s']} turns/s, ack p50 "
        f"{row['ack_p50_ms']} ms p99 {row['ack_p99_ms']} ms, overhead p50 {row['overhead_p50_ms']} ms p99 "
        f"{row['overhead_p99_ms']} ms; {row['turns_per_cpu_s']} turns per CPU second; CPU cores: {cpu}",
        flush=True,
    )


async def _all(args: argparse.Namespace) -> list[dict[str, Any]]:
    model, model_url = start_fake_model((LATENCY, LATENCY))
    rows: list[dict[str, Any]] = []
    runs = [(n, "ours", (2.0, 5.0)) for n in args.interviews]
    runs += [(n, app, (0.0, 0.0)) for n in args.saturate for app in ("ours", "floor")]
    try:
        for interviews, app, think in runs:
            rows.append(await scenario(interviews, app=app, think=think, model=model, model_url=model_url, args=args))
            if not args.json:
                _print_row(rows[-1])
    finally:
        await stop(model, within=10)
    return rows


def main() -> None:
    """Print a line per load level, or one JSON object with --json."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--interviews", type=int, nargs="*", default=[100, 500], help="answering every 2-5 s")
    parser.add_argument("--saturate", type=int, nargs="*", default=[500], help="answering without pause, and floor")
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--warmup", type=float, default=20.0)
    parser.add_argument("--ramp", type=float, default=15.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = asyncio.run(_all(args))
    saturated = {r["app"]: r for r in rows if r["think_s"] == [0.0, 0.0]}  # the last --saturate level
    ours, floor = (saturated[app]["turns_per_s"] if app in saturated else None for app in ("ours", "floor"))
    ratio = round(ours / floor, 2) if ours is not None and floor else None
    # On a shared machine each app gets what CPU the others leave: per CPU second, the ratio depends less on that.
    per_cpu = [saturated[app]["turns_per_cpu_s"] for app in ("ours", "floor") if app in saturated]
    cpu_ratio = round(per_cpu[0] / per_cpu[1], 2) if len(per_cpu) == 2 and all(per_cpu) else None
    if args.json:
        headline = {k: v for k, v in rows[0].items() if k not in ("app", "interviews", "think_s", "cpu_cores")}
        extra = {"saturated_turns_per_s": ours, "floor_turns_per_s": floor, "ratio_to_floor": ratio}
        extra["ratio_to_floor_per_cpu"] = cpu_ratio
        print(json.dumps({**headline, **extra, "scenarios": rows}))
    elif floor is not None:
        print(f"saturated: ours {ours} turns/s, floor {floor}: ratio {ratio} (goal: 0.5), per CPU second {cpu_ratio}")


if __name__ == "__main__":
    main()
