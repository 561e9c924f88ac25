"""What a transcription reply says, read leniently: every field a server sends is optional, and any may be odd.

OpenAI's schema marks the segments' scores optional, and self-hosted servers (faster-whisper, whisper.cpp, vLLM)
leave out whatever they do not compute; some answer plain text whatever was asked. A reply with no text at all, in
any of those shapes, is one we cannot use: None, never an exception.
"""

from __future__ import annotations

import json
import math
from typing import Any

from core.ports import Transcript

# Whisper's own rule for a segment that holds no speech (openai/whisper transcribe.py defaults).
NO_SPEECH_PROB = 0.6
LOW_LOGPROB = -1.0
_MAX_LANGUAGE_CHARS = 40


def read_transcript(reply: object) -> Transcript | None:
    """The transcript a reply (the SDK's model, a dict, or plain text) carries, or None when it carries no text."""
    if isinstance(reply, str):
        return _from_text(reply)
    segments = _segments(_field(reply, "segments"))
    text = _text(_field(reply, "text"))
    if not text:
        # No text of its own (or an empty one): the segments' texts, when they have some, are what was heard.
        spoken = " ".join(t for s in segments if (t := _text(_field(s, "text"))))
        text = spoken or text
    if text is None:
        return None
    return Transcript(
        text=text,
        duration_s=_seconds(_field(reply, "duration")),
        language=_language(_field(reply, "language")),
        silent=bool(segments) and all(_no_speech(s) for s in segments),
    )


def _from_text(reply: str) -> Transcript | None:
    text = reply.strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)  # JSON sent as text/plain: read it as the JSON it is
        except ValueError:
            data = None
        if isinstance(data, dict):
            return read_transcript(data)
    if text.startswith("<") and text.endswith(">"):
        return None  # an HTML or XML page (a proxy's error page, say) is not what anyone said
    return Transcript(text=text)


def _field(item: object, name: str) -> Any:
    """A field of a JSON object, whether the SDK made it a model or left it a dict; None when absent."""
    if isinstance(item, dict):
        return item.get(name)
    if isinstance(item, (str, bytes, int, float, list, tuple)) or item is None:
        return None
    return getattr(item, name, None)


def _segments(value: object) -> list[object]:
    """The segments that are objects (a list of anything else reads as no segments)."""
    if not isinstance(value, (list, tuple)):
        return []
    return [s for s in value if s is not None and not isinstance(s, (str, bytes, int, float, list, tuple))]


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) else None


def _number(value: object) -> float | None:
    """A finite number, from a number or a numeric string; None for anything else (booleans included)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _seconds(value: object) -> float | None:
    number = _number(value)
    return number if number is not None and number > 0 else None


def _language(value: object) -> str | None:
    text = _text(value)
    return text[:_MAX_LANGUAGE_CHARS] if text else None


def _no_speech(segment: object) -> bool:
    """Whisper's silence rule for one segment; a segment without both scores is not judged silent."""
    no_speech = _number(_field(segment, "no_speech_prob"))
    logprob = _number(_field(segment, "avg_logprob"))
    return no_speech is not None and logprob is not None and no_speech > NO_SPEECH_PROB and logprob < LOW_LOGPROB
