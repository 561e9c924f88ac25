"""Interviews through the Slack HTTP app as Slack drives it: signed requests in, the fake Web API out.

    python -m bench.slack [--interviews 100 500] [--duration 60] [--json]

The app runs as `mock-interview slack --http` in its own process, on SQLite, against the fake OpenAI server (another
process, answering after a fixed LATENCY) and a fake Slack Web API in this process. Each candidate starts with
`/mock-interview`, then answers in the thread every 2-5 s. Measured after the warm-up:
- ack_p50/p99_ms: how long the app takes to answer Slack's HTTP request (Slack wants it within 3 s);
- overhead_p50/p99_ms: from the answer's event to the next question reaching the Web API, minus the model's time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import aiohttp

from bench.common import percentile, start_fake_model
from tests.fakes.slack_payloads import event_callback, form_body, signed_headers, slash_command, thread_reply
from tests.fakes.slack_server import BOT_TOKEN, FakeSlack

LATENCY = 0.5  # seconds the fake model takes for every call: subtracted from the end-to-end time
SECRET = "bench-signing-secret-0123456789abcdef"
FORM = "application/x-www-form-urlencoded"
ANSWER = (
    "I would start from the goal and the metric, then check the data and agree a baseline with the team. For example, "
    "in my last role a feature leaked the label, so we removed it and used time-based validation; the honest model "
    "still beat the baseline. I would weigh the trade-offs with the people who act on it and monitor after launch."
)


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


class Candidate:
    """One person interviewing in their own channel."""

    def __init__(self, n: int, *, url: str, fake: TimedSlack, http: aiohttp.ClientSession) -> None:
        self.user, self.channel = f"U{n:06d}", f"C{n:06d}"
        self.rng = random.Random(n)
        self.url, self.fake, self.http = url, fake, http

    async def post(self, body: bytes, content_type: str) -> float:
        """Send a signed request; the seconds until the app acknowledged it."""
        headers = signed_headers(SECRET, body, content_type=content_type)
        started = time.perf_counter()
        async with self.http.post(self.url, data=body, headers=headers) as response:
            await response.read()
            if response.status != 200:
                raise RuntimeError(f"Slack request refused: HTTP {response.status}")
        return time.perf_counter() - started

    async def run(self, ramp: float, stop: asyncio.Event, acks: list, overheads: list) -> None:
        """Start an interview, then answer in its thread until stopped."""
        await asyncio.sleep(self.rng.uniform(0, ramp))
        fields = slash_command("data-science questions=20", user=self.user, channel=self.channel, response_url="")
        acks.append((time.perf_counter(), await self.post(form_body(fields), FORM)))
        thread_ts = await self.fake.parents[self.channel].get()
        arrivals = self.fake.arrivals[(self.channel, thread_ts)]
        await arrivals.get()  # the first question
        while not stop.is_set():
            await asyncio.sleep(self.rng.uniform(2, 5))
            event = thread_reply(ANSWER, user=self.user, channel=self.channel, thread_ts=thread_ts)
            sent = time.perf_counter()
            acks.append((sent, await self.post(json.dumps(event_callback(event)).encode(), "application/json")))
            try:
                arrived = await asyncio.wait_for(arrivals.get(), 60)
            except TimeoutError:
                return  # the interview ended (a scorecard has no buttons) or the app fell behind
            overheads.append((arrived, arrived - sent - LATENCY))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _spawn_app(port: int, env: dict[str, str]) -> subprocess.Popen[str]:
    # Nothing reads its output: a pipe that filled up would block the app.
    args = [sys.executable, "-m", "bots.cli", "slack", "--http", "--port", str(port)]
    return subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)


async def scenario(interviews: int, *, duration: float, warmup: float, ramp: float) -> dict[str, Any]:
    """Run one load level and return its figures."""
    fake_model, model_url = start_fake_model((LATENCY, LATENCY))
    async with TimedSlack() as fake:
        with tempfile.TemporaryDirectory() as folder:
            port = _free_port()
            env = {
                **os.environ,
                "DATABASE_URL": f"sqlite:///{Path(folder) / 'slack.db'}",
                "OPENAI_API_KEY": "sk-bench",
                "OPENAI_BASE_URL": model_url,
                "SLACK_BOT_TOKEN": BOT_TOKEN,
                "SLACK_SIGNING_SECRET": SECRET,
                "SLACK_API_URL": fake.base_url,
                "MOCK_INTERVIEW_ANSWERS_PER_MINUTE": "0",  # simulated candidates answer faster than people may
            }
            app = _spawn_app(port, env)
            try:
                return await _drive(interviews, f"http://127.0.0.1:{port}", fake, duration, warmup, ramp)
            finally:
                # The app finishes replies in progress on SIGTERM, through this process's fake: keep serving it.
                app.terminate()
                await asyncio.to_thread(app.wait, 60)
                fake_model.terminate()
                await asyncio.to_thread(fake_model.wait, 10)


async def _drive(
    interviews: int, root: str, fake: TimedSlack, duration: float, warmup: float, ramp: float
) -> dict[str, Any]:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        for _ in range(100):  # wait for the app to listen
            try:
                async with http.get(f"{root}/healthz") as response:
                    if response.status == 200:
                        break
            except aiohttp.ClientError:
                await asyncio.sleep(0.1)
        acks: list[tuple[float, float]] = []
        overheads: list[tuple[float, float]] = []
        stop = asyncio.Event()
        began = time.perf_counter()
        people = [Candidate(n, url=f"{root}/slack/events", fake=fake, http=http) for n in range(interviews)]
        tasks = [asyncio.create_task(p.run(ramp, stop, acks, overheads)) for p in people]
        await asyncio.sleep(duration)
        stop.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    since = began + warmup
    ack_ms = [a * 1000 for at, a in acks if at >= since]
    over_ms = [o * 1000 for at, o in overheads if at >= since]
    return {
        "interviews": interviews,
        "turns_per_s": round(len(over_ms) / (duration - warmup), 1),
        "ack_p50_ms": round(percentile(ack_ms, 50), 2),
        "ack_p99_ms": round(percentile(ack_ms, 99), 2),
        "overhead_p50_ms": round(percentile(over_ms, 50), 2),
        "overhead_p99_ms": round(percentile(over_ms, 99), 2),
    }


def main() -> None:
    """Print a line per load level, or one JSON object with --json."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--interviews", type=int, nargs="+", default=[100, 500])
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--warmup", type=float, default=20.0)
    parser.add_argument("--ramp", type=float, default=15.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = []
    for interviews in args.interviews:
        rows.append(asyncio.run(scenario(interviews, duration=args.duration, warmup=args.warmup, ramp=args.ramp)))
        if not args.json:
            row = rows[-1]
            print(
                f"{row['interviews']:>5} interviews: {row['turns_per_s']} turns/s, ack p50 {row['ack_p50_ms']} ms "
                f"p99 {row['ack_p99_ms']} ms, overhead p50 {row['overhead_p50_ms']} ms p99 {row['overhead_p99_ms']} ms",
                flush=True,
            )
    if args.json:
        print(json.dumps({**{k: v for k, v in rows[0].items() if k != "interviews"}, "scenarios": rows}))


if __name__ == "__main__":
    main()
