"""Lenient parsing of a JSON object out of a model reply: code fences, prose around it, reasoning tags."""

from __future__ import annotations

import json
import re
from typing import Any

_FENCE_RE = re.compile(r"```[A-Za-z0-9_-]*[ \t]*\n?(.*?)```", re.S)
# Reasoning models served by Ollama/vLLM put their thinking, braces and all, before the answer.
_THINK_RE = re.compile(r"<think>.*?</think>", re.S | re.I)
_MAX_STARTS = 64  # bounds the work on long, brace-heavy prose


def parse_json_object(text: str) -> dict[str, Any] | None:
    """The JSON object a reply carries, or None if there is none or the reply is JSON but not an object."""
    cleaned = _THINK_RE.sub("", text).strip().lstrip("\ufeff")
    for candidate in (cleaned, *_FENCE_RE.findall(cleaned)):
        try:
            data = json.loads(candidate, strict=False)  # raw newlines inside strings, as small models write
        except ValueError:
            continue
        return data if isinstance(data, dict) else None
    return _first_object(cleaned)


def _first_object(text: str) -> dict[str, Any] | None:
    """The first `{` from which a whole JSON object decodes, skipping braces in prose."""
    decoder = json.JSONDecoder(strict=False)
    start = text.find("{")
    for _ in range(_MAX_STARTS):
        if start < 0:
            break
        try:
            data, _end = decoder.raw_decode(text, start)
        except ValueError:
            data = None
        if isinstance(data, dict):
            return data
        start = text.find("{", start + 1)
    return None


def missing_keys(data: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    """The schema's required top-level keys that data lacks (a shallow check)."""
    required = schema.get("required") or []
    return [key for key in required if key not in data]
