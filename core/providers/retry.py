"""Our retry policy for model calls: which failures are worth another try, and how long to wait before it.

The openai SDK would retry by itself, waiting exactly what Retry-After says (up to two minutes) with no jitter; we
turn that off (max_retries=0) so the policy is ours: the server's wait when it gives one, else exponential backoff,
always plus random jitter so that many turns rate-limited together do not come back together, and each wait capped.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import math
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

import openai

from core.providers.formats import names_response_format

log = logging.getLogger(__name__)

T = TypeVar("T")

# A turn has 30 s by default (MOCK_INTERVIEW_TURN_DEADLINE): a minute-long Retry-After would only use it up.
MAX_WAIT_S = 10.0
FIRST_BACKOFF_S = 0.5  # the wait before the first retry when the server names none; doubles each time
JITTER_RATIO = 0.25  # jitter is up to this share of the wait ...
MIN_JITTER_S = 0.05  # ... plus this, so that even a Retry-After of 0 spreads callers out
_RETRYABLE_STATUS = frozenset({408, 409, 429})


@dataclass(frozen=True)
class Backoff:
    """How long to wait before a retry: Retry-After when the server gives it, else exponential; jittered, capped.

    Pass a seeded random.Random as rng for reproducible waits.
    """

    first_s: float = FIRST_BACKOFF_S
    max_wait_s: float = MAX_WAIT_S
    jitter_ratio: float = JITTER_RATIO
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def jitter_bound(self, base_s: float) -> float:
        """The most jitter added to a wait of base_s seconds."""
        return self.jitter_ratio * base_s + MIN_JITTER_S

    def wait(self, retry: int, headers: Mapping[str, str] | None = None) -> float:
        """Seconds to sleep before retry number `retry` (0 for the first), given the failed response's headers."""
        asked = retry_after(headers)
        base = asked if asked is not None else self.first_s * 2.0 ** min(retry, 30)
        base = min(max(base, 0.0), self.max_wait_s)
        jitter = self.rng.uniform(0.0, self.jitter_bound(base))
        if base + jitter <= self.max_wait_s:
            return base + jitter  # never sooner than the server asked
        # At the cap the jitter spreads waits below it instead, or every capped caller would return at once.
        return max(0.0, self.max_wait_s - jitter)


def retry_after(headers: Mapping[str, str] | None) -> float | None:
    """The wait a response asks for, in seconds: retry-after-ms, else Retry-After (seconds or an HTTP date)."""
    if not headers:
        return None
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = _header(headers, name)
        if value is None:
            continue
        try:
            seconds = float(value) / divisor
        except ValueError:
            continue
        if math.isnan(seconds):
            continue
        return max(seconds, 0.0)  # inf stays inf: the cap takes care of it
    value = _header(headers, "retry-after")
    when = email.utils.parsedate_tz(value) if value else None
    if when is None:
        return None
    return max(email.utils.mktime_tz(when) - time.time(), 0.0)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    # httpx headers ignore case; a plain dict (in tests, say) may not.
    value = headers.get(name)
    return value if value is not None else headers.get(name.title())


def is_retryable(exc: BaseException) -> bool:
    """Whether another try could succeed: timeouts, connection errors, 408, 409, 429 and 5xx (not format refusals)."""
    if isinstance(exc, openai.APIConnectionError):  # APITimeoutError is one too
        return True
    if not isinstance(exc, openai.APIStatusError):
        return False
    if names_response_format(exc):
        # A server refusing the response_format (llama-cpp-python says so with a 500) refuses it again: the caller
        # steps down to another format instead of waiting for the same answer.
        return False
    told = exc.response.headers.get("x-should-retry")  # OpenAI's own hint, where it sends one
    if told in ("true", "false"):
        return told == "true"
    if isinstance(exc, openai.RateLimitError) and exc.code == "insufficient_quota":
        return False  # an exhausted account does not come back in seconds
    return exc.status_code in _RETRYABLE_STATUS or exc.status_code >= 500


def failed_headers(exc: BaseException) -> Mapping[str, str] | None:
    """The headers of the response that failed, when there was one."""
    return exc.response.headers if isinstance(exc, openai.APIStatusError) else None


async def with_retries(
    call: Callable[..., Awaitable[T]], *args: object, retries: int, backoff: Backoff, purpose: str, **kwargs: object
) -> T:
    """await call(*args, **kwargs), tried again up to `retries` times after a retryable failure; else it raises."""
    attempt = 0
    while True:
        try:
            return await call(*args, **kwargs)
        except openai.OpenAIError as exc:
            if attempt >= retries or not is_retryable(exc):
                raise
            delay = backoff.wait(attempt, failed_headers(exc))
            attempt += 1
            # Type and status only: an error's text can echo the API key or the provider's raw reply.
            status = getattr(exc, "status_code", None)
            log.info(
                "%s: %s status=%s; retry %d of %d in %.2f s",
                purpose,
                type(exc).__name__,
                status,
                attempt,
                retries,
                delay,
            )
            await asyncio.sleep(delay)
