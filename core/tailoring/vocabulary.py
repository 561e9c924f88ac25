"""Words as the matching sees them: lowercased, stemmed, without English stop words and job-ad filler."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from functools import lru_cache

from core.domain.roles import KeyPoint, RolePack

_WORD = re.compile(r"[a-z][a-z0-9+#]*(?:[./-][a-z0-9+#]+)*")

STOP_WORDS = frozenset(
    """a about above after again all also am an and any are as at be been being below between both but by can could
    did do does doing down during each either etc few for from further had has have having he her here hers him his
    how i if in into is it its itself just least less let like may me might more most must my no nor not of off on
    once only or other our ours out over own per same she should so some such than that the their them then there
    these they this those through to too under until up upon very via was we well were what when where which while
    who whom whose why will with within without would you your yours""".split()
)
# Words every job posting uses, whatever the role: they say nothing about which role it is.
FILLER = frozenset(
    """ability able across apply candidate company competitive culture day deliver demonstrated environment excellent
    experience experienced familiarity good great help ideal include including join knowledge looking new offer
    opportunity plus preferred proven related required requirement requirements responsibilities responsible role
    salary skill skills solid strong team teams understanding use using want way work working year years""".split()
)


def stem(word: str) -> str:
    """A rough stem: common suffixes off, then at most 6 letters ("engineering", "engineer" -> "engine")."""
    for suffix in ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "ied", "ers", "er", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:6]


def content_words(text: str) -> list[str]:
    """The stems of text's words that carry meaning: no stop words, no job-ad filler, nothing under 2 letters."""
    return [
        stem(w)
        for w in _WORD.findall(text.lower().replace("’", "'"))
        if w not in STOP_WORDS and w not in FILLER and len(w) > 1
    ]


def key_point_words(point: KeyPoint) -> list[str]:
    """The stems of a key point's text and terms."""
    return content_words(" ".join((point.point, *point.terms)))


@lru_cache(maxsize=64)  # a pack never changes while loaded, and every posting read compares it: 26 ms each time
def pack_vocabulary(pack: RolePack) -> dict[str, float]:
    """Stem -> weight for a pack: its title and aliases count most, then topics, then the rest (do not change it:
    it is shared)."""
    weights: dict[str, float] = {}

    def add(text: str, weight: float) -> None:
        """Each stem of text at this weight, unless it already has a higher one."""
        for word in content_words(text):
            weights[word] = max(weights.get(word, 0.0), weight)

    for question in pack.questions:
        add(question.text, 0.5)
        for point in question.key_points:
            add(" ".join((point.point, *point.terms)), 1.0)
        add(question.topic, 2.0)
    add(pack.description, 1.5)
    add(" ".join(pack.glossary), 1.0)
    add(" ".join((pack.title, *(a.replace("-", " ") for a in pack.aliases if len(a) > 3))), 3.0)
    return weights


def inverse_frequency(documents: Iterable[Iterable[str]]) -> dict[str, float]:
    """Stem -> how rare it is among the documents (log of N over the number holding it, smoothed to stay > 0)."""
    counts: dict[str, int] = {}
    total = 0
    for document in documents:
        total += 1
        for word in set(document):
            counts[word] = counts.get(word, 0) + 1
    return {word: math.log((total + 1) / count) for word, count in counts.items()}
