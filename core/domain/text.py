"""Small text helpers shared by the coach, the grader and the service: words, "I don't know", phrases."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")

_STUCK = re.compile(
    r"^(?:um+|uh+|hmm+|well|honestly|sorry|,|\.|\s)*"
    r"(?:i\s+(?:do\s*n[o']?t|dont|really\s+don'?t)\s+know|idk|dunno|no\s+idea|i\s+have\s+no\s+idea|"
    r"not\s+sure|i'?m\s+not\s+sure|no\s+clue|i\s+have\s+no\s+clue|i'?m\s+stuck|i\s+can'?t\s+remember)"
    r"(?:[\s,.!?…]|$).*$",
    re.IGNORECASE,
)


_TERMINAL_NOISE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-_]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Bidi embeddings, overrides and isolates (and the deprecated shaping controls): invisible, they only reorder or
# reshape what follows, so an answer could show the scorecard text reversed ("01/01" read as "10/10").
_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069\u206a-\u206f"
# Invisible in any text and meaningless in an answer: zero-width space, word joiner, invisible operators, BOM, soft
# hyphen, Mongolian vowel separator. Joiners (ZWJ, ZWNJ) stay: they shape emoji, Indic and Persian writing.
_NEVER_SHOWN = re.compile(f"[{_BIDI_CONTROLS}\u200b\u2060-\u2064\ufeff\u00ad\u180e]")
# LRM, RLM and ALM. In right-to-left writing they place punctuation where its writer meant; elsewhere they can only
# reorder digits and punctuation, so there they go.
_DIRECTION_MARKS = re.compile("[\u200e\u200f\u061c]")
# Characters that draw nothing but are not format characters: Hangul fillers, the blank braille cell, variation
# selectors, the combining grapheme joiner, Khmer and Mongolian invisibles.
_BLANKS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f\u17b4\u17b5\u180b\u180c\u180d\u180f") | frozenset(
    map(chr, [*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)])
)


def _has_right_to_left_letters(text: str) -> bool:
    return any(unicodedata.bidirectional(ch) in ("R", "AL") and not _DIRECTION_MARKS.match(ch) for ch in text)


def _draws_nothing(ch: str) -> bool:
    return ch.isspace() or ch in _BLANKS or unicodedata.category(ch) == "Cf"


def clean_text(text: str) -> str:
    """text as it may be stored and shown: without escape sequences, control characters (stray keys such as arrows,
    pasted colour codes), bidi controls and zero-width characters; "" when nothing visible is left."""
    text = _NEVER_SHOWN.sub("", _TERMINAL_NOISE.sub("", text))
    if _DIRECTION_MARKS.search(text) and not _has_right_to_left_letters(text):
        text = _DIRECTION_MARKS.sub("", text)
    # An answer of only invisible characters is no answer: it is empty, as on every platform an empty message is.
    return "" if all(map(_draws_nothing, text)) else text


def without_bidi_controls(text: str) -> str:
    """text without the bidi controls that reorder what follows them (for text shown as it was stored)."""
    return re.sub(f"[{_BIDI_CONTROLS}]", "", text)


def model_text(value: object) -> str:
    """A text field of a model's reply as it may be shown: without bidi controls, and empty when it holds no letter or
    digit (a small model's lone "{" or "][" parses as a string but says nothing)."""
    text = without_bidi_controls(str(value or "")).strip()
    return text if any(c.isalnum() for c in text) else ""


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


def counted(count: int, noun: str) -> str:
    """'1 main question', '5 main questions': a count and its noun, singular or plural (English, nouns in -s)."""
    return f"{count} {noun}{'' if count == 1 else 's'}"
