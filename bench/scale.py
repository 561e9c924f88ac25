"""Scale-out: one, then two `mock-interview slack --http` workers on one PostgreSQL database, saturated.

    python -m bench.scale [--interviews 400] [--duration 60] [--warmup 20] [--grace 60] [--json]

Each run gets a fresh throwaway database (the first worker migrates it as it starts; the second starts after). The
candidates of bench.slack answer without pause, their requests signed and sent to the workers in turn; in the third
run, with two workers, every thread reply is also delivered to the other worker at the same moment as a Slack retry
(X-Slack-Retry-Num: 1, same event_id). After the measured window the candidates stop answering and the replies to
answers in flight get up to --grace seconds; then every thread is counted at the fake Slack Web API:
- lost: answers that never got their next message in the thread;
- doubled: messages posted again (the same outbox item, or the same turn's question, twice), and messages beyond
  one per answer.
Both must be 0. scaling = two workers' turns/s over one's.

What limits scaling here: the machine has two cores, and the two workers share them with PostgreSQL, the fake model
and this process (the candidates and the fake Slack); cpu_cores gives each one's share of the measured window
("machine" is everyone's work, other jobs' too), cpu_ms_per_turn what a turn costs in each ("workers": all of them).
Two workers can only go faster than one where one worker left part of the two cores idle. Measured quiet: one
worker used 0.83 cores, two 1.21 with the machine at 1.98 of 2, so a third worker would add nothing here; scaling
itself needs workers on cores of their own, with PostgreSQL, the fakes and the candidates elsewhere.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import create_engine, text

from bench.common import (
    POSTGRES_URL,
    client_session,
    free_port,
    start_fake_model,
    stop,
    throwaway_postgres,
    wait_healthy,
)
from bench.slack import LATENCY, Candidate, TimedSlack, Workers, app_env, drive, spawn_app
from bots.slack.replies import REPLY_METADATA


def _backends(database_url: str) -> list[int]:
    """The PostgreSQL server processes serving database_url's connections (the workers' pools, open by now)."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            query = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            return [int(pid) for pid in conn.execute(text(query)).scalars()]
    finally:
        engine.dispose()


def _asks(message: Mapping[str, Any]) -> bool:
    """Whether a bot message is a question (it has the turn's buttons)."""
    return any(block.get("type") == "actions" for block in message.get("blocks") or [])


def _keys(message: Mapping[str, Any]) -> set[tuple[str, str]]:
    """What makes a bot message unique: the outbox item it carries, and the turn its buttons are for."""
    keys: set[tuple[str, str]] = set()
    metadata = message.get("metadata") or {}
    if metadata.get("event_type") == REPLY_METADATA:
        payload = metadata.get("event_payload") or {}
        keys.add(("item", f"{payload.get('item')}/{payload.get('part')}"))
    for block in message.get("blocks") or []:
        if block.get("type") == "actions":
            keys.add(("turn", str(block["elements"][0].get("value"))))
    return keys


def tally(fake: TimedSlack, people: Sequence[Candidate]) -> dict[str, int]:
    """lost and doubled over every candidate's thread, as the fake Web API holds it: each answer must have exactly
    one message after it (the next question, or the interview's end)."""
    lost = doubled = 0
    for person in people:
        if person.thread_ts is None:
            continue  # never got its thread: it sent no answer
        thread = fake.thread(person.channel, person.thread_ts)
        # What comes before the first question (the interview's introduction) answers nothing.
        first = next((n for n, message in enumerate(thread) if _asks(message)), 0)
        seen: set[tuple[str, str]] = set()
        distinct = []
        for message in thread[first:]:
            keys = _keys(message)
            if keys & seen:
                doubled += 1  # posted again
                continue
            seen |= keys
            distinct.append(message)
        while len(distinct) > 2 and not _asks(distinct[-1]) and not _asks(distinct[-2]):
            distinct.pop()  # the interview's end: its scorecard and chart answer one answer
        replies = len(distinct) - 1  # the first question came before any answer
        lost += max(0, person.answers - replies)
        doubled += max(0, replies - person.answers)  # a message that answers no answer: one answered twice
    return {"lost": lost, "doubled": doubled}


