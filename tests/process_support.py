"""`mock-interview slack --http` as a real process: a free port, its environment, and waiting until it serves."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def process_env(home: Path, **values: str) -> dict[str, str]:
    """A bare environment for a bot process: our source on the path, its own home, and values."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "xdg"),
        **values,
    }


async def spawn_slack_http(env: dict[str, str], *, cwd: Path, port: int | None = None) -> asyncio.subprocess.Process:
    """Start `python -m bots.cli slack --http` (with `--port port`, else PORT applies), its output piped."""
    args = ["-m", "bots.cli", "slack", "--http", *(["--port", str(port)] if port is not None else [])]
    return await asyncio.create_subprocess_exec(
        sys.executable, *args, cwd=cwd, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )


async def wait_healthy(http: aiohttp.ClientSession, url: str, *, within_s: float = 30) -> None:
    """Wait until GET url answers 200."""
    async with asyncio.timeout(within_s):
        while True:
            try:
                async with http.get(url) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.1)


async def stop(process: asyncio.subprocess.Process, *, within_s: float = 30) -> tuple[str, str]:
    """SIGTERM the process (if it still runs) and wait for it; its stdout and stderr."""
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
    out, err = await asyncio.wait_for(process.communicate(), within_s)
    return out.decode(), err.decode()
