"""Reading a job posting without a model: the closest role pack, the seniority, the requirements and the language."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.domain.commands import Level
from core.domain.roles import RoleCatalog
from core.tailoring.language import guess_language
from core.tailoring.requirements import extract_requirements
from core.tailoring.vocabulary import content_words, inverse_frequency, pack_vocabulary

# Below this confidence the posting is for none of our roles (a chef, a nurse): say so rather than guess.
MIN_CONFIDENCE = 0.5
# Packs that are about how a person works, not a job: every posting overlaps them a little, none is one of them.
GENERAL_PACKS = frozenset({"behavioral"})

# Seniority words, most senior first, each with the level an interview at that seniority is held at. Staff,
# principal, lead and head are senior interviews: the project has three levels (core/domain/commands.py Level).
_SENIORITY: tuple[tuple[str, str, Level], ...] = (
    ("principal", r"principal", Level.SENIOR),
    ("staff", r"staff (?=engineer|scientist|data|software|developer|designer|product)", Level.SENIOR),
    ("head", r"head of", Level.SENIOR),
    ("director", r"director", Level.SENIOR),
    ("lead", r"lead(?! generation)|tech lead|team lead", Level.SENIOR),
    ("senior", r"senior|sr\.?", Level.SENIOR),
    ("mid", r"mid[- ]?level|mid[- ]senior|intermediate|mid", Level.MID),
    ("junior", r"junior|jr\.?|entry[- ]level|graduate|associate", Level.JUNIOR),
    ("intern", r"intern|internship|trainee|working student|apprentice", Level.JUNIOR),
)
_YEARS = re.compile(r"\b(\d{1,2})\s*(?:\+|-\s*\d{1,2}|to \d{1,2})?\s*(?:years?|yrs)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Posting:
    """What a job posting asks for, as far as words can tell."""

    role_id: str | None  # the closest role pack; None when no pack matches well
    confidence: float  # 0..1: how sure the role is (its share of the matching, scaled by the evidence)
    seniority: str | None  # the word the posting uses ("principal", "intern"), or "5+ years" read as one
    level: Level | None  # the interview level for that seniority
    requirements: tuple[str, ...]  # short phrases, in the posting's order, at most 12
    language: str  # ISO 639-1 code of the language the posting is written in ("en", "de")

    @property
    def in_english(self) -> bool:
        """Whether the posting is in English (else the caller says which language it looks like)."""
        return self.language == "en"


def read_posting(text: str, catalog: RoleCatalog) -> Posting:
    """The role pack, seniority, requirements and language of a job posting, with no model call."""
    role_id, confidence = closest_pack(text, catalog)
    seniority, level = read_seniority(text)
    return Posting(
        role_id=role_id,
        confidence=confidence,
        seniority=seniority,
        level=level,
        requirements=tuple(extract_requirements(text)),
        language=guess_language(text),
    )


def closest_pack(text: str, catalog: RoleCatalog) -> tuple[str | None, float]:
    """The id of the pack whose words the posting shares most (rare words count more), and a confidence in 0..1;
    (None, confidence) when the best is not good enough."""
    packs = {pid: pack for pid, pack in catalog.packs.items() if pid not in GENERAL_PACKS} or catalog.packs
    vocabularies = {pid: pack_vocabulary(pack) for pid, pack in packs.items()}
    rarity = inverse_frequency(vocabularies.values())
    words = set(content_words(text))
    # The title (the first line) says most about the role: its words count three times.
    title = set(content_words(text.strip().split("\n", 1)[0]))
    scores: dict[str, float] = {}
    shared: dict[str, int] = {}
    for pid, vocabulary in vocabularies.items():
        hits = words & vocabulary.keys()
        scores[pid] = sum(vocabulary[w] * rarity[w] * (3 if w in title else 1) for w in hits)
        shared[pid] = len(hits)
    ranked = sorted(scores, key=lambda pid: -scores[pid])  # a stable sort: a tie goes to the pack listed first
    best, second = ranked[0], (ranked[1] if len(ranked) > 1 else None)
    if scores[best] == 0:
        return None, 0.0
    # How far ahead of the runner-up it is (0.5 when tied), times how much evidence there is: six distinct shared
    # words and a score of 10 (a few rare words, or the title's) are plenty.
    lead = scores[best] / (scores[best] + (scores[second] if second else 0.0))
    confidence = round(lead * min(1.0, shared[best] / 6) * min(1.0, scores[best] / 10), 2)
    return (best if confidence >= MIN_CONFIDENCE else None), confidence


def read_seniority(text: str) -> tuple[str | None, Level | None]:
    """The posting's seniority word and its level: from the title if it names one, else from the years of
    experience asked for, else the first seniority word in the text."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    title = lines[0] if lines else ""
    found = _seniority_in(title)
    if found:
        return found
    years = [int(m.group(1)) for m in _YEARS.finditer(text) if int(m.group(1)) <= 40]
    if years:
        least = min(years)
        level = Level.JUNIOR if least <= 1 else Level.MID if least <= 4 else Level.SENIOR
        return f"{least}+ years", level
    return _seniority_in(text) or (None, None)


def _seniority_in(text: str) -> tuple[str, Level] | None:
    """The most senior seniority word in text, and its level."""
    for word, pattern, level in _SENIORITY:
        if re.search(rf"\b(?:{pattern})\b", text, re.IGNORECASE):
            return word, level
    return None
