"""A server that refuses a response_format, whatever the status (llama-cpp-python answers json_schema with a 500):
the chat client steps down the ladder at once, with no retries, and goes straight to the accepted rung from then on;
below json_schema the schema travels inside json_object (llama-cpp-python makes it a grammar) and replies are capped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from core.coaching.model_grader import GRADE_SCHEMA
from core.coaching.model_interviewer import MOVE_MAX_TOKENS
from core.coaching.summary import SUMMARY_MAX_TOKENS
from core.ports import ModelOutputInvalid, ModelUnavailable
from core.providers.chat import MAX_REPLY_TOKENS, Probe
from tests.fakes.openai_server import FakeOpenAI
from tests.llm_support import chat_model, formats, grade
from tests.support import conv_for, make_service


@pytest.mark.timeout(10)
@pytest.mark.parametrize("status", [500, 400, 422])
async def test_a_refused_json_schema_steps_down_at_once_and_is_remembered(status: int) -> None:
    async with FakeOpenAI(rejects_json_schema_with=status) as fake, chat_model(fake, max_retries=2) as model:
        first = await grade(model)
        assert formats(fake) == ["json_schema", "json_object+schema"]  # the refusal is not retried
        for _ in range(3):
            await grade(model)

    assert first.data["score"] == 5
    assert formats(fake)[2:] == ["json_object+schema"] * 3  # no json_schema, so no 500, after the first call
    assert model.structured_mode == "json_object+schema"


@pytest.mark.timeout(10)
async def test_the_refusal_is_remembered_even_when_the_next_rung_then_fails() -> None:
    async with FakeOpenAI(rejects_json_schema_with=500) as fake, chat_model(fake, max_retries=0) as model:
        fake.enqueue("500")  # a real outage, on the json_object request
        with pytest.raises(ModelUnavailable):
            await grade(model)
        await grade(model)

    assert formats(fake) == ["json_schema", "json_object+schema", "json_object+schema"]


@pytest.mark.timeout(10)
async def test_a_500_that_names_no_response_format_is_still_an_outage_and_retried() -> None:
    async with FakeOpenAI() as fake, chat_model(fake, max_retries=1) as model:
        fake.enqueue("500", "500")
        with pytest.raises(ModelUnavailable):
            await grade(model)

    assert formats(fake) == ["json_schema", "json_schema"]
    assert model.structured_mode == "json_schema"


@pytest.mark.timeout(10)
async def test_probe_reports_the_accepted_rung_and_the_model_the_server_names() -> None:
    async with FakeOpenAI(rejects_json_schema_with=500) as fake, chat_model(fake) as model:
        assert model.reported_model is None  # nothing answered yet
        probe = await model.probe()
        again = await model.probe()

    assert isinstance(probe, Probe)
    assert probe.mode == again.mode == "json_object+schema"
    assert probe.model == "gpt-test"  # what the fake's completion names
    assert probe.latency_ms >= 0
    assert formats(fake) == ["json_schema", "json_object+schema", "json_object+schema"]


@pytest.mark.timeout(10)
async def test_a_small_model_grades_when_the_schema_travels_inside_json_object() -> None:
    # As llama-cpp-python with SmolLM2-135M: json_schema refused with a 500, and JSON of the model's own shape unless
    # response_format carries the schema.
    async with FakeOpenAI(rejects_json_schema_with=500, follows_prompt_schema=False) as fake:
        async with chat_model(fake, max_retries=0) as model:
            result = await grade(model)

    assert result.data["score"] == 5
    sent = fake.requests[1]["body"]["response_format"]
    assert sent == {"type": "json_object", "schema": GRADE_SCHEMA}


@pytest.mark.timeout(10)
async def test_a_server_refusing_the_schema_inside_json_object_gets_plain_json_object() -> None:
    async with FakeOpenAI(supports_json_schema=False, follows_prompt_schema=False) as fake:
        fake.refuses_schema_in_json_object = True  # as OpenAI answers a field it does not know
        async with chat_model(fake, max_retries=0) as model:
            with pytest.raises(ModelOutputInvalid):
                await grade(model)  # plain json_object: the small model's own shape, twice
            assert model.structured_mode == "json_object"

    assert formats(fake) == ["json_schema", "json_object+schema", "json_object", "json_object"]
    assert fake.requests[2]["body"]["response_format"] == {"type": "json_object"}


@pytest.mark.timeout(10)
async def test_replies_are_capped_below_json_schema_only() -> None:
    async with FakeOpenAI(rejects_json_schema_with=500) as fake, chat_model(fake, max_retries=0) as model:
        await grade(model)
        fake.enqueue_content("{" + '"feedback": "' + "very " * MAX_REPLY_TOKENS)  # a reply that would not end
        again = await grade(model)  # the cut reply is no JSON object: the nudge's reply is

    caps = [r["body"].get("max_tokens") for r in fake.requests]
    assert caps == [None, MAX_REPLY_TOKENS, MAX_REPLY_TOKENS, MAX_REPLY_TOKENS]  # no cap on json_schema
    assert fake.requests[2]["usage"]["completion_tokens"] == MAX_REPLY_TOKENS  # cut there, as the server would
    assert again.data["score"] == 5


@pytest.mark.timeout(20)
async def test_each_kind_of_reply_asks_for_no_more_than_it_needs(tmp_path: Path) -> None:
    async with FakeOpenAI(rejects_json_schema_with=500) as fake:
        service = make_service(
            f"sqlite:///{tmp_path / 'caps.db'}", OPENAI_API_KEY="sk-test", OPENAI_BASE_URL=fake.base_url
        )
        conv = conv_for("u-caps")
        try:
            await service.start(conv, role="data-science", questions=1)
            await service.answer(conv, "I would use cross validation and keep a test set aside. " * 4)
        finally:
            await service.close()

    caps = {schema_of(r["body"]): r["body"].get("max_tokens") for r in fake.requests if r["body"].get("max_tokens")}
    assert caps == {
        "interviewer_move": MOVE_MAX_TOKENS,
        "answer_grade": MAX_REPLY_TOKENS,
        "interview_summary": SUMMARY_MAX_TOKENS,
    }


def schema_of(body: dict[str, Any]) -> str:
    """The schema a request's hint names (below json_schema, the schema travels in a system message)."""
    hint = next(m["content"] for m in body["messages"] if m["content"].startswith("Reply with one JSON object"))
    return hint.split("`")[1]
