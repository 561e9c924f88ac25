"""A server that refuses a response_format, whatever the status (llama-cpp-python answers json_schema with a 500):
the chat client steps down the ladder at once, with no retries, and goes straight to the accepted rung from then on."""

from __future__ import annotations

import pytest

from core.ports import ModelUnavailable
from core.providers.chat import Probe
from tests.fakes.openai_server import FakeOpenAI
from tests.llm_support import chat_model, grade


def formats(fake: FakeOpenAI) -> list[str | None]:
    """The response_format type of every chat request the fake received."""
    return [(r["body"].get("response_format") or {}).get("type") for r in fake.requests]


@pytest.mark.timeout(10)
@pytest.mark.parametrize("status", [500, 400, 422])
async def test_a_refused_json_schema_steps_down_at_once_and_is_remembered(status: int) -> None:
    async with FakeOpenAI(rejects_json_schema_with=status) as fake, chat_model(fake, max_retries=2) as model:
        first = await grade(model)
        assert formats(fake) == ["json_schema", "json_object"]  # the refusal is not retried
        for _ in range(3):
            await grade(model)

    assert first.data["score"] == 5
    assert formats(fake)[2:] == ["json_object"] * 3  # no json_schema, so no 500, after the first call
    assert model.structured_mode == "json_object"


@pytest.mark.timeout(10)
async def test_the_refusal_is_remembered_even_when_the_next_rung_then_fails() -> None:
    async with FakeOpenAI(rejects_json_schema_with=500) as fake, chat_model(fake, max_retries=0) as model:
        fake.enqueue("500")  # a real outage, on the json_object request
        with pytest.raises(ModelUnavailable):
            await grade(model)
        await grade(model)

    assert formats(fake) == ["json_schema", "json_object", "json_object"]


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
    assert probe.mode == again.mode == "json_object"
    assert probe.model == "gpt-test"  # what the fake's completion names
    assert probe.latency_ms >= 0
    assert formats(fake) == ["json_schema", "json_object", "json_object"]
