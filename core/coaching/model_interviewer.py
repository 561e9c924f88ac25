"""The model interviewer: a short byte-stable prefix per role, then only the thread of the current main question.

Earlier main questions are only named by topic: the plan already decides what comes next, so resending them would
make every turn cost more as the interview grows (see bench/tokens.py).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from core.coaching.flow import Action, Instruction, Move, MoveContext
from core.coaching.prompts import render
from core.domain.models import Interview, Turn, TurnKind, Usage
from core.domain.roles import RolePack
from core.domain.text import excerpt, shorten
from core.ports import ChatModel, ModelOutputInvalid
from core.tailoring.tailored import own_questions

RECENT_EXCHANGES = 1  # exchanges sent verbatim; older ones of the same main question go in as one-line notes
# The interviewer sees the start and the end of a long answer (about 110 words); the grader sees it whole.
RECENT_ANSWER_CHARS = 700
# A move is a sentence or two and a short note (about 100 tokens); a small model that rambles is cut off early.
MOVE_MAX_TOKENS = 300
_WORD = re.compile(r"[^\W\d_]{4,}")  # the words that carry a question's meaning: four letters or more

MOVE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "action": {"type": "string", "enum": [a.value for a in Action]},
        "message": {"type": "string"},
        "note": {"type": "string"},
    },
    "required": ["action", "message", "note"],
    "additionalProperties": False,
}

# The opening question is the plan's, as written (core/interview/starting.py): the model is never asked to open.
_HINT_INSTRUCTION = (
    "give a hint for the last question the candidate was asked (they are stuck), then restate that question. "
    "Action: hint."
)


@lru_cache(maxsize=64)
def system_prompt(pack: RolePack) -> str:
    """The interviewer's system prompt for a role: identical for every turn and every interview of that role."""
    return render("interviewer_system", role_title=pack.title, persona=pack.persona)


def _exchange(turn: Turn) -> str:
    lines = [f"Interviewer ({turn.kind.value.replace('_', '-')}): {turn.question}"]
    if turn.answer is not None:
        lines.append(f"<candidate_answer>\n{excerpt(turn.answer, RECENT_ANSWER_CHARS)}\n</candidate_answer>")
    elif turn.skipped:
        lines.append("(the candidate skipped this question)")
    elif turn.hint_requested:
        lines.append("(the candidate asked for a hint)")
    return "\n".join(lines)


def compact_record(interview: Interview, older: list[Turn]) -> str:
    """One short line per older pair of the thread: what was asked and what the answer showed."""
    notes: dict[str, str] = interview.state.get("notes", {})
    lines = []
    for turn in older:
        if turn.skipped:
            gist = "skipped"
        elif turn.hint_requested:
            gist = "asked for a hint"
        else:
            gist = notes.get(str(turn.seq)) or shorten(turn.answer or "", 140)
        lines.append(f"{turn.seq}. {turn.kind.value}: {shorten(turn.question, 90)} -> {gist}")
    return "\n".join(lines)


def _earlier_topics(ctx: MoveContext, current: int | None) -> str:
    plan: list[str] = ctx.interview.state.get("plan", [])
    topics = {q.id: q.topic for q in ctx.pack.questions}
    topics.update((qid, q.topic) for qid, q in own_questions(ctx.interview.tailoring).items())
    asked = sorted({t.question_index for t in ctx.interview.turns if t.question_index is not None})
    names = [topics.get(plan[i], "") for i in asked if i != current and i < len(plan)]
    return ", ".join(dict.fromkeys(n for n in names if n)) or "none"


def turn_prompt(ctx: MoveContext, *, max_pairs: int) -> str:
    """The per-turn message: progress, earlier topics, the current thread and what to do."""
    turns = ctx.interview.turns
    last_index = turns[-1].question_index if turns else None
    thread = [t for t in turns if t.question_index == last_index] if turns else []
    recent, older = thread[-RECENT_EXCHANGES:], thread[:-RECENT_EXCHANGES]
    position = 1 if last_index is None else last_index + 1
    if ctx.instruction is Instruction.AFTER_ANSWER:
        follow = "allowed" if ctx.allow_follow_up else "not allowed now"
        ending = "next_question" if ctx.next_question else "end (no main questions remain)"
        instruction = f"React to the candidate's last answer: follow_up ({follow}) or {ending}."
    else:
        instruction = _HINT_INSTRUCTION
    return render(
        "interviewer_turn",
        level=ctx.interview.level or "not stated (assume mid-level)",
        position=position,
        planned=ctx.interview.planned_questions,
        pairs_used=len(turns),
        max_pairs=max_pairs,
        topics=_earlier_topics(ctx, last_index),
        thread="\n".join(filter(None, [compact_record(ctx.interview, older), *map(_exchange, recent)])),
        next_question=" ".join(ctx.next_question.text.split()) if ctx.next_question else "none: the plan is complete",
        instruction=instruction,
    )