async def run(workers: int, *, retries: bool, args: argparse.Namespace, model: Any, model_url: str) -> dict[str, Any]:
    """One saturated run on a fresh database: its figures, CPU per process, lost and doubled."""
    database, drop = await asyncio.to_thread(throwaway_postgres, args.postgres_url)
    try:
        fake = TimedSlack()
        async with fake, client_session() as http:
            env = app_env(database_url=database, model_url=model_url, slack_url=fake.base_url)
            processes, roots = [], []
            try:
                for _ in range(workers):  # one at a time: migrating takes no lock (db/migrate.py)
                    port = free_port()
                    processes.append(spawn_app("ours", port, env))
                    roots.append(f"http://127.0.0.1:{port}")
                    await wait_healthy(http, roots[-1])
                route = Workers(roots, retries=retries)
                people = [
                    Candidate(n, workers=route, fake=fake, http=http, think=(0.0, 0.0)) for n in range(args.interviews)
                ]
                postgres: list[int] = []

                def watch() -> dict[str, list[int | str]]:
                    postgres.extend(_backends(database))  # here in the loop's thread: a short query, once
                    named: dict[str, list[int | str]] = {f"worker {n + 1}": [p.pid] for n, p in enumerate(processes)}
                    return named | {
                        "postgres": [*postgres],
                        "fake model": [model.pid],
                        "driver and fake Slack": ["self"],
                    }

                figures = await drive(
                    people, duration=args.duration, warmup=args.warmup, ramp=args.ramp, watch=watch, grace=args.grace
                )
                counted = tally(fake, people)
            finally:
                for process in processes:
                    await stop(process)
    finally:
        await asyncio.to_thread(drop)
    turns = figures["turns_per_s"]
    # Each process's CPU milliseconds per turn (of all turns, whichever worker served them): what a turn costs the
    # two cores, wherever it is spent; "workers" adds the workers up, the figure to compare between runs.
    per_turn = {name: round(cores * 1000 / turns, 1) for name, cores in figures["cpu_cores"].items() if turns}
    per_turn.pop("machine", None)
    if turns:
        per_turn["workers"] = round(sum(ms for name, ms in per_turn.items() if name.startswith("worker ")), 1)
    return {"workers": workers, "retries": retries, "interviews": args.interviews, **figures, **counted} | {
        "cpu_ms_per_turn": per_turn
    }


async def _all(args: argparse.Namespace) -> list[dict[str, Any]]:
    model, model_url = start_fake_model((LATENCY, LATENCY))
    rows: list[dict[str, Any]] = []
    try:
        for workers, retries in ((1, False), (2, False), (2, True)):
            rows.append(await run(workers, retries=retries, args=args, model=model, model_url=model_url))
            if not args.json:
                _print_row(rows[-1])
    finally:
        await stop(model, within=10)
    return rows


def _print_row(row: dict[str, Any]) -> None:
    label = f"{row['workers']} worker{'s' if row['workers'] > 1 else ''}" + (
        ", every event retried" if row["retries"] else ""
    )
    cpu = ", ".join(f"{name} {cores}" for name, cores in row["cpu_cores"].items())
    print(
        f"{label}: {row['turns_per_s']} turns/s, ack p99 {row['ack_p99_ms']} ms, overhead p50 {row['overhead_p50_ms']} "
        f"ms p99 {row['overhead_p99_ms']} ms, lost {row['lost']}, doubled {row['doubled']}; CPU cores: {cpu}; "
        f"CPU ms per turn: {', '.join(f'{name} {ms}' for name, ms in row['cpu_ms_per_turn'].items())}",
        flush=True,
    )


def main() -> None:
    """Run the three scale-out runs; print a line each and the scaling, or one JSON object with --json."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--interviews", type=int, default=400, help="candidates answering without pause")
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--warmup", type=float, default=20.0)
    parser.add_argument("--ramp", type=float, default=15.0)
    parser.add_argument("--grace", type=float, default=60.0, help="seconds the last answers' replies may take")
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    one, two, retried = asyncio.run(_all(args))
    scaling = round(two["turns_per_s"] / one["turns_per_s"], 2) if one["turns_per_s"] else None
    summary = {
        "one_process_turns_per_s": one["turns_per_s"],
        "two_process_turns_per_s": two["turns_per_s"],
        "scaling": scaling,
        "lost": sum(r["lost"] for r in (one, two, retried)),
        "doubled": sum(r["doubled"] for r in (one, two, retried)),
        "retry_turns_per_s": retried["turns_per_s"],
        "retry_lost": retried["lost"],
        "retry_doubled": retried["doubled"],
    }
    if args.json:
        print(json.dumps({**summary, "runs": [one, two, retried]}))
    else:
        print(f"scaling {scaling} (two workers over one); lost {summary['lost']}, doubled {summary['doubled']}")


if __name__ == "__main__":
    main()
