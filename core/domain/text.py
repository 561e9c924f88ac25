"""Small text helpers shared by the coach, the grader and the service: words, "I don't know", phrases."""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")

_STUCK = re.compile(
    r"^(?:um+|uh+|hmm+|well|honestly|sorry|,|\.|\s)*"
    r"(?:i\s+(?:do\s*n[o']?t|dont|really\s+don'?t)\s+know|idk|dunno|no\s+idea|i\s+have\s+no\s+idea|"
    r"not\s+sure|i'?m\s+not\s+sure|no\s+clue|i\s+have\s+no\s+clue|i'?m\s+stuck|i\s+can'?t\s+remember)"
    r"(?:[\s,.!?…]|$).*$",
    re.IGNORECASE,
)


_TERMINAL_NOISE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-_]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """text without escape sequences and control characters (stray keys such as arrows, pasted colour codes)."""
    return _TERMINAL_NOISE.sub("", text)


def words(text: str) -> list[str]:
    """The words of text, lowercased."""
    return [w.lower() for w in _WORD.findall(text.replace("’", "'"))]


def word_count(text: str) -> int:
    """How many words text has."""
    return len(_WORD.findall(text))


def is_stuck_answer(text: str) -> bool:
    """Whether the answer is essentially "I don't know" (short, and saying so)."""
    return word_count(text) <= 10 and bool(_STUCK.match(text.strip()))


def join_phrases(phrases: tuple[str, ...] | list[str]) -> str:
    """Sentences joined into one line with semicolons ("A; b; c.")."""
    return "; ".join(p.strip().rstrip(".") for p in phrases if p.strip()) + "."


def shorten(text: str, limit: int) -> str:
    """text cut to at most limit characters at a word boundary, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


def excerpt(text: str, limit: int) -> str:
    """text cut to about limit characters keeping its start and its end (where answers state their conclusion)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = shorten(text, limit * 2 // 3).rstrip("…")
    tail = text[-(limit // 3) :].split(" ", 1)[-1]
    return f"{head} … {tail}"
