"""While today's AI budget is spent, a turn's model calls go to the built-in coach instead (see core.quotas)."""

from __future__ import annotations

from contextvars import ContextVar

from core.coaching.flow import Grader, GradeRequest, Interviewer, Move, MoveContext
from core.coaching.scorecard import SummaryText, offline_summary
from core.coaching.summary import ModelSummarizer
from core.domain.models import Grade, Interview, Usage

# Set per turn by core.quotas, read by the wrappers below. A context variable, because a background grade task
# copies it when it is spawned: a grade started in a turn over budget stays with the coach, whatever comes later.
_BUILTIN_COACH: ContextVar[bool] = ContextVar("mock_interview_builtin_coach", default=False)


def use_builtin_coach(on: bool) -> None:
    """Send this task's model calls (and those of the tasks it spawns from now on) to the built-in coach, or not."""
    _BUILTIN_COACH.set(on)


def builtin_coach_on() -> bool:
    """Whether this task's model calls go to the built-in coach."""
    return _BUILTIN_COACH.get()


class SwitchedInterviewer:
    """The model interviewer, or the built-in one while the switch is on."""

    def __init__(self, model: Interviewer, coach: Interviewer) -> None:
        self._model = model
        self._coach = coach

    async def next_move(self, ctx: MoveContext) -> tuple[Move, Usage | None]:
        """The next move, from whichever interviewer the switch picks."""
        return await (self._coach if builtin_coach_on() else self._model).next_move(ctx)


class SwitchedGrader:
    """The model grader, or the key-point grader while the switch is on."""

    def __init__(self, model: Grader, coach: Grader) -> None:
        self._model = model
        self._coach = coach

    async def grade(self, request: GradeRequest) -> tuple[Grade, Usage | None]:
        """The grade, from whichever grader the switch picks."""
        return await (self._coach if builtin_coach_on() else self._model).grade(request)


class SwitchedSummarizer(ModelSummarizer):
    """The model's closing summary, or the offline one while the switch is on."""

    async def summarize(  # type: ignore[override]  # no model call, so no usage
        self, interview: Interview, *, role_title: str, overall: float | None
    ) -> tuple[SummaryText, Usage | None]:
        """The narrative summary of a finished interview."""
        if builtin_coach_on():
            return offline_summary(interview, overall), None
        return await super().summarize(interview, role_title=role_title, overall=overall)
