"""Our retry policy for model calls, measured at the wire: Retry-After honoured, jittered, capped and bounded."""

from __future__ import annotations

import asyncio
import itertools
import json
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from core.coaching.model_grader import GRADE_SCHEMA
from core.ports import ModelOutputInvalid, ModelUnavailable
from core.providers.chat import OpenAIChatModel
from core.providers.retry import MAX_WAIT_S, Backoff
from core.providers.speech import WhisperTranscriber
from tests.fakes.openai_server import MALFORMED_CONTENT, FakeOpenAI

SLACK_S = 0.15  # what a loopback round trip and the event loop may add to a wait
OGG = b"OggS\x00\x02" + bytes(range(256)) * 8


def grade_messages(answer: str) -> list[dict[str, str]]:
    """A grader prompt whose answer tells concurrent calls apart at the fake."""
    user = f"<question>What is overfitting?</question>\n<candidate_answer>{answer}</candidate_answer>"
    return [{"role": "system", "content": "You grade interview answers."}, {"role": "user", "content": user}]


async def grade(model: OpenAIChatModel, answer: str = "an answer of eight words or so here") -> Any:
    """One grader call."""
    return await model.complete_json(
        purpose="grader", messages=grade_messages(answer), schema_name="answer_grade", schema=GRADE_SCHEMA
    )


@asynccontextmanager
async def chat_model(fake: FakeOpenAI, **kwargs: Any) -> AsyncIterator[OpenAIChatModel]:
    """An OpenAIChatModel pointed at the fake, closed afterwards."""
    model = OpenAIChatModel(api_key="sk-test", base_url=fake.base_url, model="gpt-test", **kwargs)
    try:
        yield model
    finally:
        await model.close()


def gaps(records: list[dict[str, Any]]) -> list[float]:
    """Seconds between the arrivals of consecutive requests."""
    return [b["at"] - a["at"] for a, b in itertools.pairwise(records)]


def predicted(seed: int, *retry_headers: dict[str, str], **shape: Any) -> list[float]:
    """The waits a Backoff seeded with seed chooses for these failed responses, in order."""
    backoff = Backoff(rng=random.Random(seed), **shape)
    return [backoff.wait(n, headers) for n, headers in enumerate(retry_headers)]


@pytest.mark.timeout(10)
async def test_a_429_with_retry_after_1_is_retried_after_1_s_plus_at_most_the_jitter_bound() -> None:
    async with FakeOpenAI(retry_after=1.0) as fake:
        fake.retry_after_ms = False  # Retry-After alone, in whole seconds
        fake.enqueue("429")
        async with chat_model(fake, max_retries=2, backoff=Backoff(rng=random.Random(5))) as model:
            result = await grade(model)

    [gap] = gaps(fake.requests)
    [expected] = predicted(5, {"retry-after": "1"})
    assert 1.0 <= gap <= 1.0 + Backoff().jitter_bound(1.0) + SLACK_S
    assert gap == pytest.approx(expected, abs=SLACK_S)  # the seeded jitter is what reached the wire
    assert [r["fault"] for r in fake.requests] == ["429", None]
    assert result.usage.latency_ms >= 1000
    # The SDK did not retry on its own: each try is a first try to it.
    assert [r["headers"].get("x-stainless-retry-count") for r in fake.requests] == ["0", "0"]


@pytest.mark.timeout(10)
async def test_callers_rate_limited_together_come_back_at_different_times() -> None:
    callers = 5
    async with FakeOpenAI(retry_after=0.5) as fake:
        fake.enqueue(*["429"] * callers)
        async with chat_model(fake) as model:  # the production default: an unseeded Backoff
            await asyncio.gather(*(grade(model, f"answer number {n} " * 3) for n in range(callers)))

    waits = []
    for n in range(callers):
        mine = [r for r in fake.requests if f"answer number {n} " in json.dumps(r["body"])]
        assert [r["fault"] for r in mine] == ["429", None]
        waits.append(mine[1]["at"] - mine[0]["at"])
    assert all(0.5 <= w <= 0.5 + Backoff().jitter_bound(0.5) + SLACK_S for w in waits)
    # Without jitter all five would return within a few milliseconds of each other.
    assert max(waits) - min(waits) > 0.02


@pytest.mark.timeout(10)
async def test_a_huge_retry_after_is_capped() -> None:
    async with FakeOpenAI(retry_after=120) as fake:
        fake.enqueue("429")
        async with chat_model(fake, backoff=Backoff(max_wait_s=1.0, rng=random.Random(3))) as model:
            await grade(model)

    [gap] = gaps(fake.requests)
    assert 1.0 - Backoff().jitter_bound(1.0) <= gap <= 1.0 + SLACK_S
    # The production cap, for any draw of the jitter.
    for seed in range(50):
        [wait] = predicted(seed, {"retry-after": "120", "retry-after-ms": "120000"})
        assert MAX_WAIT_S - Backoff().jitter_bound(MAX_WAIT_S) <= wait <= MAX_WAIT_S


