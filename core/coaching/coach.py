"""Who runs a step of an interview: the AI coach (a model behind every decision) or the built-in one.

The service picks one coach per step and passes it on explicitly: the built-in coach takes over while today's AI
budget is spent, and always when no API key is configured.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Protocol

from core.coaching.flow import Grader, Interviewer
from core.coaching.model_writer import NoWriter, QuestionWriter
from core.coaching.scorecard import SummaryText, offline_summary
from core.domain.models import Grade, Interview, Usage


class Summarizer(Protocol):
    """Writes the closing summary of a finished interview."""

    async def summarize(
        self, interview: Interview, *, role_title: str, overall: float | None
    ) -> tuple[SummaryText, Usage | None]:
        """The narrative summary and the model usage it cost (None when no model was called)."""


class OfflineSummarizer:
    """The summary built from the stored grades alone."""

    async def summarize(
        self, interview: Interview, *, role_title: str, overall: float | None
    ) -> tuple[SummaryText, Usage | None]:
        """The summary of the grades: best and weakest answers, what to practise."""
        return offline_summary(interview, overall), None


@dataclass(frozen=True)
class Coach:
    """The interviewer, grader and summarizer one step runs with."""

    name: str  # shown to users: who runs the interview
    interviewer: Interviewer
    grader: Grader
    summarizer: Summarizer
    model: str | None = None  # the chat model behind it; None for the built-in coach
    # Writes questions for a job posting; the built-in coach writes none.
    writer: QuestionWriter = field(default_factory=NoWriter)

    def credit(self, grade: Grade) -> Grade:
        """grade with the model that gave it named, so a scorecard can say who graded each answer."""
        return replace(grade, model=self.model) if grade.grader == "model" and self.model else grade


@dataclass(frozen=True)
class Coaches:
    """The coach a step runs with: the configured one, or the built-in one while the AI budget is spent."""

    configured: Coach
    builtin: Coach

    def pick(self, *, budget_spent: bool) -> Coach:
        """The built-in coach once today's AI budget is spent, else the configured one."""
        return self.builtin if budget_spent else self.configured
