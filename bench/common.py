"""What the benchmarks share: percentiles, printing figures, processes of their own (the fake model, the apps under
test) and the CPU time they use."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from db.engine import normalize_database_url

POSTGRES_URL = "postgresql://root@127.0.0.1:5432/test"  # the server the load and scale-out figures use


def percentile(values: list[float], q: int) -> float:
    """The q-th percentile (1-99) of values; NaN when there are none."""
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def print_figures(figures: dict[str, Any], *, as_json: bool) -> None:
    """One JSON object for scripts, or an aligned table for people."""
    if as_json:
        print(json.dumps(figures))
        return
    width = max(map(len, figures)) + 2
    for key, value in figures.items():
        print(f"{key:<{width}}{value}")


def start_fake_model(latency: tuple[float, float]) -> tuple[subprocess.Popen[str], str]:
    """The fake OpenAI server in its own process (its work is not ours to measure), lean, answering after latency."""
    fake = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.openai_server", "--port", "0", "--lean", "--latency", *map(str, latency)],
        stdout=subprocess.PIPE,  # it prints its URL and nothing more, so the pipe never fills
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert fake.stdout is not None
    return fake, fake.stdout.readline().strip()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def spawn(module: str, *args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    """`python -m module args` in its own process, its output discarded."""
    # Nothing reads its output: a pipe that filled up would block the process.
    command = [sys.executable, "-m", module, *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)


def client_session() -> aiohttp.ClientSession:
    """A driver's HTTP session: no cap on connections, as Slack opens as many as it needs."""
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))


async def stop(process: subprocess.Popen[str], *, within: float = 60.0) -> None:
    """SIGTERM process and wait for it to exit, without blocking the event loop (it may still call our fakes)."""
    process.terminate()
    await asyncio.to_thread(process.wait, within)


async def wait_healthy(http: aiohttp.ClientSession, root: str, *, within: float = 60.0) -> None:
    """Wait until root/healthz answers 200 (the app has migrated its database and listens)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            async with http.get(f"{root}/healthz") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError(f"{root} did not come up within {within:g} s")


def cpu_seconds(pid: int | str = "self") -> float:
    """CPU time (user + system) a process has used so far, from /proc (0.0 where there is no /proc)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) ": the comm may hold spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_snapshot(processes: Mapping[str, Sequence[int | str]]) -> dict[str, float]:
    """CPU seconds used so far by each named group of processes, and by the whole machine ("machine")."""
    return {"machine": machine_busy_seconds()} | {name: sum(map(cpu_seconds, pids)) for name, pids in processes.items()}


def machine_busy_seconds() -> float:
    """CPU time all of the machine's cores have spent busy so far (everyone's work, not only ours)."""
    try:
        first = Path("/proc/stat").read_text().splitlines()[0].split()
    except OSError:
        return 0.0
    ticks = [int(v) for v in first[1:]]
    idle = ticks[3] + ticks[4]  # idle and iowait
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def throwaway_postgres(server_url: str) -> tuple[str, Any]:
    """A new empty database on the server, and a function that drops it."""
    name = f"mi_bench_{uuid.uuid4().hex[:12]}"
    server_url = normalize_database_url(server_url)
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(server_url).set(database=name).render_as_string(hide_password=False), drop
