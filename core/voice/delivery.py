"""How a spoken answer was delivered: pace in words per minute and filler words, per answer and over an interview."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from core.domain.models import AnswerSource, Turn

# Conversational interview speech runs about 120-160 words a minute; outside 110-175 listeners notice.
SLOW_WPM = 110
FAST_WPM = 175
MIN_SECONDS_FOR_PACE = 5.0  # a two-second clip has no meaningful pace
# Fillers per 100 words: a few are natural, past these they distract.
FILLERS_NOTICEABLE = 3.0
FILLERS_DISTRACTING = 6.0

_HESITATIONS = r"u+m+|u+h+m*|e+r+m+|e+r+|a+h+|h+m+|m+h*m+"
_PHRASES = ("you know", "i mean", "kind of", "sort of", "basically", "actually", "literally")
# "like" is a filler only when set off by commas or opening a sentence: "it was, like, fine" but not "I'd like to".
_LIKE = r"(?:(?<=,\s)|(?<=^)|(?<=[.!?]\s))like(?=,)"
_PHRASE_PATTERN = "|".join(phrase.replace(" ", r"\s+") for phrase in _PHRASES)
_FILLER = re.compile(rf"\b(?:{_HESITATIONS})\b|\b(?:{_PHRASE_PATTERN})\b|{_LIKE}", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


@dataclass(frozen=True)
class Delivery:
    """Pace and fillers of spoken answers (one answer, or an interview's voice answers together)."""

    words: int
    seconds: float
    fillers: dict[str, int] = field(default_factory=dict)

    @property
    def words_per_minute(self) -> int | None:
        """Speaking pace, or None when the recording is too short to tell."""
        if self.seconds < MIN_SECONDS_FOR_PACE or not self.words:
            return None
        return round(self.words * 60 / self.seconds)

    @property
    def filler_count(self) -> int:
        """How many filler words were heard."""
        return sum(self.fillers.values())

    @property
    def fillers_per_100_words(self) -> float:
        """Filler density, comparable across answers of any length."""
        return 100 * self.filler_count / self.words if self.words else 0.0

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form for reports."""
        return {
            "seconds": round(self.seconds, 1),
            "words": self.words,
            "words_per_minute": self.words_per_minute,
            "filler_words": self.filler_count,
            "fillers": dict(self.fillers),
        }


def analyse(transcript: str, seconds: float) -> Delivery:
    """Pace and fillers of one spoken answer."""
    words = len(_WORD.findall(transcript))
    found = Counter(_normal_filler(m.group(0)) for m in _FILLER.finditer(transcript))
    return Delivery(words=words, seconds=seconds, fillers=dict(found.most_common()))


def combine(answers: Iterable[Delivery]) -> Delivery | None:
    """One Delivery over several answers; None when there were none."""
    answers = list(answers)
    if not answers:
        return None
    fillers: Counter[str] = Counter()
    for one in answers:
        fillers.update(one.fillers)
    return Delivery(
        words=sum(a.words for a in answers),
        seconds=sum(a.seconds for a in answers),
        fillers=dict(fillers.most_common()),
    )


def describe(delivery: Delivery) -> str:
    """One line of feedback, e.g. "Pace 142 words/min (good) · 3 filler words (um ×2, you know ×1)"."""
    parts = []
    wpm = delivery.words_per_minute
    if wpm is not None:
        verdict = "a little slow" if wpm < SLOW_WPM else "a little fast" if wpm > FAST_WPM else "good"
        parts.append(f"Pace {wpm} words/min ({verdict})")
    if delivery.filler_count:
        listed = ", ".join(f"{word} ×{n}" for word, n in list(delivery.fillers.items())[:4])
        noun = "filler word" if delivery.filler_count == 1 else "filler words"
        density = delivery.fillers_per_100_words
        advice = (
            " — try pausing instead"
            if density > FILLERS_DISTRACTING
            else " — a few more than ideal"
            if density > FILLERS_NOTICEABLE
            else ""
        )
        parts.append(f"{delivery.filler_count} {noun} ({listed}){advice}")
    else:
        parts.append("no filler words")
    return " · ".join(parts)


def _normal_filler(text: str) -> str:
    low = " ".join(text.lower().split())
    if not re.fullmatch(_HESITATIONS, low):
        return low
    # "umm", "uhm" and "um" are one filler; so are "uhh" and "uh".
    if low.startswith("u"):
        return "um" if "m" in low else "uh"
    return {"e": "er", "a": "ah", "h": "hmm", "m": "mm"}[low[0]]


def turn_delivery(turn: Turn) -> Delivery | None:
    """The delivery of a turn's spoken answer; None for typed answers and unanswered turns."""
    if turn.source is not AnswerSource.VOICE or turn.answer is None or not turn.audio_seconds:
        return None
    return analyse(turn.answer, turn.audio_seconds)


def interview_delivery(turns: Iterable[Turn]) -> Delivery | None:
    """The delivery over all of an interview's spoken answers; None when none was spoken."""
    return combine(d for d in map(turn_delivery, turns) if d is not None)
