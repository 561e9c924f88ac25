"""What both endpoints of the fake OpenAI share: the API-key check, model latency, the fault script, its errors."""

from __future__ import annotations

import asyncio
import random
from collections import deque
from typing import Any

from aiohttp import web
from multidict import CIMultiDict

FAULT_KINDS = ("429", "500", "timeout", "malformed", "empty_choices", "bad_body")
TRANSPORT_FAULTS = ("429", "500", "timeout", "bad_body")  # the ones that make sense for transcriptions too


def error_response(status: int, message: str, *, kind: str, code: str | None = None, **extra: Any) -> web.Response:
    """An error as OpenAI sends it: {"error": {message, type, param, code}}."""
    body = {"error": {"message": message, "type": kind, "param": extra.pop("param", None), "code": code}}
    return web.json_response(body, status=status, headers=extra.pop("headers", None))


class EndpointBase:
    """Behaviour the chat and transcription endpoints share; FakeOpenAI sets the state it reads."""

    api_key: str | None
    latency: tuple[float, float]
    fault_rate: float
    retry_after: float
    retry_after_ms: bool
    hang_seconds: float
    _fault_rng: random.Random
    _latency_rng: random.Random
    _script: dict[str, deque[tuple[str, str]]]
    _closing: asyncio.Event

    def _headers(self, request: web.Request) -> tuple[CIMultiDict[str], bool]:
        """The request headers, Authorization redacted, looked up case-insensitively; and whether the key fits."""
        headers = CIMultiDict(request.headers)
        if "Authorization" in headers:
            headers["Authorization"] = "Bearer ***"
        given = request.headers.get("Authorization", "")
        return headers, self.api_key is None or given == f"Bearer {self.api_key}"

    def _unauthorized(self, request: web.Request) -> web.Response:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ")
        # The whole key is echoed on purpose (real services echo a masked one): clients must not pass it on.
        return error_response(
            401, f"Incorrect API key provided: {given}.", kind="invalid_request_error", code="invalid_api_key"
        )

    async def _delay(self) -> float:
        """Sleep for the configured model latency; the seconds slept."""
        low, high = self.latency
        if high <= 0:
            return 0.0
        seconds = self._latency_rng.uniform(low, high)
        await asyncio.sleep(seconds)
        return seconds

    def _next_script(self, endpoint: str) -> tuple[str, str] | None:
        if self._script[endpoint]:
            return self._script[endpoint].popleft()
        if self.fault_rate and endpoint == "chat" and self._fault_rng.random() < self.fault_rate:
            return ("fault", self._fault_rng.choice(FAULT_KINDS))
        return None

    async def _transport_fault(self, fault: str) -> web.Response | None:
        if fault == "429":
            headers = {"Retry-After": f"{self.retry_after:g}"}
            if self.retry_after_ms:
                headers["retry-after-ms"] = str(round(self.retry_after * 1000))
            return error_response(429, "Rate limit reached. Please try again later.", kind="requests", headers=headers)
        if fault == "500":
            return error_response(500, "The server had an error while processing your request.", kind="server_error")
        if fault == "timeout":
            try:
                await asyncio.wait_for(self._closing.wait(), self.hang_seconds)
            except TimeoutError:
                pass
            return error_response(504, "Gateway timeout.", kind="server_error")
        if fault == "bad_body":
            return web.Response(text='{"id": "chatcmpl-cut", "choices": [{"mess', content_type="application/json")
        return None
