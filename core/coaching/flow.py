"""The two decisions of a turn, as interfaces: what the interviewer says next, and how an answer is graded."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Protocol

from core.coaching.injection import Screened, screen_answer
from core.domain.models import Grade, Interview, TurnKind, Usage
from core.domain.roles import KeyPoint, Question, RolePack


class Action(StrEnum):
    """The interviewer's next move."""

    FOLLOW_UP = "follow_up"
    HINT = "hint"
    NEXT_QUESTION = "next_question"
    END = "end"


class Instruction(StrEnum):
    """Why the interviewer is asked for a move."""

    OPEN = "open"  # the first question of the interview
    AFTER_ANSWER = "after_answer"  # the candidate just answered
    HINT = "hint"  # the candidate asked for a hint or said they are stuck


@dataclass(frozen=True)
class Move:
    """What the interviewer says next. `message` is the bare text, without a heading."""

    action: Action
    message: str
    note: str = ""  # a few words on the last answer, kept for the running record


@dataclass(frozen=True)
class MoveContext:
    """Everything an interviewer needs to choose a move."""

    pack: RolePack
    interview: Interview  # with every turn so far; the last one is the one just answered (or hinted)
    instruction: Instruction
    current_question: Question | None  # the main question the last turn belongs to
    next_question: Question | None  # the next main question of the plan; None when the plan is done
    allow_follow_up: bool
    hints_given: int = 0  # hints already given on the current main question


class Interviewer(Protocol):
    """Chooses the next move of the interview."""

    async def next_move(self, ctx: MoveContext) -> tuple[Move, Usage | None]:
        """The next move and the model usage it cost (None when no model was called)."""


@dataclass(frozen=True)
class GradeRequest:
    """One answer to grade, with what it should be graded against."""

    pack: RolePack
    kind: TurnKind
    asked: str  # what the candidate was asked
    answer: str
    key_points: tuple[KeyPoint, ...]  # what a strong answer covers
    main_question: str  # the main question this pair belongs to
    level: str | None = None

    @cached_property
    def screened(self) -> Screened:
        """The answer without text aimed at the grader: screened once for the grader and the grade rules alike."""
        return screen_answer(self.answer)


class Grader(Protocol):
    """Grades one answer."""

    async def grade(self, request: GradeRequest) -> tuple[Grade, Usage | None]:
        """The grade (already clamped by the caller's rules) and the model usage it cost."""
