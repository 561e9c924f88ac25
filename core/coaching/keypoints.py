"""Fuzzy detection of which key points an answer covers: typo-, plural- and spelling-tolerant."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from core.domain.roles import KeyPoint
from core.domain.text import words

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


# What may follow a term word in an answer word and still be the same word ("underfit" -> "underfitting").
_INFLECTIONS = frozenset(
    {"", "s", "es", "ed", "ing", "er", "ers", "ly", "ment", "ments", "ness", "ion", "ions", "ation", "ations", "al"}
)
MIN_STEM = 5  # shorter stems collide across meanings ("really" and "realised" share "real")


@lru_cache(maxsize=4096)
def stem(word: str) -> str:
    """A crude stem: enough to match "regularisation" with "regularize", not "really" with "realised"."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            return word[: -len(suffix)]
    return word


# What may follow a term written as a bare stem ("immutab", "stratif", "expir") and still be the same word.
_STEM_ENDINGS = _INFLECTIONS | {
    "e", "y", "ies", "ied", "le", "ility", "ilities", "ible", "able", "is", "ity", "ive", "ic", "ical",
    "ise", "ize", "ised", "ized", "ising", "izing", "isation", "ization", "ication", "ications",
}  # fmt: skip


def _is_inflection(rest: str, stem_end: str) -> bool:
    # A doubled final consonant is allowed before the suffix: "fit" -> "fitting".
    return rest in _INFLECTIONS or (rest[:1] == stem_end and rest[1:] in _INFLECTIONS)


def _is_word_ending(term_word: str, rest: str) -> bool:
    """Whether rest completes term_word into the same word: an inflection, or the ending of a term written as a
    bare stem ("amortiz", "immutab", "expir"), which pack authors write to match every form of the word."""
    return _is_inflection(rest, term_word[-1]) or rest in _STEM_ENDINGS


@lru_cache(maxsize=65536)
def _word_matches(term_word: str, answer_word: str) -> bool:
    if term_word == answer_word:
        return True
    if len(term_word) <= 3:  # acronyms like sql, roi, kpi, api: exact only
        return False
    term_stem, answer_stem = stem(term_word), stem(answer_word)
    if term_stem == answer_stem:
        return True
    if len(term_word) >= MIN_STEM and answer_word.startswith(term_word):
        return _is_word_ending(term_word, answer_word[len(term_word) :])
    if len(term_word) >= MIN_STEM and term_word.endswith("e") and answer_word.startswith(term_word[:-1]):
        return answer_word[len(term_word) - 1 :] in {"ing", "ion", "ions", "ation", "ations"}  # "cache" -> "caching"
    if len(term_stem) >= MIN_STEM and answer_stem.startswith(term_stem) and len(answer_stem) - len(term_stem) <= 2:
        return True  # "regulariz(ing)" against "regular(ization)"
    # Typos and spelling variants; stricter for short words, where one letter changes the meaning.
    threshold = 85 if len(term_word) >= 10 else 90
    return len(answer_word) >= 4 and fuzz.ratio(answer_word, term_word) >= threshold


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


# Words that say nothing about what a question is about: they never make a sentence on topic.
_GENERIC = frozenset(
    """all and any are but can did does for get got had has how its let may not now one our out own put say see she
    the too two use was way who why yes yet you about above after again also always another answer around because
    been before being best better between both could does doing done each either every example explain first from
    give given good great have having help here high however into just keep know like look lots made make many
    more most much must need never next often only other over person people quite really right same should show
    since some something sometimes still such sure take tell than that their them then there these they thing
    things think this those though through time times today together under using very walk want well were what
    when where whether which while would with without work works your yours""".split()
)


@lru_cache(maxsize=1024)
def _topic_set(text: str) -> frozenset[str]:
    found = (w.removesuffix("'s") for w in words(re.sub(r"[-/_]", " ", text)))  # "manager's" is "manager"
    return frozenset(w for w in found if len(w) >= 3 and w not in _GENERIC and "'" not in w)


def topic_words(*texts: str) -> frozenset[str]:
    """The words that say what the texts are about (a question, its key points): the specific ones only."""
    return frozenset().union(*(_topic_set(t) for t in texts))


def _mentions(topic: frozenset[str], answer_words: list[str]) -> set[str]:
    return {t for t in topic for w in answer_words if _word_matches(t, w)}


def vocabulary(answer: str, topic: frozenset[str]) -> int:
    """How many distinct topic words the answer uses: key-point knowledge said in the pack's words, not its terms."""
    return len(_mentions(topic, words(re.sub(r"[-/_]", " ", answer))))


def on_topic_words(answer: str, topic: frozenset[str]) -> int:
    """How many of the answer's words stand in sentences that mention the topic: what filler does not add to."""
    sentences = re.split(r"(?<=[.!?;])\s+|\n+", re.sub(r"[-/_]", " ", answer))
    return sum(len(ws) for ws in map(words, sentences) if _mentions(topic, ws))


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
