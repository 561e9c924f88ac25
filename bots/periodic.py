"""A job run every few seconds in the background of a bot process (the sweepers that carry on after a crash)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from core.interview.service import InterviewService

log = logging.getLogger(__name__)

_PURGE_EVERY = 100  # sweeps between purges of handled events and sent replies


class Periodic:
    """Runs job every every_s seconds until stopped; a failing run is logged and the next one tries again."""

    def __init__(self, name: str, job: Callable[[], Awaitable[None]], *, every_s: float) -> None:
        self.name = name
        self.every_s = every_s
        self._job = job
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start running in the background (once)."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        """Stop, waiting for nothing but the cancellation."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                await self._job()
            except Exception:
                log.exception("%s failed; trying again in %.1f s", self.name, self.every_s)
            await asyncio.sleep(self.every_s)


def sweeper(name: str, service: InterviewService, sweep: Callable[[], Awaitable[None]]) -> Periodic:
    """A Periodic running sweep as often as the service asks, forgetting old handled events and sent replies every
    hundredth time."""
    runs = 0

    async def run() -> None:
        nonlocal runs
        await sweep()
        if runs % _PURGE_EVERY == 0:
            await service.purge_delivered()
        runs += 1

    return Periodic(name, run, every_s=service.sweep_every_s)
