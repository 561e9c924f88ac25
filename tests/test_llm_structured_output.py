"""OpenAIChatModel's structured output against FakeOpenAI: the response_format ladder, parsing and repair."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from core.coaching.model_grader import GRADE_SCHEMA
from core.coaching.model_interviewer import MOVE_SCHEMA
from core.ports import ModelOutputInvalid
from core.providers.jsonparse import parse_json_object
from tests.fakes.openai_responder import FOLLOW_UP
from tests.fakes.openai_server import FakeOpenAI
from tests.llm_support import ANSWER, chat_model, formats, grade, grade_messages

GOOD_GRADE = json.dumps(
    {
        "score": 7,
        "feedback": "f",
        "strength": "s",
        "improvement": "i",
        "evidence": [],
        "injection_detected": False,
    }
)


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI() as server:
        yield server


@pytest.mark.timeout(5)
async def test_json_schema_happy_path_sends_schema_model_and_key() -> None:
    async with FakeOpenAI(api_key="sk-right") as fake, chat_model(fake, api_key="sk-right") as model:
        result = await grade(model)

    assert result.data["score"] == 5
    assert result.data["evidence"] == ["word0 word1 word2 word3 word4 word5"]
    assert result.data["injection_detected"] is False
    [request] = fake.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["authorized"] is True
    assert request["headers"]["Authorization"] == "Bearer ***"
    body = request["body"]
    assert body["model"] == "gpt-test"
    assert body["temperature"] == 0.3
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "answer_grade", "schema": GRADE_SCHEMA, "strict": True},
    }
    assert body["messages"] == grade_messages()  # json_schema mode adds no schema hint
    assert model.structured_mode == "json_schema"


@pytest.mark.timeout(5)
async def test_without_json_schema_falls_back_to_json_object_and_remembers() -> None:
    async with FakeOpenAI(supports_json_schema=False) as fake, chat_model(fake) as model:
        first = await grade(model)
        second = await grade(model, answer="short answer")

    assert first.data["score"] == 5
    assert second.data["score"] == 2
    assert formats(fake) == ["json_schema", "json_object+schema", "json_object+schema"]
    messages = fake.requests[1]["body"]["messages"]
    assert [m["role"] for m in messages] == ["system", "system", "user"]
    assert "answer_grade" in messages[1]["content"]
    assert json.dumps(GRADE_SCHEMA, sort_keys=True, separators=(",", ":")) in messages[1]["content"]
    assert model.structured_mode == "json_object+schema"


@pytest.mark.timeout(5)
async def test_without_any_response_format_parses_fenced_plain_text() -> None:
    async with FakeOpenAI(supports_json_schema=False, supports_json_object=False) as fake:
        async with chat_model(fake) as model:
            first = await grade(model)
            second = await grade(model)

    assert first.data["score"] == second.data["score"] == 5
    assert formats(fake) == ["json_schema", "json_object+schema", "json_object", None, None]
    assert model.structured_mode == "text"


@pytest.mark.timeout(5)
async def test_leading_prose_before_the_object_is_tolerated(fake: FakeOpenAI) -> None:
    fake.enqueue_content(f"Thought process: the answer covers {{bias, variance}} well.\n{GOOD_GRADE}\nDone.")
    async with chat_model(fake) as model:
        result = await grade(model)

    assert result.data["score"] == 7
    assert len(fake.requests) == 1


@pytest.mark.timeout(5)
async def test_malformed_reply_is_retried_once_with_a_nudge(fake: FakeOpenAI) -> None:
    fake.enqueue("malformed")
    async with chat_model(fake) as model:
        result = await grade(model)

    assert result.data["score"] == 5
    assert len(fake.requests) == 2
    nudge = fake.requests[1]["body"]["messages"][-1]
    assert nudge["role"] == "user"
    assert "only" in nudge["content"] and "answer_grade" in nudge["content"]


@pytest.mark.timeout(5)
async def test_malformed_twice_raises_model_output_invalid_without_the_raw_reply(fake: FakeOpenAI) -> None:
    fake.enqueue("malformed", "malformed")
    async with chat_model(fake) as model:
        with pytest.raises(ModelOutputInvalid) as caught:
            await grade(model)

    assert len(fake.requests) == 2
    assert "score nine" not in str(caught.value)


@pytest.mark.timeout(5)
@pytest.mark.parametrize(
    "first_reply",
    [
        "empty_choices",
        "bad_body",
        '{"score": 9}',  # parses, but misses required keys
        '["not", "an", "object"]',
    ],
)
async def test_unusable_reply_then_good_reply_succeeds(fake: FakeOpenAI, first_reply: str) -> None:
    if first_reply.startswith(("{", "[")):
        fake.enqueue_content(first_reply)
    else:
        fake.enqueue(first_reply)
    async with chat_model(fake) as model:
        result = await grade(model)

    assert result.data["score"] == 5
    assert len(fake.requests) == 2


@pytest.mark.timeout(5)
@pytest.mark.parametrize(
    ("user", "action", "message"),
    [
        ("<candidate_answer>I would use a hash map.</candidate_answer>", "follow_up", FOLLOW_UP),
        (f"<candidate_answer>{ANSWER}</candidate_answer>", "next_question", "Fake question 1: tell me"),
        (
            "<question>Why?</question>\nInstruction: give a hint",
            "hint",
            "Hint: think about the trade-offs. Why?",
        ),
        ("Start the interview.", "next_question", "Fake question 1:"),
    ],
)
async def test_fake_interviewer_moves_through_json_object(user: str, action: str, message: str) -> None:
    async with FakeOpenAI(supports_json_schema=False) as fake, chat_model(fake) as model:
        result = await model.complete_json(
            purpose="interviewer",
            messages=[{"role": "system", "content": "You interview."}, {"role": "user", "content": user}],
            schema_name="interviewer_move",
            schema=MOVE_SCHEMA,
        )

    assert result.data["action"] == action
    assert result.data["message"].startswith(message)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1}', {"a": 1}),
        ('```json\n{"a": 1}\n```', {"a": 1}),
        ('Here you go:\n```\n{"a": {"b": [1, 2]}}\n```\nAnything else?', {"a": {"b": [1, 2]}}),
        ('Thought process: use {x, y} first.\n{"a": "}"} trailing', {"a": "}"}),
        ('<think>maybe {"a": 0}</think>{"a": 2}', {"a": 2}),
        ('[{"a": 1}]', None),
        ('"just a string"', None),
        ("Sure! Here is my answer: score nine", None),
        ('{"a": 1,', None),
        (
            '{ "action": "follow_up", "note": "}\n<candidate_answer>\n{ " }',
            {"action": "follow_up", "note": "}\n<candidate_answer>\n{ "},
        ),
        ('Sure:\n{"note": "line one\n\tline two"} done', {"note": "line one\n\tline two"}),
    ],
)
def test_parse_json_object(text: str, expected: dict[str, Any] | None) -> None:
    assert parse_json_object(text) == expected
