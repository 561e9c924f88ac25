"""How the model's per-criterion judgements become the 1-10 score: a fixed rule in our code, never the model's number.

The grader model judges three criteria of an answer, each on a 0-3 scale whose anchors prompts/grader_system.md
writes out, and each only after quoting the answer as its evidence:

- coverage (weight 3): the key points the answer gets right;
- depth (weight 2): reasons, trade-offs and a concrete example;
- structure (weight 1): how clear and well ordered it is.

The rule, in this order:

1. A level is read leniently (2, 2.4, "2", "2/3") and kept within 0-3; anything else counts as not judged.
2. Coverage or depth above 1 with none of its quotes found in the answer counts as 1: a judgement the answer does
   not bear out is trusted for "some" at most. Structure is judged on the whole answer and needs no quote.
3. score = 1 + 9 x (weighted points / the most those criteria could earn), rounded half up: 1 when nothing is there,
   10 only with every criterion at 3. A criterion not judged leaves the sum, its weight with it.
4. No key point covered (coverage 0) scores at most 3, however deep or polished the answer sounds.
5. Coverage not judged: no score at all; the model grader then falls back (a plain `score` number in the reply,
   else the built-in coach).

The product's caps (one-liners, answers after a hint, injected text) are applied afterwards to every grade, whoever
graded, by core.coaching.rules.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from enum import StrEnum
from fractions import Fraction


class Criterion(StrEnum):
    """What the model judges of an answer, in the order it judges them."""

    COVERAGE = "coverage"
    DEPTH = "depth"
    STRUCTURE = "structure"


TOP_LEVEL = 3  # the scale is 0..TOP_LEVEL: few, anchored levels are judged more consistently than 1-10
WEIGHTS: dict[Criterion, int] = {Criterion.COVERAGE: 3, Criterion.DEPTH: 2, Criterion.STRUCTURE: 1}
NEEDS_EVIDENCE = frozenset({Criterion.COVERAGE, Criterion.DEPTH})
UNEVIDENCED_LEVEL = 1  # the most a judgement counts for when none of its quotes is in the answer
NO_COVERAGE_CAP = 3  # polish without substance
_LEADING_NUMBER = re.compile(r"\s*([+-]?\d+(?:\.\d+)?)\s*(?:/\s*\d+\s*)?$")


def parse_number(value: object) -> int | float | None:
    """A number the model sent: an int, a finite float, or a string such as "2", " 2.5 " or "2/3" (its first number)."""
    if isinstance(value, bool):
        return None  # True is an int to Python, not a judgement
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        number = value
    elif isinstance(value, str) and (found := _LEADING_NUMBER.match(value)):
        number = float(found.group(1))
    else:
        return None
    return number if math.isfinite(number) else None


def parse_level(value: object) -> int | None:
    """A level on the 0-3 scale from what the model sent (a number or a numeric string), or None if it is neither."""
    number = parse_number(value)
    if number is None:
        return None
    if isinstance(number, int):
        return max(0, min(TOP_LEVEL, number))  # exact: a huge int would overflow float()
    return max(0, min(TOP_LEVEL, math.floor(number + 0.5)))


def counted_level(criterion: Criterion, level: int, *, evidenced: bool) -> int:
    """The level as it counts: above UNEVIDENCED_LEVEL only with a quote from the answer, where one is needed."""
    if criterion in NEEDS_EVIDENCE and not evidenced:
        return min(level, UNEVIDENCED_LEVEL)
    return level


def combine(levels: Mapping[Criterion, int]) -> int | None:
    """The 1-10 score of the judged criteria's levels; None when coverage was not judged."""
    if Criterion.COVERAGE not in levels:
        return None
    judged = {c: max(0, min(TOP_LEVEL, level)) for c, level in levels.items()}
    points = sum(WEIGHTS[c] * level for c, level in judged.items())
    most = sum(WEIGHTS[c] * TOP_LEVEL for c in judged)
    # Exact fractions, rounded half up: round() would send 5.5 to 6 but 4.5 to 4.
    score = math.floor(1 + Fraction(9 * points, most) + Fraction(1, 2))
    if judged[Criterion.COVERAGE] == 0:
        score = min(score, NO_COVERAGE_CAP)
    return score
