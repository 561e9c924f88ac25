"""Delivery feedback for spoken answers: pace and filler words."""

from __future__ import annotations

import pytest

from core.voice.delivery import analyse, combine, describe


@pytest.mark.parametrize(
    ("transcript", "fillers"),
    [
        ("Umm, so I would, uh, check the join keys.", {"um": 1, "uh": 1}),
        ("It was, like, a fan-out, you know, basically duplicates.", {"like": 1, "you know": 1, "basically": 1}),
        ("Like, I mean, the model was sort of overfitting.", {"like": 1, "i mean": 1, "sort of": 1}),
        ("I would like to look at what it looks like in production.", {}),  # "like" as a verb and comparison
        ("Hmm. Erm, uhh, the umbrella team owns it.", {"hmm": 1, "er": 1, "uh": 1}),  # not "umbrella"
    ],
)
def test_filler_words_are_counted_and_real_words_are_not(transcript: str, fillers: dict[str, int]) -> None:
    assert analyse(transcript, 10.0).fillers == fillers


def test_pace_is_words_per_minute_and_needs_a_few_seconds_of_speech() -> None:
    sixty_words = " ".join(["word"] * 60)
    assert analyse(sixty_words, 30.0).words_per_minute == 120
    assert analyse(sixty_words, 4.0).words_per_minute is None  # too short to judge
    assert analyse("", 30.0).words_per_minute is None


@pytest.mark.parametrize(
    ("words", "seconds", "verdict"),
    [(50, 60, "a little slow"), (140, 60, "good"), (200, 60, "a little fast")],
)
def test_the_pace_verdict(words: int, seconds: float, verdict: str) -> None:
    line = describe(analyse(" ".join(["word"] * words), seconds))
    assert line.startswith(f"Pace {words} words/min ({verdict})")
    assert "no filler words" in line


def test_many_fillers_earn_advice_and_the_most_frequent_are_listed_first() -> None:
    line = describe(analyse("Um, um, um, uh, you know, it's the, um, keys and the, like, joins.", 8.0))
    assert "7 filler words (um ×4, uh ×1, you know ×1, like ×1)" in line
    assert "try pausing instead" in line


def test_an_interview_sums_its_spoken_answers() -> None:
    total = combine([analyse("Um, one two three four.", 6.0), analyse("Uh, five six, um, seven.", 6.0)])
    assert total is not None
    assert (total.words, total.seconds, total.fillers) == (10, 12.0, {"um": 2, "uh": 1})
    assert combine([]) is None
