"""The no-key coach: runs the interview from the role pack and grades by key-point coverage."""

from __future__ import annotations

import re
from dataclasses import replace

from core.coaching.flow import Action, GradeRequest, Instruction, Move, MoveContext
from core.coaching.injection import INJECTION_NOTE
from core.coaching.keypoints import measure_coverage, on_topic_words, topic_words, vocabulary
from core.domain.models import Grade, Interview, TurnKind, Usage
from core.domain.roles import KeyPoint
from core.domain.text import is_stuck_answer, word_count

FOLLOW_UP_BELOW = 0.6  # ask a follow-up when an answer covers less than this share of the key points
LONG_ANSWER_WORDS = 450  # past this an answer is rambling: about three minutes spoken
DEVELOPED_WORDS = 40  # on-topic words that make an answer developed: below this it is told to develop it
NO_SUBSTANCE_CAP = 3  # the most an answer covering none of the key points can score, however well put
FILLER_SHARE = 0.5  # an answer with more than this share of its words off the topic is padded
ATTEMPT_WORDS = 15  # an answer this long that speaks of the question's topic is an attempt: it beats no answer
VOCABULARY_WORDS = 5  # distinct words of the key points (not of the question) that show knowledge beyond the terms

_EXAMPLE = re.compile(
    r"\b(for example|for instance|e\.g\.|such as|in my (?:last|previous|current)|at my|when i|we (?:had|built|ran|saw)"
    r"|\d+\s*%|\d+x\b|\$\s?\d)",
    re.IGNORECASE,
)
_STRUCTURE = re.compile(
    r"\b(first(?:ly)?|second(?:ly)?|then|because|therefore|so that|finally|trade-?offs?|however|as a result"
    r"|on the other hand|which means|in short)\b",
    re.IGNORECASE,
)


class OfflineGrader:
    """Grades an answer by the key points it covers, its structure, its examples and its length."""

    async def grade(self, request: GradeRequest) -> tuple[Grade, Usage | None]:
        """The grade of one answer; no model is called."""
        return grade_offline(request), None


def grade_offline(request: GradeRequest) -> Grade:
    """The deterministic offline grade of one answer; text aimed at the grader is cut out and earns nothing."""
    screened = request.screened
    grade = _grade_text(request, screened.text)
    if not screened.found:
        return grade
    return replace(grade, feedback=f"{grade.feedback} {INJECTION_NOTE}", flags=(*grade.flags, "injection"))


def _grade_text(request: GradeRequest, answer: str) -> Grade:
    n_words = word_count(answer)
    if is_stuck_answer(answer) or n_words == 0:
        point = request.key_points[0].point if request.key_points else "the core idea"
        return Grade(
            score=1,
            feedback="No answer given. Even a partial answer earns credit: say what you do know and reason aloud.",
            improvement=f"Start from: {point}.",
            missed=tuple(kp.point for kp in request.key_points),
            grader="offline",
        )
    coverage = measure_coverage(answer, request.key_points)
    points = topic_words(*(t for kp in request.key_points for t in (kp.point, *kp.terms)))
    asked = topic_words(request.main_question, request.asked)
    on_topic = on_topic_words(answer, points | asked)  # filler and asides add words but none of these
    # A candidate who misses a point's exact terms may still say it in other words: the pack's wording counts too,
    # not the question's own words, which any answer can echo.
    knowledge = vocabulary(answer, points - asked)
    padded = n_words >= DEVELOPED_WORDS and on_topic < (1 - FILLER_SHARE) * n_words
    has_example = bool(_EXAMPLE.search(answer))
    structure_marks = len({m.lower() for m in _STRUCTURE.findall(answer)})
    score = 1 + 6 * coverage.ratio
    score += 1 if knowledge >= VOCABULARY_WORDS else 0
    score += 1 if on_topic >= DEVELOPED_WORDS else 0
    score += 1 if has_example else 0
    score += 1 if structure_marks >= 2 else 0
    score -= 1 if n_words > LONG_ANSWER_WORDS else 0
    if not coverage.covered:
        score = min(score, NO_SUBSTANCE_CAP)  # polish without any key point is still a miss
        if n_words >= ATTEMPT_WORDS and on_topic:
            score = max(score, 2)  # a real attempt at the question, however thin, beats no answer at all
    elif padded:
        score -= 1  # the substance is there, diluted in talk about nothing: padding never earns points
    return Grade(
        score=round(score),
        feedback=_feedback(coverage.covered, coverage.missed),
        strength=_strength(coverage.covered, has_example, structure_marks),
        improvement=_improvement(coverage.missed, has_example, n_words, padded=padded),
        evidence=coverage.evidence[:3],
        covered=tuple(kp.point for kp in coverage.covered),
        missed=tuple(kp.point for kp in coverage.missed),
        grader="offline",
    )