def asks(message: str, question: str) -> bool:
    """Whether a move's message asks the planned question: it holds at least half of the question's longer words.

    A model may wrap the question in a welcome or a bridge, or rephrase it a little; a small model sometimes writes
    something else entirely ("Your question has been answered."), which must not become the question asked.
    """
    wanted = set(_WORD.findall(question.lower()))
    return bool(wanted) and len(wanted & set(_WORD.findall(message.lower()))) * 2 >= len(wanted)


def coerce_move(data: dict[str, Any], ctx: MoveContext) -> Move:
    """The model's move made consistent with what is allowed now; raise ModelOutputInvalid if unusable."""
    message = str(data.get("message", "")).strip()
    note = shorten(str(data.get("note", "")), 160)
    try:
        action = Action(str(data.get("action", "")).strip().lower())
    except ValueError as exc:
        raise ModelOutputInvalid("The AI interviewer gave an unusable reply.") from exc
    if ctx.instruction is Instruction.HINT:
        action = Action.HINT
    elif (action is Action.FOLLOW_UP and not ctx.allow_follow_up) or action is Action.HINT:
        action, message = Action.NEXT_QUESTION, ""  # the model's text targeted a move we don't allow now
    if action is Action.NEXT_QUESTION and ctx.next_question is None:
        return Move(Action.END, "", note)
    if action is Action.END and ctx.next_question is not None:
        action, message = Action.NEXT_QUESTION, ""  # only the plan ends the interview early, not the model
    if action is Action.NEXT_QUESTION and ctx.next_question is not None and not asks(message, ctx.next_question.text):
        message = ctx.next_question.text  # the plan's question is what gets asked, stored and graded
    if action is not Action.END and not message:
        raise ModelOutputInvalid("The AI interviewer gave an empty reply.")
    return Move(action, message, note)


def _followed_up(interview: Interview) -> bool:
    """Whether the current main question has had its follow-up (a hint may have come after it)."""
    last = interview.last_turn
    return last is not None and any(
        t.kind is TurnKind.FOLLOW_UP and t.question_index == last.question_index for t in interview.turns
    )


class ModelInterviewer:
    """Chooses moves with a chat model."""

    def __init__(self, chat: ChatModel, *, max_pairs: int) -> None:
        self._chat = chat
        self._max_pairs = max_pairs

    async def next_move(self, ctx: MoveContext) -> tuple[Move, Usage | None]:
        """Ask the model for the next move, unless the plan and the rules leave only the end."""
        if ctx.instruction is Instruction.AFTER_ANSWER and not ctx.allow_follow_up and ctx.next_question is None:
            # coerce_move would end it whatever the model said, and the note it would write is read by no later
            # turn: a daily question or a second try ends without paying for a call.
            return Move(Action.END, ""), None
        if ctx.instruction is Instruction.AFTER_ANSWER and _followed_up(ctx.interview):
            # One follow-up per main question, then the plan's next question as written, without a call: the
            # call would only add a sentence acknowledging the answer, and skipping it takes about a fifth off an
            # interview's bill (bench/tokens.py). The offline coach, which costs nothing, may ask two.
            if ctx.next_question is None:
                return Move(Action.END, ""), None
            return Move(Action.NEXT_QUESTION, ctx.next_question.text), None
        messages = [
            {"role": "system", "content": system_prompt(ctx.pack)},
            {"role": "user", "content": turn_prompt(ctx, max_pairs=self._max_pairs)},
        ]
        result = await self._chat.complete_json(
            purpose="interviewer",
            messages=messages,
            schema_name="interviewer_move",
            schema=MOVE_SCHEMA,
            max_tokens=MOVE_MAX_TOKENS,
        )
        return coerce_move(result.data, ctx), result.usage
