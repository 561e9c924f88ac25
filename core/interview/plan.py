"""Pure helpers over an interview's plan and turns: which question is current, what comes next, what to grade."""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import datetime

from core.coaching.flow import GradeRequest, Instruction, MoveContext
from core.coaching.keypoints import measure_coverage
from core.domain.commands import QUESTION_ACTIONS
from core.domain.models import Interview, Turn, TurnKind
from core.domain.replies import Reply, ReplyKind
from core.domain.roles import Question, RolePack
from core.tailoring.tailored import own_questions

MAX_FOLLOW_UPS = 2  # per main question, so one topic cannot eat the interview


def make_plan(pack: RolePack, count: int, rng: random.Random, asked: Mapping[str, datetime] | None = None) -> list[str]:
    """Question ids for a new interview: questions this person was never asked in the role first (a random sample),
    then, once the pack runs out, the ones asked longest ago; in a random order."""
    asked = asked or {}
    fresh = [q.id for q in pack.questions if q.id not in asked]
    chosen = rng.sample(fresh, min(count, len(fresh)))
    if len(chosen) < count:
        seen = [q.id for q in pack.questions if q.id in asked]
        rng.shuffle(seen)  # questions asked at the same moment come back in no fixed order
        seen.sort(key=lambda qid: asked[qid])
        chosen += seen[: count - len(chosen)]
    rng.shuffle(chosen)
    return chosen


def pack_question(pack: RolePack, interview: Interview, index: int | None) -> Question | None:
    """The pack question at position index of the plan (None past the end, if the pack dropped it, or for a
    question a tailored interview holds of its own): what spaced review and progress follow across interviews."""
    plan: list[str] = interview.state.get("plan", [])
    if index is None or not 0 <= index < len(plan):
        return None
    return next((q for q in pack.questions if q.id == plan[index]), None)


def planned_question(pack: RolePack, interview: Interview, index: int | None) -> Question | None:
    """The question at position index of the plan: one of the interview's own (tailored to a posting or a
    résumé), else the pack's."""
    plan: list[str] = interview.state.get("plan", [])
    if interview.tailoring and index is not None and 0 <= index < len(plan):
        own = own_questions(interview.tailoring).get(plan[index])
        if own is not None:
            return own
    return pack_question(pack, interview, index)


def next_main_index(interview: Interview) -> int:
    """Position in the plan of the next main question to ask."""
    return 1 + max((t.question_index for t in interview.turns if t.question_index is not None), default=-1)


def _count(interview: Interview, kind: TurnKind, index: int | None) -> int:
    return sum(1 for t in interview.turns if t.kind is kind and t.question_index == index)


def move_context(pack: RolePack, interview: Interview, instruction: Instruction, *, max_pairs: int) -> MoveContext:
    """What the interviewer needs to choose the next move."""
    last = interview.last_turn
    index = last.question_index if last else None
    room_left = len(interview.turns) + 1 < max_pairs  # keep the last pair for moving on, not digging deeper
    return MoveContext(
        pack=pack,
        interview=interview,
        instruction=instruction,
        current_question=planned_question(pack, interview, index),
        next_question=planned_question(pack, interview, next_main_index(interview)),
        # A second try and a daily question ask one question, with no follow-ups (core/interview/retry.py, daily.py).
        allow_follow_up=room_left
        and not interview.retry_of
        and not interview.is_daily
        and _count(interview, TurnKind.FOLLOW_UP, index) < MAX_FOLLOW_UPS,
        hints_given=_count(interview, TurnKind.HINT, index),
    )


def grade_request(pack: RolePack, interview: Interview, turn: Turn) -> GradeRequest:
    """What one answer is graded against; a follow-up is graded on the points still missing before it."""
    question = planned_question(pack, interview, turn.question_index)
    key_points = question.key_points if question else ()
    if turn.kind is TurnKind.FOLLOW_UP and key_points:
        earlier = " ".join(
            t.answer
            for t in interview.turns
            if t.question_index == turn.question_index and t.seq < turn.seq and t.answer
        )
        missing = measure_coverage(earlier, key_points).missed
        key_points = missing or key_points
    return GradeRequest(
        pack=pack,
        kind=turn.kind,
        asked=turn.question,
        answer=turn.answer or "",
        key_points=key_points,
        main_question=question.text if question else turn.question,
        level=interview.level,
    )


def question_reply(pack: RolePack, interview: Interview, turn: Turn) -> Reply:
    """The message that asks a turn's question, with a heading saying where the candidate is."""
    if turn.kind is TurnKind.QUESTION:
        question = planned_question(pack, interview, turn.question_index)
        position = (turn.question_index or 0) + 1
        topic = f" · {question.topic}" if question else ""
        heading, kind = f"**Question {position} of {interview.planned_questions}**{topic}", ReplyKind.QUESTION
    elif turn.kind is TurnKind.FOLLOW_UP:
        heading, kind = "**Follow-up**", ReplyKind.FOLLOW_UP
    else:
        heading, kind = "**Hint**", ReplyKind.HINT
    return Reply(
        kind,
        f"{heading}\n\n{turn.question}",
        interview_id=interview.id,
        seq=turn.seq,
        actions=QUESTION_ACTIONS,
    )
