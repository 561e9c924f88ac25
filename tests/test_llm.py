"""OpenAIChatModel through the real openai SDK against the loopback FakeOpenAI server."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import openai
import pytest

from core.coaching.model_grader import GRADE_SCHEMA
from core.coaching.model_interviewer import MOVE_SCHEMA
from core.ports import ModelOutputInvalid, ModelUnavailable
from core.providers.chat import OpenAIChatModel
from core.providers.jsonparse import parse_json_object
from tests.fakes.openai_responder import FOLLOW_UP
from tests.fakes.openai_server import FakeOpenAI

REPO = Path(__file__).resolve().parents[1]
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


def formats(fake: FakeOpenAI) -> list[str | None]:
    """The response_format type of every chat request the fake received."""
    return [(r["body"].get("response_format") or {}).get("type") for r in fake.requests]


@asynccontextmanager
async def chat_model(fake: FakeOpenAI, **kwargs: Any) -> AsyncIterator[OpenAIChatModel]:
    """An OpenAIChatModel pointed at the fake, closed afterwards."""
    kwargs.setdefault("api_key", "sk-test")
    model = OpenAIChatModel(base_url=fake.base_url, model="gpt-test", **kwargs)
    try:
        yield model
    finally:
        await model.close()


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
    assert formats(fake) == ["json_schema", "json_object", "json_object"]
    messages = fake.requests[1]["body"]["messages"]
    assert [m["role"] for m in messages] == ["system", "system", "user"]
    assert "answer_grade" in messages[1]["content"]
    assert json.dumps(GRADE_SCHEMA, sort_keys=True, separators=(",", ":")) in messages[1]["content"]
    assert model.structured_mode == "json_object"


@pytest.mark.timeout(5)
async def test_without_any_response_format_parses_fenced_plain_text() -> None:
    async with FakeOpenAI(supports_json_schema=False, supports_json_object=False) as fake:
        async with chat_model(fake) as model:
            first = await grade(model)
            second = await grade(model)

    assert first.data["score"] == second.data["score"] == 5
    assert formats(fake) == ["json_schema", "json_object", None, None]
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


@pytest.mark.timeout(8)
async def test_500s_beyond_max_retries_raise_model_unavailable(fake: FakeOpenAI) -> None:
    fake.enqueue("500", "500", "500")
    async with chat_model(fake, max_retries=2) as model:
        with pytest.raises(ModelUnavailable) as caught:
            await grade(model)

    assert len(fake.requests) == 3
    assert str(caught.value) == "The AI service is having problems."


@pytest.mark.timeout(5)
async def test_hanging_server_times_out_quickly(fake: FakeOpenAI) -> None:
    fake.enqueue("timeout")
    async with chat_model(fake, timeout_s=0.5, max_retries=0) as model:
        started = time.perf_counter()
        with pytest.raises(ModelUnavailable, match="timed out"):
            await grade(model)
        assert time.perf_counter() - started < 2.0


@pytest.mark.timeout(5)
async def test_wrong_key_raises_model_unavailable_without_leaking_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="core.providers.chat")
    async with (
        FakeOpenAI(api_key="sk-right") as fake,
        chat_model(fake, api_key="sk-wrong-secret-42") as model,
    ):
        with pytest.raises(ModelUnavailable) as caught:
            await grade(model)

    assert str(caught.value) == "The AI service rejected the API key."
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    logged = " ".join(r.getMessage() for r in caplog.records if r.name == "core.providers.chat")
    assert "AuthenticationError" in logged and "401" in logged
    assert "sk-wrong-secret-42" not in logged + str(caught.value)
    assert [r["authorized"] for r in fake.requests] == [False]  # a 401 is not retried


@pytest.mark.timeout(5)
async def test_usage_sums_every_paid_reply_and_reports_prefix_cache(fake: FakeOpenAI) -> None:
    long_system = "You are a strict but kind interviewer for data-science roles. " * 100  # > 5000 chars
    async with chat_model(fake) as model:
        first = await grade(model, system=long_system)
        fake.enqueue("malformed")
        second = await grade(model, system=long_system, answer="a different answer this time")

    assert len(long_system) > 5000
    assert first.usage.cached_tokens == 0
    assert second.usage.cached_tokens >= 1024 and second.usage.cached_tokens % 128 == 0
    assert (first.usage.purpose, first.usage.model) == ("grader", "gpt-test")
    sent = [r["usage"] for r in fake.requests]
    assert first.usage.prompt_tokens == sent[0]["prompt_tokens"] > len(long_system) // 4
    assert first.usage.completion_tokens == sent[0]["completion_tokens"] > 0
    # The second call paid for the malformed reply and the retry.
    assert second.usage.prompt_tokens == sent[1]["prompt_tokens"] + sent[2]["prompt_tokens"]
    assert second.usage.completion_tokens == sent[1]["completion_tokens"] + sent[2]["completion_tokens"]
    assert second.usage.cached_tokens == sum(u["prompt_tokens_details"]["cached_tokens"] for u in sent[1:])


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


@pytest.mark.timeout(5)
async def test_transcription_upload_is_recorded(fake: FakeOpenAI) -> None:
    audio = b"OggS\x00\x02" + bytes(range(256)) * 8
    async with openai.AsyncOpenAI(api_key="sk-test", base_url=fake.base_url, max_retries=0) as client:
        result = await client.audio.transcriptions.create(
            model="whisper-1",
            file=("answer.ogg", audio, "audio/ogg"),
            prompt="K-means clustering, bias-variance tradeoff",
            language="en",
        )

    assert result.text == "This is a transcribed answer."
    [got] = fake.transcriptions
    assert (got["model"], got["filename"], got["content_type"]) == ("whisper-1", "answer.ogg", "audio/ogg")
    assert got["bytes"] == audio and got["byte_length"] == len(audio)
    assert (got["prompt"], got["language"]) == ("K-means clustering, bias-variance tradeoff", "en")


@pytest.mark.timeout(10)
async def test_standalone_server_prints_its_url_and_serves() -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.fakes.openai_server", "--port", "0", "--no-json-schema",
        cwd=REPO, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        base_url = (await asyncio.wait_for(proc.stdout.readline(), 5)).decode().strip()
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1")
        async with openai.AsyncOpenAI(api_key="sk-test", base_url=base_url, max_retries=0) as client:
            completion = await client.chat.completions.create(
                model="gpt-test",
                messages=[{"role": "user", "content": "Say ok as JSON."}],
                response_format={"type": "json_object"},
            )
        assert json.loads(completion.choices[0].message.content or "") == {"ok": True}
    finally:
        proc.terminate()
        assert await asyncio.wait_for(proc.wait(), 5) == 0


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
    ],
)
def test_parse_json_object(text: str, expected: dict[str, Any] | None) -> None:
    assert parse_json_object(text) == expected


async def test_the_providers_processing_time_is_told_apart_from_latency() -> None:
    async with FakeOpenAI(latency=(0.2, 0.2)) as fake, chat_model(fake) as model:
        result = await grade(model)
    assert result.usage.server_ms == 200
    assert result.usage.latency_ms >= 200
