"""One chat-completions request made cheaply: the body encoded here, the reply read as plain JSON.

The SDK's `chat.completions.create` walks every request through its TypedDict transformation (recursing into each
message and the whole schema) and builds a pydantic ChatCompletion from every reply: over a third of a call's CPU,
for a body we build right ourselves and a reply of which we read five fields. Posting our encoded body through the
same client keeps the rest of the SDK: authentication, timeouts, connection errors and HTTP error statuses raised as
its exception types (core/providers/errors.py and retry.py read them).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx2
import openai
import orjson

_PATH = "/chat/completions"
_MAX_COUNT = 2**31 - 1  # more tokens than any model takes, and than the usage table's integer columns hold
# The request options, built once: bearer auth as the SDK's own create() asks; the rest given as "not given", which
# is what the SDK would otherwise deep-copy from its defaults on every call.
_OPTIONS: Any = {
    "security": {"bearer_auth": True},
    **dict.fromkeys(("headers", "max_retries", "timeout", "post_parser"), openai.NOT_GIVEN),
}


@dataclass(frozen=True)
class Reply:
    """What we read of a chat completion. Servers leave out any field, or send the wrong type: each is optional."""

    content: str | None = None
    model: str | None = None
    prompt_tokens: int = 0
    cached_tokens: int = 0
    completion_tokens: int = 0
    processing_ms: int = 0  # the provider's own processing time (`openai-processing-ms`), 0 when not given


def request_body(
    *,
    model: str,
    messages: list[dict[str, str]],
    response_format: Mapping[str, Any] | None,
    temperature: float | None,
    max_tokens: int | None,
) -> bytes:
    """The JSON body of a chat-completions request; a None parameter is left out, as the SDK's `omit` does."""
    body: dict[str, Any] = {"model": model, "messages": messages}
    if response_format is not None:
        body["response_format"] = response_format
    if temperature is not None:
        body["temperature"] = temperature
    if max_tokens is not None:
        body["max_tokens"] = max_tokens
    try:
        return orjson.dumps(body)
    except TypeError:  # orjson.JSONEncodeError: a lone surrogate in some text, which \u escapes still carry
        return json.dumps(body, separators=(",", ":")).encode()


async def post_completion(client: openai.AsyncOpenAI, body: bytes) -> httpx2.Response:
    """POST body to the client's chat completions; raises the SDK's errors (APIStatusError and the rest)."""
    # cast_to=httpx2.Response: the SDK hands the response back as it came, without building a model of it.
    return await client.post(_PATH, cast_to=httpx2.Response, content=body, options=_OPTIONS)


def read_reply(response: httpx2.Response) -> Reply:
    """The fields we use of a 200's body; a body that is not a JSON object gives a Reply with none of them."""
    processing_ms = _processing_ms(response.headers)
    data = _decoded(response.content)
    if not isinstance(data, dict):
        return Reply(processing_ms=processing_ms)
    usage = _mapping(data.get("usage"))
    choices = data.get("choices")
    first = _mapping(choices[0]) if isinstance(choices, list) and choices else {}
    content = _mapping(first.get("message")).get("content")
    model = data.get("model")
    return Reply(
        content=content if isinstance(content, str) else None,
        model=model if isinstance(model, str) else None,
        prompt_tokens=_count(usage.get("prompt_tokens")),
        cached_tokens=_count(_mapping(usage.get("prompt_tokens_details")).get("cached_tokens")),
        completion_tokens=_count(usage.get("completion_tokens")),
        processing_ms=processing_ms,
    )


def _decoded(content: bytes) -> object:
    """The body parsed as JSON, None when it is not JSON."""
    try:
        return orjson.loads(content)
    except ValueError:  # orjson.JSONDecodeError; it also refuses what Python's json reads (integers past 64 bits)
        pass
    try:
        return json.loads(content)
    except (ValueError, RecursionError):
        return None


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _count(value: object) -> int:
    """A token count as the server gave it, if it is a number from 0 to _MAX_COUNT; else 0 (never a crash)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= _MAX_COUNT:
        return 0
    return int(value)


def _processing_ms(headers: Mapping[str, str]) -> int:
    """OpenAI's `openai-processing-ms` header (0 when absent or not a number)."""
    try:
        value = float(headers.get("openai-processing-ms", 0))
    except (TypeError, ValueError):
        return 0
    return int(value) if math.isfinite(value) and value > 0 else 0
