"""The response_format ladder: the rungs, whether a server refused one (whatever HTTP status it chose to say so with),
and the schema hint the rungs below json_schema carry in the prompt."""

from __future__ import annotations

import json
from typing import Any, Literal

import openai

Mode = Literal["json_schema", "json_object+schema", "json_object", "text"]
# json_object+schema is json_object with the schema inside it (`{"type": "json_object", "schema": {...}}`), an
# extension llama-cpp-python takes and turns into a grammar: its small models do not follow a schema given only in
# the prompt. A server that refuses the extra field (OpenAI's older models do, by name) steps down to json_object.
LADDER: tuple[Mode, ...] = ("json_schema", "json_object+schema", "json_object", "text")
# Words that name the format itself: enough to recognise a refusal whatever the status. llama-cpp-python answers
# json_schema with a 500 whose body is its validation error (`'loc': ('body', 'response_format', 'type')`).
_FORMAT_NAMES = ("response_format", "json_schema", "verbose_json")
# Looser words servers use in a 400/422 about the format (OpenAI, Azure, vLLM, llama.cpp, Ollama, Groq).
_FORMAT_WORDS = (*_FORMAT_NAMES, "format", "schema", "json", "structured")
_BODY_CHARS = 4000  # how much of an error body is read for those words: the part that says what was wrong


def _said(exc: openai.APIStatusError) -> str:
    """What the error says, lowercased: its message, param, code and body (never logged: it can echo input)."""
    return f"{exc.message} {exc.param or ''} {exc.code or ''} {str(exc.body)[:_BODY_CHARS]}".lower()


def names_response_format(exc: BaseException) -> bool:
    """Whether a failed call is the server refusing the response_format: an error that names it, any status."""
    if not isinstance(exc, openai.APIStatusError) or isinstance(exc, openai.RateLimitError):
        return False
    return any(name in _said(exc) for name in _FORMAT_NAMES)


def refuses_format(exc: openai.APIStatusError, mode: Mode, *, confirmed: bool) -> bool:
    """Whether this error means the server does not take `mode`, so the next rung down may work.

    confirmed: whether a call in `mode` has succeeded on this client before.
    """
    if names_response_format(exc):
        return True
    if exc.status_code not in (400, 422):
        return False  # a 5xx or a 404 that does not name the format is an outage or a wrong model, not the format
    if any(word in _said(exc) for word in _FORMAT_WORDS):
        return True
    # Servers that lack json_schema often reject it with a bare 400; once it has worked, a 400 is about something
    # else (context length, a bad message) and falling back would not help.
    return mode == "json_schema" and not confirmed and exc.status_code == 400


def next_rung(mode: Mode) -> Mode | None:
    """The rung below mode, or None at the bottom."""
    at = LADDER.index(mode)
    return LADDER[at + 1] if at + 1 < len(LADDER) else None


def lower(a: Mode, b: Mode) -> Mode:
    """The lower of two rungs."""
    return max(a, b, key=LADDER.index)


def with_schema_hint(messages: list[dict[str, str]], schema_name: str, schema: dict[str, Any]) -> list[dict[str, str]]:
    """The messages with a system message naming the schema, after the leading system messages."""
    # Sorted, compact and after the caller's system prompt, so the cacheable prefix stays byte-identical.
    text = (
        f"Reply with one JSON object, `{schema_name}`, that matches this JSON schema, and nothing else:\n"
        f"{json.dumps(schema, sort_keys=True, separators=(',', ':'))}"
    )
    at = next((i for i, m in enumerate(messages) if m.get("role") != "system"), len(messages))
    return [*messages[:at], {"role": "system", "content": text}, *messages[at:]]
