"""Fuzzy detection of which key points an answer covers: typo-, plural- and spelling-tolerant."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from core.roles import KeyPoint
from core.text import words

# Longest first, so "izations" is stripped before "s".
_SUFFIXES = (
    "isations",
    "izations",
    "isation",
    "ization",
    "ations",
    "ation",
    "ments",
    "ment",
    "ings",
    "ing",
    "ised",
    "ized",
    "ises",
    "izes",
    "ise",
    "ize",
    "ies",
    "es",
    "ed",
    "ly",
    "s",
)


@lru_cache(maxsize=4096)
def stem(word: str) -> str:
    """A crude stem: enough to match "regularisation" with "regularize" and "underfit" with "underfitting"."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _word_matches(term_word: str, answer_word: str) -> bool:
    if len(term_word) <= 3:  # acronyms like sql, roi, kpi, api: exact only
        return term_word == answer_word
    if answer_word.startswith(term_word) or stem(answer_word) == stem(term_word):
        return True
    if len(term_word) >= 5 and len(answer_word) >= 4:
        a, t = stem(answer_word), stem(term_word)
        if a.startswith(t) or (t.startswith(a) and len(a) >= 5):
            return True
        return fuzz.ratio(answer_word, term_word) >= 85 or fuzz.ratio(a, t) >= 88
    return False


def _term_found(term: str, answer_words: list[str]) -> int | None:
    """Index in answer_words where term starts, or None: every word of the term in order, close together."""
    term_words = words(term)
    if not term_words:
        return None
    first, rest = term_words[0], term_words[1:]
    for i, word in enumerate(answer_words):
        if not _word_matches(first, word):
            continue
        position, ok = i, True
        for tw in rest:
            # The next term word must come within the next 3 words ("the bias and the variance").
            window = answer_words[position + 1 : position + 4]
            hit = next((j for j, w in enumerate(window) if _word_matches(tw, w)), None)
            if hit is None:
                ok = False
                break
            position += hit + 1
        if ok:
            return i
    return None


@dataclass(frozen=True)
class Coverage:
    """Which key points an answer covered, and a short quote for each covered one."""

    covered: tuple[KeyPoint, ...]
    missed: tuple[KeyPoint, ...]
    evidence: tuple[str, ...]

    @property
    def ratio(self) -> float:
        """Covered share of the key points, 0..1."""
        total = len(self.covered) + len(self.missed)
        return len(self.covered) / total if total else 0.0


def _quote(answer_words_raw: list[str], index: int) -> str:
    start = max(0, index - 3)
    return " ".join(answer_words_raw[start : start + 10])


def measure_coverage(answer: str, key_points: tuple[KeyPoint, ...]) -> Coverage:
    """Check each key point's terms against the answer."""
    normalised = re.sub(r"[-/_]", " ", answer)
    answer_words = words(normalised)
    raw = re.findall(r"\S+", normalised)
    # words() and the raw split differ on punctuation; quote from the raw split by proportional position.
    scale = len(raw) / len(answer_words) if answer_words else 1.0
    covered: list[KeyPoint] = []
    missed: list[KeyPoint] = []
    evidence: list[str] = []
    for kp in key_points:
        hit = next((i for t in kp.terms if (i := _term_found(t, answer_words)) is not None), None)
        if hit is None:
            missed.append(kp)
        else:
            covered.append(kp)
            evidence.append(_quote(raw, int(hit * scale)))
    return Coverage(tuple(covered), tuple(missed), tuple(dict.fromkeys(evidence)))
