"""Logging for every command: one handler on standard error, and a filter on it that rewrites secrets out of each line.

The SDKs we run log what they send and receive at DEBUG (slack_sdk the whole oauth.v2.access exchange: the OAuth
code and the new workspace's tokens). Rather than trust each library to mask its own, the handler we install
redacts every record it writes: the message, the traceback and the stack.
"""

from __future__ import annotations

import logging
import os
import re
import sys

LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"
DEFAULT_LEVEL = "WARNING"
REDACTED = "[redacted]"

# Keys whose value is a secret, as `"key": "value"` (JSON, a dict's repr, with or without escaped quotes) or key=value.
_SECRET_KEYS = (
    "access_token|refresh_token|client_secret|token|bot_token|user_token|app_token|signing_secret|api_key|apikey"
    "|password|authorization|code"
)
_QUOTED = re.compile(
    rf"""(?P<key>\\?['"](?P<name>{_SECRET_KEYS})\\?['"]\s*[:=]\s*\[?\s*)(?P<q>\\?['"])(?P<value>[^'"\\]*)(?P=q)""",
    re.IGNORECASE,
)
# `code=` is redacted only as a URL or form parameter: "exit code=1" is no secret.
_PARAM = re.compile(
    rf"(?P<key>(?:(?<=[?&])code|(?<![\w-])(?:{_SECRET_KEYS.replace('|code', '')}))=)(?P<value>[^&\s'\",;)\]}}]+)",
    re.IGNORECASE,
)
# An error code ("invalid_code", "insufficient_quota") helps whoever reads the log; an OAuth code never looks like one.
_ERROR_CODE = re.compile(r"[a-z]+(?:_[a-z]+)*")
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Slack: bot, user, app-level, refresh and rotating tokens (xoxb-, xoxp-, xapp-, xoxe-, xoxe.xoxp-, ...).
    (re.compile(r"\b(?P<kind>xox[a-z](?:\.xox[a-z])?|xapp)-[A-Za-z0-9-]+"), rf"\g<kind>-{REDACTED}"),
    # OpenAI-style keys: sk-..., sk-proj-...
    (re.compile(r"(?<![\w-])sk-[A-Za-z0-9_-]{16,}"), f"sk-{REDACTED}"),
    # HTTP authorization headers.
    (re.compile(r"\b(?P<scheme>Bearer|Basic|Bot)\s+[A-Za-z0-9._~+/=-]{8,}"), rf"\g<scheme> {REDACTED}"),
    # Discord bot tokens: base64 of the bot's id, a timestamp and an HMAC, joined by dots.
    (re.compile(r"(?<![\w.-])[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}"), REDACTED),
    # The password of a URL (a DATABASE_URL, a proxy).
    (re.compile(r"(?P<head>\b[a-z][a-z0-9+.-]*://[^/\s:@]*):[^@\s/]+@"), rf"\g<head>:{REDACTED}@"),
)


def redact(text: str) -> str:
    """text with every token, key, OAuth code, client secret and URL password in it replaced by [redacted]."""
    text = _QUOTED.sub(_quoted_value, text)
    text = _PARAM.sub(lambda m: m.group("key") + REDACTED, text)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _quoted_value(match: re.Match[str]) -> str:
    if match.group("name").lower() == "code" and _ERROR_CODE.fullmatch(match.group("value")):
        return match.group(0)
    return f"{match.group('key')}{match.group('q')}{REDACTED}{match.group('q')}"


class RedactSecrets(logging.Filter):
    """Rewrites a record's message, traceback and stack with redact() before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record in place (so every handler writes the redacted text); never drops a record."""
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit the format: keep both, redacted
            message = f"{record.msg} {record.args!r}"
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def log_level(name: str | None) -> tuple[int, str | None]:
    """The level LOG_LEVEL names (any case), and a warning when it names none (then WARNING applies)."""
    wanted = (name or DEFAULT_LEVEL).strip().upper()
    level = logging.getLevelNamesMapping().get(wanted)
    if level is None:
        return (
            logging.WARNING,
            f"LOG_LEVEL={wanted[:20]!r} is not a level (DEBUG, INFO, WARNING, ERROR): using WARNING.",
        )
    return level, None


class _StandardError(logging.StreamHandler):
    """A handler on whatever sys.stderr is when a line is written, not the one it was when installed."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> object:
        """The current standard error."""
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


def setup_logging(level_name: str | None = None) -> logging.Handler:
    """Log to standard error at LOG_LEVEL (or level_name), every line through RedactSecrets; the handler installed."""
    level, problem = log_level(level_name if level_name is not None else os.environ.get("LOG_LEVEL"))
    handler = _StandardError()
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(RedactSecrets())
    root = logging.getLogger()
    for earlier in [h for h in root.handlers if isinstance(h, _StandardError)]:
        root.removeHandler(earlier)  # main() run again in one process (tests, embedding) logs each line once
    root.addHandler(handler)
    root.setLevel(level)
    if problem:
        logging.getLogger(__name__).warning(problem)
    return handler
