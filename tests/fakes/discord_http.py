"""Pieces of the fake Discord's HTTP side shared by its modules: JSON responses, 429s, message echoes."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from aiohttp import web


@dataclass
class RateLimit:
    """Answer the next `times` requests matching method and path with a 429."""

    method: str
    path: re.Pattern[str]
    times: int = 1
    retry_after: float = 0.05
    is_global: bool = False


def too_many(rule: RateLimit) -> web.Response:
    """Discord's 429: the bucket headers, Retry-After, the JSON body, and the Via header discord.py checks for."""
    headers = {
        "Retry-After": f"{max(1, round(rule.retry_after))}",
        "X-RateLimit-Limit": "5",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset-After": f"{rule.retry_after:.3f}",
        "X-RateLimit-Bucket": "fakebucket0001",
        "X-RateLimit-Scope": "shared" if not rule.is_global else "global",
        "Via": "1.1 google",
    }
    if rule.is_global:
        headers["X-RateLimit-Global"] = "true"
    body = {"message": "You are being rate limited.", "retry_after": rule.retry_after, "global": rule.is_global}
    return json_response(body, status=429, headers=headers)


def json_response(body: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """A JSON response with Discord's exact content type (discord.py compares it verbatim, without a charset)."""
    return web.Response(body=json.dumps(body).encode(), status=status, headers=headers, content_type="application/json")


def snowflakes_as_strings(reference: dict[str, Any] | None) -> dict[str, Any] | None:
    """A message reference the way Discord echoes it: ids as strings, whatever the client sent."""
    if reference is None:
        return None
    return {k: str(v) if k.endswith("_id") and v is not None else v for k, v in reference.items()}


def public(message: dict[str, Any]) -> dict[str, Any]:
    """A stored message as the API returns it (without the fake's own bookkeeping)."""
    return {
        k: v
        for k, v in message.items()
        if k not in ("allowed_mentions", "ephemeral", "loading", "files", "answers_interaction")
    }
