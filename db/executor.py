"""Running blocking store methods on the store's own database threads, urgent work first."""

from __future__ import annotations

import asyncio
import functools
import itertools
import queue
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import Executor, Future
from typing import Any, Protocol, TypeVar

R = TypeVar("R")

_URGENT, _NORMAL, _STOP = 0, 1, 2


class LaneExecutor(Executor):
    """A thread pool whose urgent calls run before any queued normal one.

    A platform waiting for our acknowledgement must not queue behind the turns' transactions; a thread of its own
    would contend for SQLite's write lock instead, and SQLite's busy handler backs off in sleeps of up to 100 ms.
    Jumping the queue on the same threads waits at most for the transaction in progress."""

    def __init__(self, threads: int, name: str) -> None:
        self._queue: queue.PriorityQueue[tuple[int, int, Any]] = queue.PriorityQueue()
        self._order = itertools.count()  # FIFO within a lane
        self._closed = False
        # Daemon threads: every store call is one transaction, so one cut off at exit is rolled back, never half-done.
        self._threads = [threading.Thread(target=self._work, name=f"{name}_{n}", daemon=True) for n in range(threads)]
        for thread in self._threads:
            thread.start()

    def submit(self, fn: Callable[..., R], /, *args: Any, **kwargs: Any) -> Future[R]:
        """Queue a call behind the others."""
        return self._put(_NORMAL, functools.partial(fn, *args, **kwargs))

    def submit_urgent(self, fn: Callable[..., R], /, *args: Any, **kwargs: Any) -> Future[R]:
        """Queue a call ahead of every normal one."""
        return self._put(_URGENT, functools.partial(fn, *args, **kwargs))

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop the threads once the queued calls ran."""
        if not self._closed:
            self._closed = True
            for _ in self._threads:
                self._queue.put((_STOP, next(self._order), None))
        if wait:
            for thread in self._threads:
                thread.join()

    def _put(self, lane: int, call: Callable[[], R]) -> Future[R]:
        if self._closed:
            raise RuntimeError("the store is closed")
        future: Future[R] = Future()
        self._queue.put((lane, next(self._order), (future, call)))
        return future

    def _work(self) -> None:
        while True:
            lane, _, job = self._queue.get()
            if lane == _STOP:
                return
            future, call = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(call())
            except BaseException as exc:  # handed to the awaiting coroutine, like ThreadPoolExecutor does
                future.set_exception(exc)


class HasExecutor(Protocol):
    """A store that owns the threads its transactions run on."""

    _executor: LaneExecutor


def in_db_thread(fn: Callable[..., R]) -> Callable[..., Coroutine[Any, Any, R]]:
    """Make a blocking store method async by running it on the store's database threads."""

    @functools.wraps(fn)
    async def wrapper(self: HasExecutor, *args: Any, **kwargs: Any) -> R:
        return await asyncio.wrap_future(self._executor.submit(fn, self, *args, **kwargs))

    return wrapper


def urgent_in_db_thread(fn: Callable[..., R]) -> Callable[..., Coroutine[Any, Any, R]]:
    """Like in_db_thread, ahead of the queued calls: for a short write a platform awaits before we acknowledge."""

    @functools.wraps(fn)
    async def wrapper(self: HasExecutor, *args: Any, **kwargs: Any) -> R:
        return await asyncio.wrap_future(self._executor.submit_urgent(fn, self, *args, **kwargs))

    return wrapper
