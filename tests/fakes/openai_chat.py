"""The fake OpenAI's chat completions endpoint: response_format support, scripted replies, usage and caching."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from aiohttp import web

from tests.fakes.openai_endpoint import EndpointBase, error_response
from tests.fakes.openai_responder import default_content, message_text

MALFORMED_CONTENT = "Sure! Here is my answer: score nine"
_CACHE_MIN_TOKENS = 1024  # OpenAI caches prompts from 1024 tokens on, in 128-token steps
_CACHE_STEP = 128
PROMPT_MEMORY = 256  # earlier prompts remembered for prefix caching

Responder = Callable[[dict[str, Any]], str]


def _shared_prefix_len(a: str, b: str) -> int:
    """Length of the common prefix, by binary search over C-speed slice comparisons."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        mid = (low + high + 1) // 2
        if a[:mid] == b[:mid]:
            low = mid
        else:
            high = mid - 1
    return low


def _capped(content: str | None, max_tokens: object) -> tuple[str | None, str]:
    """The content cut to max_tokens (four characters a token, as our usage counts) and the finish reason."""
    if content is None or not isinstance(max_tokens, int) or len(content) <= max_tokens * 4:
        return content, "stop"
    return content[: max_tokens * 4], "length"


def _response_format_type(body: dict[str, Any]) -> str | None:
    fmt = body.get("response_format")
    return fmt.get("type") if isinstance(fmt, dict) else None


class ChatCompletionsMixin(EndpointBase):
    """POST /v1/chat/completions and the chat-only scripting; mixed into FakeOpenAI."""

    supports_json_schema: bool
    supports_json_object: bool
    lean: bool
    responder: Responder
    requests: list[dict[str, Any]]
    answered: int
    _arrivals: list[tuple[int, asyncio.Event]]
    _prompts: deque[tuple[str, str]]

    # -- scripting -------------------------------------------------------------------------------------

    def arrival_of(self, count: int) -> asyncio.Event:
        """An Event set once `count` chat requests have arrived (counting those before)."""
        arrived = asyncio.Event()
        self._arrivals.append((count, arrived))
        self._check_arrivals()
        return arrived

    def _check_arrivals(self) -> None:
        for count, arrived in self._arrivals:
            if len(self.requests) >= count:
                arrived.set()

    def enqueue_content(self, content: str) -> None:
        """Answer the next chat completion with exactly this message content."""
        self._script["chat"].append(("content", content))

    # -- chat completions ------------------------------------------------------------------------------

    async def _chat(self, request: web.Request) -> web.Response:
        headers, authorized = self._headers(request)
        try:
            body = await request.json()
        except ValueError:
            body = None
        record: dict[str, Any] = {
            "at": time.monotonic(),  # arrival, to measure the waits between a client's retries
            "path": request.path,
            "headers": headers,
            "authorized": authorized,
            "body": body,
        }
        record.update(fault=None, usage=None)
        if not self.lean:
            self.requests.append(record)
            self._check_arrivals()
        slept = await self._delay()
        if not authorized:
            return self._unauthorized(request)
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            return error_response(
                400, "We could not parse the JSON body of your request.", kind="invalid_request_error"
            )
        rejected = self._reject_format(body)
        if rejected is not None:
            return rejected
        step = self._next_script("chat")
        if step and step[0] == "fault":
            record["fault"] = step[1]
            response = await self._transport_fault(step[1])
            if response is not None:
                return response
        self.answered += 1
        if step and step[0] == "content":
            content: str | None = step[1]
        elif step and step[1] == "malformed":
            content = MALFORMED_CONTENT
        elif step and step[1] == "empty_choices":
            content = None
        else:
            content = self._wrap(self._respond(body), body)
        content, finish = _capped(content, body.get("max_tokens"))
        record["usage"] = self._usage(body, content or "")
        # As OpenAI does: the time the model took, so clients can tell it from the network and their own overhead.
        timing = {"openai-processing-ms": str(round(slept * 1000))}
        completion = self._completion(body, content, record["usage"], finish)
        return web.json_response(completion, headers=timing)

    def _reject_format(self, body: dict[str, Any]) -> web.Response | None:
        kind = _response_format_type(body)
        supported = {"json_schema": self.supports_json_schema, "json_object": self.supports_json_object}
        if supported.get(kind or "", True):
            return None
        allowed = ", ".join(["text", *(k for k, ok in supported.items() if ok)])
        message = f"response_format type '{kind}' is not supported by this server; supported: {allowed}"
        return error_response(400, message, kind="invalid_request_error", param="response_format")

    def _respond(self, body: dict[str, Any]) -> str:
        """The reply's content before wrapping: the responder's (quirks may answer otherwise)."""
        return self.responder(body)

    @staticmethod
    def _wrap(content: str, body: dict[str, Any]) -> str:
        if _response_format_type(body) in ("json_schema", "json_object"):
            return content
        return f"Here you go:\n```json\n{content}\n```"  # what chatty local models do without a response_format

    def _usage(self, body: dict[str, Any], content: str) -> dict[str, Any]:
        messages = body["messages"]
        chars = sum(len(message_text(m)) for m in messages if isinstance(m, dict))
        prompt_tokens = (chars + 3) // 4 + 4 * len(messages)
        text = "".join(f"{m.get('role')}\n{message_text(m)}\n" for m in messages if isinstance(m, dict))
        model = str(body.get("model"))
        if self.lean:
            return self._usage_figures(prompt_tokens, 0, content)
        shared = max((_shared_prefix_len(text, old) for m, old in self._prompts if m == model), default=0)
        self._prompts.append((model, text))
        cached = (shared // 4) // _CACHE_STEP * _CACHE_STEP
        cached = min(cached, prompt_tokens) if cached >= _CACHE_MIN_TOKENS else 0
        return self._usage_figures(prompt_tokens, cached, content)

    @staticmethod
    def _usage_figures(prompt_tokens: int, cached: int, content: str) -> dict[str, Any]:
        completion_tokens = (len(content) + 3) // 4
        return {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
            "prompt_tokens_details": {"cached_tokens": cached, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0},
        }

    def _completion(
        self, body: dict[str, Any], content: str | None, usage: dict[str, Any], finish: str = "stop"
    ) -> dict[str, Any]:
        message = {"role": "assistant", "content": content, "refusal": None}
        choice = {"index": 0, "message": message, "logprobs": None, "finish_reason": finish}
        return {
            "id": f"chatcmpl-fake-{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model"),
            "choices": [] if content is None else [choice],
            "usage": usage,
            "system_fingerprint": "fp_fake",
        }

    def default_responder(self, body: dict[str, Any]) -> str:
        """Plausible JSON for our schemas (see openai_responder)."""
        return default_content(body, self.answered)