def _feedback(covered: tuple[KeyPoint, ...], missed: tuple[KeyPoint, ...]) -> str:
    total = len(covered) + len(missed)
    parts = [f"Covered {len(covered)} of {total} key points."]
    if covered:
        parts.append("You covered: " + "; ".join(kp.point for kp in covered) + ".")
    if missed:
        parts.append("Missing: " + "; ".join(kp.point for kp in missed) + ".")
    return " ".join(parts)


def _strength(covered: tuple[KeyPoint, ...], has_example: bool, structure_marks: int) -> str:
    if covered:
        return f"Clear on the essentials: {covered[0].point[0].lower()}{covered[0].point[1:]}."
    if has_example:
        return "You grounded the answer in a concrete example."
    if structure_marks >= 2:
        return "The answer has a clear line of reasoning."
    return ""


def _improvement(missed: tuple[KeyPoint, ...], has_example: bool, n_words: int, *, padded: bool) -> str:
    if missed:
        tip = f"Add this key point: {missed[0].point.rstrip('.')}."
    elif padded:
        return "The substance is there: now cut what is not about the question, since filler earns nothing."
    elif not has_example:
        tip = "Back the answer with a concrete example or a number from your experience."
    else:
        tip = "Strong answer: keep it this crisp under pressure."
    if padded:
        tip += " Stay on the question: most of this answer was about other things, and that earns nothing."
    elif n_words > LONG_ANSWER_WORDS:
        tip += " Tighten it: lead with the answer, then the two or three points that matter."
    elif n_words < 40:
        tip += " Develop it: a strong spoken answer takes about a minute."
    return tip


class OfflineInterviewer:
    """Asks the pack's questions in plan order, follows up on gaps, and gives the pack's hints."""

    async def next_move(self, ctx: MoveContext) -> tuple[Move, Usage | None]:
        """The next move, decided from the pack alone."""
        return decide_offline(ctx), None


def decide_offline(ctx: MoveContext) -> Move:
    """The offline interviewer's move."""
    if ctx.instruction is Instruction.HINT:
        return Move(Action.HINT, f"{offline_hint(ctx)}\n\n{restated_question(ctx.interview)}".strip())
    if ctx.instruction is Instruction.AFTER_ANSWER and ctx.current_question and ctx.allow_follow_up:
        follow_up = _follow_up_for_gap(ctx)
        if follow_up:
            return Move(Action.FOLLOW_UP, follow_up)
    if ctx.next_question is None:
        return Move(Action.END, "")
    return Move(Action.NEXT_QUESTION, ctx.next_question.text)


def offline_hint(ctx: MoveContext) -> str:
    """The pack's hint first; later hints name one key point at a time."""
    question = ctx.current_question
    if question is None:
        return "Take it step by step: say what you know, then reason aloud about the rest."
    if ctx.hints_given == 0:
        return question.hint
    point = question.key_points[min(ctx.hints_given - 1, len(question.key_points) - 1)]
    return f"A strong answer would touch on this: {point.point[0].lower()}{point.point[1:]}."


def _follow_up_for_gap(ctx: MoveContext) -> str | None:
    last = ctx.interview.last_turn
    question = ctx.current_question
    if last is None or question is None or not last.answer or is_stuck_answer(last.answer):
        return None
    # Judge the gap on everything said about this main question so far, not just the last reply.
    said = " ".join(t.answer for t in ctx.interview.turns if t.question_index == last.question_index and t.answer)
    if measure_coverage(said, question.key_points).ratio >= FOLLOW_UP_BELOW:
        return None
    asked = {t.question for t in ctx.interview.turns if t.kind is TurnKind.FOLLOW_UP}
    return next((f for f in question.follow_ups if f not in asked), None)


def restated_question(interview: Interview) -> str:
    """The last real question asked (not a hint), to repeat after a hint."""
    return next((t.question for t in reversed(interview.turns) if t.kind is not TurnKind.HINT), "")
