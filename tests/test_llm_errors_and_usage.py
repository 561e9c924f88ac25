"""OpenAIChatModel when the service fails, and what it is billed and timed; FakeOpenAI's extras, checked too."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import openai
import pytest

from core.ports import ModelUnavailable
from tests.fakes.openai_server import FakeOpenAI
from tests.llm_support import chat_model, grade

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI() as server:
        yield server


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


async def test_the_providers_processing_time_is_told_apart_from_latency() -> None:
    async with FakeOpenAI(latency=(0.2, 0.2)) as fake, chat_model(fake) as model:
        result = await grade(model)
    assert result.usage.server_ms == 200
    assert result.usage.latency_ms >= 200
