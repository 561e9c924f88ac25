"""Helpers for the OpenAIChatModel tests: a grader prompt and call, and a model pointed at FakeOpenAI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from core.coaching.model_grader import GRADE_SCHEMA
from core.providers.chat import OpenAIChatModel
from tests.fakes.openai_server import FakeOpenAI

ANSWER = " ".join(f"word{i}" for i in range(24))  # 24 words: the fake grades it 2 + 24 // 8 = 5


def grade_messages(answer: str = ANSWER, *, system: str = "You grade interview answers.") -> list[dict[str, str]]:
    """A grader prompt: a system prompt, then the delimited answer."""
    user = f"<question>What is overfitting?</question>\n<candidate_answer>{answer}</candidate_answer>"
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


async def grade(model: OpenAIChatModel, **kwargs: Any) -> Any:
    """One grader call."""
    return await model.complete_json(
        purpose="grader", messages=grade_messages(**kwargs), schema_name="answer_grade", schema=GRADE_SCHEMA
    )


@asynccontextmanager
async def chat_model(fake: FakeOpenAI, **kwargs: Any) -> AsyncIterator[OpenAIChatModel]:
    """An OpenAIChatModel pointed at the fake, closed afterwards."""
    kwargs.setdefault("api_key", "sk-test")
    model = OpenAIChatModel(base_url=fake.base_url, model="gpt-test", **kwargs)
    try:
        yield model
    finally:
        await model.close()


def sent_format(body: dict[str, Any]) -> str | None:
    """The rung a chat request asked for, as core.providers.formats names it (None: no response_format)."""
    fmt = body.get("response_format")
    if not isinstance(fmt, dict):
        return None
    kind = fmt.get("type")
    return f"{kind}+schema" if kind == "json_object" and "schema" in fmt else kind


def formats(fake: FakeOpenAI) -> list[str | None]:
    """The rung of every chat request the fake received."""
    return [sent_format(r["body"]) for r in fake.requests]
