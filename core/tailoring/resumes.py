"""Claims in a résumé worth asking about (projects and achievements, numbers first), and a question for each."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.domain.text import shorten, word_count

MAX_CLAIMS = 8
MAX_CLAIM_CHARS = 140  # in the question it is quoted; a whole paragraph would bury the question

_BULLET = re.compile(r"^\s*(?:[-*•·▪◦‣–—+>]|\d{1,2}[.)])\s+")
_SENTENCE = re.compile(r"(?<=[.!?;])\s+(?=[A-Z])")
# Verbs résumés open an achievement with, in the past tense (or the present, for a current job).
_ACTION_VERBS = frozenset(
    """achieved automated boosted built cut championed created decreased delivered deployed designed developed
    doubled drove established expanded founded grew halved implemented improved increased introduced launched led
    managed mentored migrated negotiated optimised optimized organised organized owned pioneered redesigned reduced
    refactored replaced rolled saved scaled shipped simplified spearheaded streamlined taught trained tripled won
    wrote analysed analyzed coached conducted coordinated partnered presented published ran resolved supervised
    build builds lead leads manage manages own owns""".split()
)
_NUMBER = re.compile(r"(?:[$€£]\s?\d[\d,.]*\s?[kKmMbB]?\b|\d[\d,.]*\s?(?:%|percent|x\b|[kKmM]\b)|\b\d[\d,.]*\b)")
_PERCENT_OR_CHANGE = re.compile(
    r"%|percent|\b(?:cut|reduced|increased|improved|grew|doubled|halved|boosted|sav(?:ed|ing))\b", re.I
)
_PLACEHOLDER = re.compile(r"\[(?:email|phone|address|link)\]")
_YEARS_ONLY = re.compile(r"^[\d\s,.–/-]*(?:present|now|today)?$", re.IGNORECASE)


@dataclass(frozen=True)
class Claim:
    """One line of a résumé worth asking about: the text, and whether it puts a number on its result."""

    text: str
    has_number: bool
    measured: bool  # the number is a change (a percentage, "cut", "grew"): worth asking how it was measured


def read_resume(text: str) -> list[Claim]:
    """Up to 8 claims from a résumé (redacted or not), those with numbers first, then in the résumé's order."""
    scored: list[tuple[float, int, Claim]] = []
    seen: set[str] = set()
    for index, candidate in enumerate(_candidates(text)):
        claim = _claim(candidate)
        if claim is None or claim.text.lower() in seen:
            continue
        seen.add(claim.text.lower())
        opens_with_verb = _first_word(claim.text) in _ACTION_VERBS
        score = 2.0 * claim.has_number + 1.0 * claim.measured + 1.5 * opens_with_verb
        if score >= 1.5:  # a number alone is a date or a count in a list; a verb alone is a real claim
            scored.append((score, index, claim))
    best = sorted(scored, key=lambda item: (-item[0], item[1]))[:MAX_CLAIMS]
    return [claim for _, _, claim in sorted(best, key=lambda item: (-item[0], item[1]))]


def claim_question(claim: Claim) -> str:
    """An interview question about one claim: how a change was measured, or what the candidate's part was."""
    said = _as_reported(claim.text)
    if claim.measured:
        return f"You write that {said} — how did you measure that, and what was your own part in it?"
    if claim.has_number:
        return f"You write that {said} — what exactly did you do, and what would you do differently now?"
    return f"You write that {said} — what was the hardest decision you made there, and why?"


def _candidates(text: str) -> list[str]:
    """The résumé's bullet lines and sentences, each a candidate claim."""
    found: list[str] = []
    for line in text.splitlines():
        line = _BULLET.sub("", line).strip()
        if line:
            found.extend(part.strip() for part in _SENTENCE.split(line) if part.strip())
    return found


def _claim(candidate: str) -> Claim | None:
    """A candidate as a claim, or None when it is a heading, contact details, dates or a list of skills."""
    text = _PLACEHOLDER.sub("", candidate).strip(" |·,;:")
    words = word_count(text)
    if words < 5 or words > 60 or _YEARS_ONLY.match(text):
        return None
    if text.count(",") + text.count("|") >= words / 2:  # "Python, SQL, Tableau, dbt": skills, not a claim
        return None
    if text.count("|") >= 2 or "@" in text:  # a header of contact details, in a résumé not yet redacted
        return None
    text = shorten(text.rstrip(".;"), MAX_CLAIM_CHARS)
    numbers = [m.group() for m in _NUMBER.finditer(text) if not re.fullmatch(r"(?:19|20)\d\d", m.group())]
    return Claim(text=text, has_number=bool(numbers), measured=bool(numbers) and bool(_PERCENT_OR_CHANGE.search(text)))


def _first_word(text: str) -> str:
    match = re.match(r"\s*(?:I\s+)?([A-Za-z]+)", text)
    return match.group(1).lower() if match else ""


def _as_reported(text: str) -> str:
    """The claim as the rest of "You write that …": "Built X" -> "you built X", "I led Y" -> "you led Y"."""
    text = re.sub(r"^I\s+", "", text)
    first = _first_word(text)
    if first in _ACTION_VERBS:
        return "you " + text[0].lower() + text[1:]
    if re.match(r"(?i)responsible for\b", text):
        return "you were " + text[0].lower() + text[1:]
    return f"“{text}”"
