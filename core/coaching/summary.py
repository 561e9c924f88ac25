"""The closing narrative: one short model call over the stored grades, or the offline summary."""

from __future__ import annotations

from typing import Any

from core.coaching.prompts import render
from core.coaching.scorecard import SummaryText, answered_main_questions
from core.domain.models import Interview, Usage
from core.domain.text import model_text, shorten
from core.ports import ChatModel

# The summary is cut at 1,200 characters (about 300 tokens), with a few strengths and next steps beside it.
SUMMARY_MAX_TOKENS = 600

SUMMARY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "summary": {"type": "string"},
        "top_strengths": {"type": "array", "items": {"type": "string"}},
        "focus_next": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["summary", "top_strengths", "focus_next"],
    "additionalProperties": False,
}


def _items(interview: Interview) -> str:
    lines = []
    for t in interview.turns:
        if t.answer is None:
            lines.append(
                f"{t.seq}. [{t.kind.value}] {shorten(t.question, 100)} ({'skipped' if t.skipped else 'no answer'})"
            )
            continue
        score = t.grade.score if t.grade else "ungraded"
        feedback = shorten(t.grade.feedback, 160) if t.grade else ""
        # No answer text: the grader read each answer whole and its feedback says what the answer showed, so the
        # summary works from that, and a 25-pair interview's summary call costs a third of what excerpts made it.
        lines.append(f"{t.seq}. [{t.kind.value}] {shorten(t.question, 100)}\n   score {score}: {feedback}")
    return "\n".join(lines)


def _strings(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(shorten(text, 160) for text in map(model_text, value) if text)[:3]


class ModelSummarizer:
    """Writes the closing summary with one short model call."""

    def __init__(self, chat: ChatModel) -> None:
        self._chat = chat

    async def summarize(
        self, interview: Interview, *, role_title: str, overall: float | None
    ) -> tuple[SummaryText, Usage]:
        """The narrative summary of a finished interview."""
        user = render(
            "summary_turn",
            role_title=role_title,
            level=interview.level or "not stated",
            overall=overall if overall is not None else "n/a",
            answered=answered_main_questions(interview),
            planned=interview.planned_questions,
            items=_items(interview),
        )
        messages = [{"role": "system", "content": render("summary_system")}, {"role": "user", "content": user}]
        result = await self._chat.complete_json(
            purpose="summary",
            messages=messages,
            schema_name="interview_summary",
            schema=SUMMARY_SCHEMA,
            max_tokens=SUMMARY_MAX_TOKENS,
        )
        text = shorten(model_text(result.data.get("summary")), 1200)
        if not text:
            text = "Interview complete."
        return (
            SummaryText(text, _strings(result.data.get("top_strengths")), _strings(result.data.get("focus_next"))),
            result.usage,
        )
