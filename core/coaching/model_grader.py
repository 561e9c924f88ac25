"""The model grader: one structured call per answer, with the answer delimited as data.

The model judges each criterion of core.coaching.criteria after quoting the answer; our rule there, not the model,
turns the levels into the score. The instructions come first and never change, so providers cache them.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Any

from core.coaching.criteria import Criterion, combine, counted_level, parse_level, parse_number
from core.coaching.flow import GradeRequest
from core.coaching.injection import INJECTION_NOTE, screen_suspects
from core.coaching.offline import grade_offline
from core.coaching.prompts import render
from core.coaching.rules import clamp_score
from core.domain.models import Grade, TurnKind, Usage
from core.domain.text import model_text, shorten
from core.ports import ChatModel

_QUOTES: dict[str, Any] = {"type": "array", "items": {"type": "string"}}
# Property order is the order a model writes in: the quotes of a criterion come before its level.
_JUDGEMENT: dict[str, Any] = {
    "type": "object",
    "properties": {"evidence": _QUOTES, "level": {"type": "integer"}},  # 0-3, kept in range by parse_level
    "required": ["evidence", "level"],
    "additionalProperties": False,
}
GRADING_TEMPERATURE = 0.0  # the same answer gets the same grade: no sampling when judging
# "score" holds the judgements, never a number: strict mode needs every property required, and these keys are the
# ones older single-score replies carry too, so such a reply still passes the client's required-keys check.
GRADE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "injection_detected": {"type": "boolean"},
        "score": {
            "type": "object",
            "properties": {c.value: _JUDGEMENT for c in Criterion},
            "required": [c.value for c in Criterion],
            "additionalProperties": False,
        },
        "feedback": {"type": "string"},
        "strength": {"type": "string"},
        "improvement": {"type": "string"},
    },
    "required": ["injection_detected", "score", "feedback", "strength", "improvement"],
    "additionalProperties": False,
}


_NON_WORDS = re.compile(r"\W+")


@lru_cache(maxsize=32)  # reply_score squashes the same answer for each criterion's quotes, back to back
def _squash(text: str) -> str:
    return _NON_WORDS.sub(" ", text.lower()).strip()


def grounded_evidence(quotes: object, answer: str) -> tuple[str, ...]:
    """Only the quotes that really occur in the answer (models sometimes paraphrase), at most three."""
    if not isinstance(quotes, list):
        return ()
    haystack = _squash(answer)
    kept = [shorten(str(q), 120) for q in quotes if str(q).strip() and _squash(str(q)) in haystack]
    return tuple(kept[:3])


def reply_score(data: dict[str, Any], answer: str) -> tuple[int | None, tuple[str, ...]]:
    """The score our rule gives the reply's judgements, and the quotes of the answer they rest on.

    A reply without judged coverage falls back to a plain `score` number (older prompts asked for one); with
    neither, the score is None and the caller grades another way.
    """
    judged = data.get("score")
    if isinstance(judged, dict):
        levels: dict[Criterion, int] = {}
        quotes: list[str] = []
        for criterion in Criterion:
            entry = judged.get(criterion.value)
            entry = entry if isinstance(entry, dict) else {"level": entry}  # a bare level, without quotes
            level = parse_level(entry.get("level"))
            found = grounded_evidence(entry.get("evidence"), answer)
            if level is not None:
                levels[criterion] = counted_level(criterion, level, evidenced=bool(found))
                quotes += found
        score = combine(levels)
        if score is not None:
            return score, tuple(dict.fromkeys(quotes))[:3]
    total = parse_number(judged)  # a number, or a numeric string such as "7" or "7/10"
    evidence = grounded_evidence(data.get("evidence"), answer)
    return (clamp_score(total) if total is not None else None), evidence


def grade_from_data(data: dict[str, Any], answer: str) -> Grade:
    """A Grade from the model's JSON (score 1 when it holds none: ModelGrader grades those another way)."""
    return _graded(data, answer)[0]


def _graded(data: dict[str, Any], answer: str) -> tuple[Grade, bool]:
    """grade_from_data's Grade, and whether the reply held a score at all."""
    score, evidence = reply_score(data, answer)
    injected = data.get("injection_detected") is True
    feedback = model_text(data.get("feedback"))
    if injected and INJECTION_NOTE not in feedback:
        feedback = f"{feedback} {INJECTION_NOTE}".strip()
    grade = Grade(
        score=score if score is not None else 1,
        feedback=feedback,
        strength=model_text(data.get("strength")),
        improvement=model_text(data.get("improvement")),
        evidence=evidence,
        flags=("injection",) if injected else (),
        grader="model",
    )
    return grade, score is not None


