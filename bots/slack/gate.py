"""The HTTP front door of /slack/events: the signature first (401), then a body Slack could have sent (400).

bolt reads the body, parses it and builds its context before its own signature check runs, and an unreadable
body or timestamp there ends in a 500 with a traceback per request. So the request is checked here first, on its
raw bytes, and only a signed body of the shapes our listeners read is handed to bolt.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Mapping
from typing import Any

from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.request.internals import parse_body

log = logging.getLogger(__name__)

MAX_CLOCK_SKEW_S = 300  # Slack's own rule: a request older (or newer) than five minutes may be a replay
_TIMESTAMP_DIGITS = 12  # seconds since 1970 fit in 11 digits until the year 5138; longer is never Slack

# The fields our listeners (and bolt's context) read, with the types Slack sends; None counts as absent.
_Types = type | tuple[type, ...]
_BODY: dict[str, _Types] = {
    "type": str,
    "team_id": str,
    "channel_id": str,
    "user_id": str,
    "text": str,
    "command": str,
    "trigger_id": str,
    "response_url": str,
    "event_id": str,
    "api_app_id": str,
    "event": dict,
    "team": (dict, str),
    "user": (dict, str),
    "channel": (dict, str),
    "enterprise": (dict, str),
    "message": dict,
    "container": dict,
    "view": dict,
    "authorizations": list,
    "actions": list,
}
_MESSAGE_EVENT: dict[str, _Types] = {
    "type": str,
    "subtype": str,
    "user": str,
    "bot_id": str,
    "channel": str,
    "channel_type": str,
    "ts": str,
    "thread_ts": str,
    "parent_user_id": str,
    "team": str,
    "text": str,
    "files": list,
}
_FILE: dict[str, _Types] = {
    "id": str,
    "name": str,
    "mimetype": str,
    "filetype": str,
    "subtype": str,
    "file_access": str,
    "url_private": str,
    "url_private_download": str,
    "size": int,
    "duration_ms": (int, float),
}
_NESTED: dict[str, dict[str, _Types]] = {
    "team": {"id": str},
    "user": {"id": str, "team_id": str},
    "channel": {"id": str},
    "message": {"ts": str, "thread_ts": str, "text": str, "blocks": list},
    "authorizations": {"team_id": str, "user_id": str, "enterprise_id": str},
    "actions": {"action_id": str, "value": str},
}


class Refused(Exception):
    """A request to answer with status, for reason (which never quotes the request)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def is_signed(secret: str, body: bytes, headers: Mapping[str, str], *, now: float | None = None) -> bool:
    """Whether body carries Slack's v0 signature made with secret, at a time within five minutes of now (headers
    looked up as aiohttp's are: case-insensitively)."""
    timestamp = headers.get("X-Slack-Request-Timestamp", "")
    signature = headers.get("X-Slack-Signature", "")
    if not secret or not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > _TIMESTAMP_DIGITS:
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > MAX_CLOCK_SKEW_S:
        return False
    digest = hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(f"v0={digest}".encode(), signature.encode("utf-8", "replace"))


def admit(
    secret: str, body: bytes, *, headers: Mapping[str, str], query: str, content_type: str | None
) -> AsyncBoltRequest:
    """The request for bolt, or Refused: 401 without a valid signature, 400 for a body Slack would not send."""
    if not is_signed(secret, body, headers):
        raise Refused(401, "no valid signature")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "the body is not UTF-8") from None
    try:
        # As bolt will: JSON, or a form (whose `payload` field, for interactivity, is JSON).
        problem = body_problem(parse_body(text, content_type))
    except (ValueError, RecursionError) as exc:  # not JSON, or JSON nested too deep to parse
        raise Refused(400, f"the body cannot be read ({type(exc).__name__})") from None
    if problem is not None:
        raise Refused(400, problem)
    try:
        return AsyncBoltRequest(body=text, query=query, headers=dict(headers))
    except (ValueError, TypeError, AttributeError, KeyError, IndexError) as exc:  # bolt reads its context here
        raise Refused(400, f"the body cannot be read ({type(exc).__name__})") from None


def body_problem(body: Any) -> str | None:
    """What makes a parsed body unlike anything Slack sends, or None."""
    if not isinstance(body, dict):
        kind = {"NoneType": "null", "list": "an array", "str": "a string", "bool": "a boolean"}.get(
            type(body).__name__, "a number"
        )
        return f"the body is {kind}, not a JSON object"
    problem = _fields(body, _BODY, "")
    if problem:
        return problem
    if not any(isinstance(body.get(name), str) for name in ("type", "command", "ssl_check")):
        return "the body has no type"
    for name, fields in _NESTED.items():
        value = body.get(name)
        for item in value if isinstance(value, list) else [value] if isinstance(value, dict) else []:
            problem = _fields(item, fields, f"{name}.")
            if problem:
                return problem
    event = body.get("event")
    if isinstance(event, dict) and (problem := _event_problem(event)):
        return problem
    return None


def _event_problem(event: dict[str, Any]) -> str | None:
    if not isinstance(event.get("type"), str):
        return "event.type is not a string"
    if event["type"] != "message":
        return None  # other events are not read by our listeners (bolt answers them itself)
    problem = _fields(event, _MESSAGE_EVENT, "event.")
    for file in event.get("files") or []:
        problem = problem or _fields(file, _FILE, "event.files[].")
    return problem


def _fields(value: Any, types: dict[str, _Types], prefix: str) -> str | None:
    """The first field of value of a wrong type, as "prefix+name should be str, not int"; None when all fit."""
    if not isinstance(value, dict):
        return f"{prefix.rstrip('.')} should be an object, not {type(value).__name__}"
    for name, expected in types.items():
        field = value.get(name)
        if field is not None and not isinstance(field, expected):
            wanted = " or ".join(t.__name__ for t in (expected if isinstance(expected, tuple) else (expected,)))
            return f"{prefix}{name} should be {wanted}, not {type(field).__name__}"
    return None


def refusal_logged(refused: Refused) -> None:
    """One line for a signed request we cannot use (a sign of a bug on one side); nothing for unsigned ones."""
    if refused.status == 401:
        log.debug("refused an unsigned request to /slack/events")  # anyone can send these: not worth a line
    else:
        log.warning("refused a signed request to /slack/events: %s", refused.reason)