@pytest.mark.timeout(10)
async def test_without_retry_after_the_waits_double_and_the_tries_are_bounded_by_the_setting() -> None:
    shape = {"first_s": 0.2}
    async with FakeOpenAI() as fake:
        fake.enqueue("500", "500", "500", "500")
        async with chat_model(fake, max_retries=2, backoff=Backoff(rng=random.Random(9), **shape)) as model:
            with pytest.raises(ModelUnavailable, match="having problems"):
                await grade(model)

    assert [r["fault"] for r in fake.requests] == ["500", "500", "500"]  # one try and two retries, no more
    first, second = gaps(fake.requests)
    want_first, want_second = predicted(9, {}, {}, **shape)
    assert 0.2 <= first == pytest.approx(want_first, abs=SLACK_S)
    assert 0.4 <= second == pytest.approx(want_second, abs=SLACK_S)


@pytest.mark.timeout(5)
async def test_a_timeout_is_retried_and_a_rejected_key_is_not() -> None:
    async with FakeOpenAI(hang_seconds=5) as fake:
        fake.enqueue("timeout")
        backoff = Backoff(first_s=0.05, rng=random.Random(1))
        async with chat_model(fake, timeout_s=0.4, max_retries=1, backoff=backoff) as model:
            result = await grade(model)
    assert result.data["score"] >= 1
    assert [r["fault"] for r in fake.requests] == ["timeout", None]

    async with FakeOpenAI(api_key="sk-right") as fake, chat_model(fake, max_retries=3) as model:
        with pytest.raises(ModelUnavailable, match="rejected the API key"):
            await grade(model)
    assert len(fake.requests) == 1


@pytest.mark.timeout(5)
async def test_tokens_paid_before_an_outage_stay_on_the_error() -> None:
    async with FakeOpenAI() as fake:
        fake.enqueue_content(MALFORMED_CONTENT)  # paid for, unusable: the client asks again with a nudge
        fake.enqueue("500", "500")
        async with chat_model(fake, max_retries=1, backoff=Backoff(first_s=0.05)) as model:
            with pytest.raises(ModelUnavailable) as caught:
                await grade(model)

    paid = fake.requests[0]["usage"]
    usage = caught.value.usage
    assert usage is not None
    assert (usage.prompt_tokens, usage.completion_tokens) == (paid["prompt_tokens"], paid["completion_tokens"])
    assert [r["fault"] for r in fake.requests] == [None, "500", "500"]


@pytest.mark.timeout(5)
async def test_twice_unusable_replies_still_carry_their_usage() -> None:
    async with FakeOpenAI() as fake:
        fake.enqueue_content(MALFORMED_CONTENT)
        fake.enqueue("429")
        fake.enqueue_content(MALFORMED_CONTENT)
        fake.retry_after = 0.1
        async with chat_model(fake, backoff=Backoff(rng=random.Random(2))) as model:
            with pytest.raises(ModelOutputInvalid) as caught:
                await grade(model)

    usage = caught.value.usage
    assert usage is not None
    assert usage.prompt_tokens == sum(r["usage"]["prompt_tokens"] for r in fake.requests if r["usage"])
    assert [r["fault"] for r in fake.requests] == [None, "429", None]


@pytest.mark.timeout(10)
async def test_the_transcriber_waits_out_retry_after_with_jitter() -> None:
    async with FakeOpenAI(retry_after=0.5) as fake:
        fake.enqueue("429", endpoint="transcriptions")
        transcriber = WhisperTranscriber(
            api_key="sk-test", base_url=fake.base_url, model="whisper-1", backoff=Backoff(rng=random.Random(4))
        )
        try:
            transcript, _usage = await transcriber.transcribe(
                OGG, filename="answer.ogg", mime="audio/ogg", prompt="", language="en"
            )
        finally:
            await transcriber.close()

    assert transcript.text == "This is a transcribed answer."
    [gap] = gaps(fake.transcriptions)
    [expected] = predicted(4, {"retry-after": "0.5", "retry-after-ms": "500"})
    assert 0.5 <= gap == pytest.approx(expected, abs=SLACK_S)
    assert len(fake.transcriptions) == 2


@pytest.mark.timeout(5)
async def test_the_transcriber_retries_are_bounded() -> None:
    async with FakeOpenAI() as fake:
        fake.enqueue("500", "500", "500", endpoint="transcriptions")
        transcriber = WhisperTranscriber(
            api_key="sk-test", base_url=fake.base_url, model="whisper-1", max_retries=1, backoff=Backoff(first_s=0.05)
        )
        try:
            with pytest.raises(ModelUnavailable, match="transcription service is having problems"):
                await transcriber.transcribe(OGG, filename="answer.ogg", mime="audio/ogg", prompt="", language=None)
        finally:
            await transcriber.close()
    assert len(fake.transcriptions) == 2
