"""The skills and responsibilities a job posting asks for, as short phrases, from its bullet lines and sentences."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from core.domain.text import shorten
from core.tailoring.vocabulary import content_words

MAX_REQUIREMENTS = 12
MAX_PHRASE = 80  # characters: a requirement is a phrase to match and to show, not a paragraph

_BULLET = re.compile(r"^\s*(?:[-*•·▪◦‣–—+]|\d{1,2}[.)]|[a-z][.)])\s+")
# A line of up to six words with no full stop: "Requirements", "What you'll do:", "## About us".
_HEADING = re.compile(r"^\s*#{0,4}\s*([A-Z][A-Za-z ’'&/-]{2,50}?)\s*:?\s*$")
# Headings whose lines are not requirements: what the company offers, who it is, how to apply.
_SKIP_HEADINGS = re.compile(
    r"\b(?:benefit|perk|offer|about|who we are|why join|why us|compensation|salary|apply|how to|equal|diversity|"
    r"location|contact)",
    re.IGNORECASE,
)
# Sentences outside bullets that state a requirement.
_ASKS = re.compile(
    r"\b(?:experience (?:with|in)|knowledge of|familiar(?:ity)? with|proficien\w+|you will|you'll|responsible for|"
    r"ability to|expertise in|background in|degree in|skills? in|must have|hands-on)\b",
    re.IGNORECASE,
)
# Words that open a line but carry no requirement, taken off its front.
_LEAD_IN = re.compile(
    r"^(?:(?:you (?:will|would|should|must|have|are|bring|can)|you'll|you've|we expect you to|we need you to|"
    r"we're looking for|we are looking for|the ideal candidate (?:has|will|is)|ideally,? you|must have|"
    r"nice to have|bonus|plus|a|an)\b[:,]?\s+)+",
    re.IGNORECASE,
)
_BENEFIT_WORDS = re.compile(
    r"\b(?:holiday|vacation|pension|insurance|bonus|equity|stock options|gym|remote-first|parental|salary|"
    r"days off|pto|perks)\b",
    re.IGNORECASE,
)
# Words that close a line but carry no requirement ("... is required", "... is a plus").
_TAIL = re.compile(r"\s+(?:is|are) (?:required|essential|a must|a plus|a bonus|preferred|desirable)$", re.I)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")


def extract_requirements(text: str) -> list[str]:
    """Up to 12 short requirement phrases: bullet lines first (outside benefit or company sections), then
    sentences that ask for something; in the posting's order, near-duplicates dropped."""
    bullets: list[str] = []
    sentences: list[str] = []
    skipping = False
    for line in text.splitlines():
        if not line.strip():
            continue
        if _BULLET.match(line):
            if not skipping:
                bullets.append(_BULLET.sub("", line))
            continue
        heading = _HEADING.match(line)
        if heading and len(heading.group(1).split()) <= 6:
            skipping = bool(_SKIP_HEADINGS.search(heading.group(1)))
            continue
        if not skipping:
            sentences.extend(s for s in _SENTENCE.split(line) if _ASKS.search(s))
    phrases: list[str] = []
    for candidate in [*bullets, *sentences]:
        phrase = to_phrase(candidate)
        if phrase and not _BENEFIT_WORDS.search(phrase) and not _near_duplicate(phrase, phrases):
            phrases.append(phrase)
        if len(phrases) == MAX_REQUIREMENTS:
            break
    return phrases


def to_phrase(line: str) -> str:
    """A requirement line as a short phrase: no lead-in ("You will"), no final stop, at most 80 characters."""
    phrase = _LEAD_IN.sub("", " ".join(line.split())).strip(" .;:,!")
    phrase = _TAIL.sub("", phrase)
    if len(phrase.split()) < 2 and not re.search(r"[A-Z]{2,}|[+#]", phrase):
        return ""  # one plain word ("Teamwork") is too vague to ask about; one tool ("SQL", "C#") is not
    phrase = phrase[0].upper() + phrase[1:] if phrase[:1].islower() else phrase
    # A long requirement keeps its first clause, which names the skill; what follows explains it.
    if len(phrase) > MAX_PHRASE:
        first = re.split(r"[;(]|, (?:and |including |such as |e\.g\.)", phrase)[0].strip(" ,")
        phrase = first if 10 <= len(first) <= MAX_PHRASE else shorten(phrase, MAX_PHRASE)
    return phrase


def _near_duplicate(phrase: str, kept: list[str]) -> bool:
    """Whether phrase says what one kept already does: the same meaningful words, give or take a letter.

    Compared without filler, so "Experience with Python" and "Experience with Java" stay two requirements."""
    key = " ".join(sorted(content_words(phrase)))
    return any(fuzz.ratio(key, " ".join(sorted(content_words(other)))) >= 90 for other in kept)
