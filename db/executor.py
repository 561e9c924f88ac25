"""Running blocking store methods on the store's own database threads."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol, TypeVar

R = TypeVar("R")


class HasExecutor(Protocol):
    """A store that owns the threads its transactions run on."""

    _executor: ThreadPoolExecutor
    _ack_executor: ThreadPoolExecutor


def in_db_thread(fn: Callable[..., R]) -> Callable[..., Coroutine[Any, Any, R]]:
    """Make a blocking store method async by running it on the store's database threads."""

    @functools.wraps(fn)
    async def wrapper(self: HasExecutor, *args: Any, **kwargs: Any) -> R:
        call = functools.partial(fn, self, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self._executor, call)

    return wrapper


def in_ack_thread(fn: Callable[..., R]) -> Callable[..., Coroutine[Any, Any, R]]:
    """Like in_db_thread, on a thread of its own: a platform waiting for our acknowledgement must not queue behind
    the turns' transactions (it is one short insert; SQLite's lock orders it with the rest)."""

    @functools.wraps(fn)
    async def wrapper(self: HasExecutor, *args: Any, **kwargs: Any) -> R:
        call = functools.partial(fn, self, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self._ack_executor, call)

    return wrapper
