"""Blocking reads run off the event loop in daemon threads, so Ctrl-C never waits for a read that does not end."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


async def in_daemon_thread(work: Callable[[], T]) -> T:
    """work's result (or its exception), computed in a daemon thread.

    Not the default executor: on Ctrl-C asyncio.run waits for the executor's threads, so a pending input() or read
    would keep the program from exiting."""
    loop = asyncio.get_running_loop()
    outcome: asyncio.Future[T] = loop.create_future()

    def settle(value: T | None, problem: Exception | None) -> None:
        if outcome.done():  # cancelled: nobody waits for it any more
            return
        if problem is not None:
            outcome.set_exception(problem)
        else:
            outcome.set_result(value)  # type: ignore[arg-type]  # T, when there was no problem

    def run() -> None:
        value: T | None = None
        problem: Exception | None = None
        try:
            value = work()
        except Exception as exc:  # handed to the awaiting task: a failure in the thread must not leave it waiting
            problem = exc
        with contextlib.suppress(RuntimeError):  # the loop is gone: the program is exiting
            loop.call_soon_threadsafe(settle, value, problem)

    threading.Thread(target=run, daemon=True).start()
    return await outcome
