"""Slack's message text as the plain text a person typed: mentions, channels, links and escapes made readable."""

from __future__ import annotations

import html
import re

_ANGLE = re.compile(r"<([^<>]*)>")


def plain_text(text: str) -> str:
    """Slack message text as the plain text a person typed: mentions, channels and links made readable."""
    return html.unescape(_ANGLE.sub(_readable, text)) if "<" in text or "&" in text else text


def _readable(match: re.Match[str]) -> str:
    inner = match.group(1)
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        return "@" + (label or target[1:])
    if target.startswith("#"):
        return "#" + (label or target[1:])
    if target.startswith("!"):
        name = target[1:].split("^")[0]
        if name in ("here", "channel", "everyone"):
            return "@" + name
        return label or name
    target = target.removeprefix("mailto:")
    return f"{label} ({target})" if label and label != target else target
