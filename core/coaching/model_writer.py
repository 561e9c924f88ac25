"""Questions written for a job posting: by a model (structured output, each item then checked by our code), or by
nobody, when the built-in coach runs and the pack's questions ranked for the posting stand alone."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from core.coaching.prompts import render
from core.domain.models import Usage
from core.domain.roles import RolePack
from core.ports import ChatModel
from core.tailoring.generated import Checked, GeneratedQuestion, check_generated

WRITER_MAX_TOKENS = 1800  # about 150 tokens a question, for up to 10 of them
# Strict structured output wants every property required and nothing else allowed; "requirement" is "" for none.
WRITER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "questions": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "question": {"type": "string"},
                    "key_points": {"type": "array", "items": {"type": "string"}},
                    "hint": {"type": "string"},
                    "requirement": {"type": "string"},
                },
                "required": ["question", "key_points", "hint", "requirement"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["questions"],
    "additionalProperties": False,
}


class QuestionWriter(Protocol):
    """Writes questions for a posting's requirements."""

    async def write(
        self, pack: RolePack, *, requirements: Sequence[str], seniority: str | None, count: int
    ) -> tuple[Checked, Usage | None]:
        """The questions written, each accepted or rejected by our checks, and the model usage it cost."""


class NoWriter:
    """The built-in coach writes no questions: the pack's, ranked for the posting, stand alone."""

    async def write(
        self, pack: RolePack, *, requirements: Sequence[str], seniority: str | None, count: int
    ) -> tuple[Checked, Usage | None]:
        """Nothing written."""
        return Checked(), None


class ModelWriter:
    """Asks a chat model for questions aimed at the posting's requirements."""

    def __init__(self, chat: ChatModel) -> None:
        self._chat = chat

    async def write(
        self, pack: RolePack, *, requirements: Sequence[str], seniority: str | None, count: int
    ) -> tuple[Checked, Usage | None]:
        """count questions (a few more are asked for, as some fail the checks), checked against the pack."""
        if not requirements or count < 1:
            return Checked(), None
        user = render(
            "writer_turn",
            role_title=pack.title,
            seniority=seniority or "not stated",
            count=count + 2,
            topics=", ".join(dict.fromkeys(q.topic for q in pack.questions)),
            requirements="\n".join(f"{n}. {r}" for n, r in enumerate(requirements, 1)),
        )
        messages = [{"role": "system", "content": render("writer_system")}, {"role": "user", "content": user}]
        result = await self._chat.complete_json(
            purpose="writer",
            messages=messages,
            schema_name="tailored_questions",
            schema=WRITER_SCHEMA,
            max_tokens=WRITER_MAX_TOKENS,
        )
        raw = result.data.get("questions")
        items: list[GeneratedQuestion | dict[str, Any]] = (
            [i for i in raw if isinstance(i, dict)] if isinstance(raw, list) else []
        )
        return check_generated(items, pack, requirements), result.usage