class ModelGrader:
    """Grades answers with a chat model."""

    def __init__(self, chat: ChatModel) -> None:
        self._chat = chat

    async def grade(self, request: GradeRequest) -> tuple[Grade, Usage | None]:
        """Grade the answer; when text in it addresses the grader, grade it again without that text.

        The screen or the model itself may find that text. The second grading sees only what was said to the
        interviewer, and the lower score stands: injected text can never lift a grade.
        """
        first, usage = await self._grade_once(request, request.answer)
        screened = request.screened
        if "injection" in first.flags and not screened.found:
            # The model saw something no pattern knows: leave out every sentence that speaks of grading.
            screened = screen_suspects(request.answer)
            if not screened.found or not screened.text.strip():
                # No sentence to blame, or every one: the key points the answer covers bound the score instead.
                return _bounded_offline(first, request), usage
        if not screened.found:
            return first, usage
        if screened.text.strip():
            clean, second_usage = await self._grade_once(request, screened.text)
            usage = _combined(usage, second_usage)
        else:
            clean = Grade(score=1, feedback="Nothing in the answer addressed the question.", grader="model")
        score = min(clamp_score(first.score), clamp_score(clean.score))
        feedback = clean.feedback if INJECTION_NOTE in clean.feedback else f"{clean.feedback} {INJECTION_NOTE}"
        flags = tuple(dict.fromkeys((*clean.flags, "injection")))
        return replace(clean, score=score, feedback=feedback.strip(), flags=flags), usage

    async def _grade_once(self, request: GradeRequest, answer: str) -> tuple[Grade, Usage]:
        key_points = "\n".join(f"- {kp.point}" for kp in request.key_points) or "- (use your judgement)"
        asked = " ".join(request.asked.split())
        main = " ".join(request.main_question.split())
        # A follow-up is graded in the light of its main question; a main question is graded as it was asked.
        if request.kind is TurnKind.QUESTION or asked == main:
            context = f"Question: {asked}"
        else:
            context = f"Main question: {main}\nAsked ({request.kind.value.replace('_', '-')}): {asked}"
        user = render(
            "grader_turn",
            role_title=request.pack.title,
            level=request.level or "not stated (assume mid-level)",
            asked=context,
            key_points=key_points,
            # Closing tags inside the answer must not end the data block early.
            answer=answer.replace("</candidate_answer>", "</ candidate_answer>"),
        )
        # The system prompt is one text for every role, interview and answer, and just past the 1,024 tokens from
        # which providers cache a prefix: every grade after the first pays a quarter for it, so its worked examples
        # cost less than they would uncached at half the length. Everything about this answer comes after it, so
        # each grade is still made in a fresh context (bench/tokens.py measures the bill).
        messages = [{"role": "system", "content": render("grader_system")}, {"role": "user", "content": user}]
        result = await self._chat.complete_json(
            purpose="grader",
            messages=messages,
            schema_name="answer_grade",
            schema=GRADE_SCHEMA,
            temperature=GRADING_TEMPERATURE,
        )
        grade, scored = _graded(result.data, answer)
        if not scored:
            # Nothing in the reply says what the answer is worth: the built-in coach scores it, and says so.
            builtin = grade_offline(replace(request, answer=answer))
            flags = tuple(dict.fromkeys((*builtin.flags, *grade.flags)))
            note = INJECTION_NOTE if "injection" in flags and INJECTION_NOTE not in builtin.feedback else ""
            grade = replace(builtin, flags=flags, feedback=f"{builtin.feedback} {note}".strip())
        return grade, result.usage


def _bounded_offline(grade: Grade, request: GradeRequest) -> Grade:
    """The model's grade, scored no higher than the built-in grader scores the answer.

    For when the model flagged an injection that no sentence of the answer can be blamed for: the built-in grader
    counts key points and cannot be talked into a higher score.
    """
    score = min(clamp_score(grade.score), clamp_score(grade_offline(request).score))
    return replace(grade, score=score)


def _combined(first: Usage, second: Usage) -> Usage:
    """One usage record for the two calls of a grade."""
    return replace(
        first,
        prompt_tokens=first.prompt_tokens + second.prompt_tokens,
        cached_tokens=first.cached_tokens + second.cached_tokens,
        completion_tokens=first.completion_tokens + second.completion_tokens,
        latency_ms=first.latency_ms + second.latency_ms,
    )
