"""Questions a model writes for a posting: the shape it must return them in, and the checks each must pass.

The schema is deliberately loose (types, no bounds) so one bad item never sinks the batch; check_generated then
accepts or rejects each item with a reason, which a caller can log or send back to the model."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError
from rapidfuzz import fuzz, process

from core.domain.roles import RolePack

QUESTION_CHARS = (20, 300)
KEY_POINTS = (2, 6)
KEY_POINT_CHARS = (3, 120)  # as a pack's key points (core/domain/roles.py KeyPoint)
HINT_CHARS = (5, 300)
DUPLICATE_SIMILARITY = 85  # rapidfuzz 0..100: at or above it two questions ask the same thing in other words
REQUIREMENT_SIMILARITY = 90  # a requirement quoted back with small changes ("A/B tests" for "A/B testing")


class GeneratedQuestion(BaseModel):
    """One question a model wrote: the question, the key points a strong answer covers, a hint, the requirement."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    question: str
    key_points: list[str]
    hint: str
    requirement: str | None = None  # the posting's requirement it probes, quoted from the list given


class GeneratedQuestions(BaseModel):
    """What a model returns: a list of generated questions."""

    model_config = ConfigDict(extra="ignore")

    questions: list[GeneratedQuestion]


def generated_schema() -> dict[str, Any]:
    """The JSON schema to ask a model for (as a response_format's json_schema)."""
    return GeneratedQuestions.model_json_schema()


@dataclass(frozen=True)
class Rejection:
    """An item refused: its position in the batch, its question (short) and why."""

    index: int
    question: str
    reason: str


@dataclass(frozen=True)
class Checked:
    """The items accepted (requirements set to the exact text given) and those rejected, with reasons."""

    accepted: list[GeneratedQuestion] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)


def check_generated(
    items: Sequence[GeneratedQuestion | Mapping[str, Any]], pack: RolePack, requirements: Sequence[str]
) -> Checked:
    """Each item accepted or rejected with a reason: its length, one question, not a near-duplicate of a pack's
    question or of one accepted before it, 2–6 key points, and a requirement from the list (or close to one).

    With no requirements given, an item's requirement is not checked and is dropped."""
    checked = Checked()
    pack_questions = [_normal(q.text) for q in pack.questions]
    for index, raw in enumerate(items):
        try:
            item = raw if isinstance(raw, GeneratedQuestion) else GeneratedQuestion.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "item"
            checked.rejected.append(Rejection(index, "", f"not in the expected shape: {where}: {first['msg']}"))
            continue
        accepted_texts = [_normal(a.question) for a in checked.accepted]
        reason = _problem(item, pack_questions, accepted_texts)
        requirement = _requirement(item.requirement, requirements)
        if reason is None and requirements and requirement is None:
            reason = "its requirement is not one of the posting's"
        if reason is not None:
            checked.rejected.append(Rejection(index, item.question[:80], reason))
            continue
        checked.accepted.append(item.model_copy(update={"requirement": requirement}))
    return checked


def _problem(item: GeneratedQuestion, pack_questions: list[str], accepted: list[str]) -> str | None:
    """Why an item is refused (its question, key points and hint), or None."""
    low, high = QUESTION_CHARS
    if not low <= len(item.question) <= high:
        return f"the question is {len(item.question)} characters, not {low}–{high}"
    if item.question.count("?") != 1 or not item.question.rstrip("\"'”)").endswith("?"):
        return "it is not exactly one question ending in a question mark"
    if _glued(item.question):
        return "it is two questions joined into one"
    text = _normal(item.question)
    if _similar(text, pack_questions):
        return "it repeats a question of the role pack"
    if _similar(text, accepted):
        return "it repeats another generated question"
    fewest, most = KEY_POINTS
    if not fewest <= len(item.key_points) <= most:
        return f"it has {len(item.key_points)} key points, not {fewest}–{most}"
    shortest, longest = KEY_POINT_CHARS
    if any(not shortest <= len(point.strip()) <= longest for point in item.key_points):
        return f"a key point is not {shortest}–{longest} characters"
    if len({_normal(p) for p in item.key_points}) < len(item.key_points):
        return "two key points are the same"
    if not HINT_CHARS[0] <= len(item.hint) <= HINT_CHARS[1] or _normal(item.hint) == text:
        return "the hint is missing, too long or the question again"
    return None


# A question word opening a sentence: "What is X. How would you Y?" is two questions, one missing its mark.
_QUESTION_WORD = r"(?:what|how|why|when|where|which|who|can|could|would|do|does|did|is|are)\b"
_SECOND_QUESTION = re.compile(rf"[.!;]\s+(?:and\s+)?{_QUESTION_WORD}", re.IGNORECASE)


def _glued(question: str) -> bool:
    """Whether one question mark hides two questions ("What is X. How would you test it?").

    An instruction before the question is one question, as the packs write them ("Explain X. How does it show
    up?"); so is a decimal point or an abbreviation ("e.g. how"): the first part must open with a question word
    and end on a word of 3+ letters."""
    if not re.match(rf"\s*{_QUESTION_WORD}", question, re.IGNORECASE):
        return False
    return any(re.search(r"[A-Za-z]{3}$", question[: m.start()]) for m in _SECOND_QUESTION.finditer(question))


def _normal(text: str) -> str:
    """Lowercased words only: how two questions are compared."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _similar(text: str, others: list[str]) -> bool:
    """Whether text asks what one of the others asks: the same words, give or take a few, or reordered."""
    return any(
        max(fuzz.ratio(text, other), fuzz.token_sort_ratio(text, other)) >= DUPLICATE_SIMILARITY for other in others
    )


def _requirement(given: str | None, requirements: Sequence[str]) -> str | None:
    """The requirement of the list the item names: exactly (ignoring case) or nearly; None if none."""
    if not given or not requirements:
        return None
    exact = {r.strip().lower(): r for r in requirements}
    if given.strip().lower() in exact:
        return exact[given.strip().lower()]
    best = process.extractOne(
        given, list(requirements), scorer=fuzz.token_sort_ratio, processor=lambda s: _normal(str(s))
    )
    return best[0] if best and best[1] >= REQUIREMENT_SIMILARITY else None
