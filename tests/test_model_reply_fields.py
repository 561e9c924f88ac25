"""A 200 whose fields are missing or of the wrong type, through the real client: read as absent, never a crash."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiohttp import web

from core.ports import ModelOutputInvalid
from core.providers.chat import OpenAIChatModel

SCHEMA = {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]}
GOOD = json.dumps({"ok": True})
Body = Callable[[], bytes]


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, list[Body], list[dict[str, Any]]]]:
    """A loopback chat-completions endpoint answering 200 with the bodies queued, in turn; and the requests it saw."""
    bodies: list[Body] = []
    seen: list[dict[str, Any]] = []

    async def completions(request: web.Request) -> web.Response:
        seen.append(await request.json())
        headers = {"openai-processing-ms": "inf"}  # a header no number can be made of: ignored
        return web.Response(body=bodies.pop(0)(), content_type="application/json", headers=headers)

    app = web.Application()
    app.router.add_post("/v1/chat/completions", completions)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}/v1", bodies, seen
    finally:
        await runner.cleanup()


def _reply(**fields: object) -> Body:
    return lambda: json.dumps(fields).encode()


async def _ask(base_url: str) -> Any:
    model = OpenAIChatModel(api_key="sk-test", base_url=base_url, model="m", max_retries=0)
    try:
        return await model.complete_json(purpose="test", messages=[], schema_name="check", schema=SCHEMA), model
    finally:
        await model.close()


async def test_mistyped_usage_and_model_read_as_absent(server: tuple[str, list[Body], list[dict[str, Any]]]) -> None:
    url, bodies, seen = server
    message = {"role": "assistant", "content": GOOD}
    usage = {"prompt_tokens": "12", "completion_tokens": -3, "prompt_tokens_details": ["x"]}
    bodies.append(_reply(choices=[{"message": message}], usage=usage, model=7))

    result, model = await _ask(url)

    assert result.data == {"ok": True}
    assert (result.usage.prompt_tokens, result.usage.completion_tokens, result.usage.cached_tokens) == (0, 0, 0)
    assert result.usage.server_ms is None and model.reported_model is None
    assert seen[0]["response_format"]["type"] == "json_schema" and "max_tokens" not in seen[0]


async def test_whole_number_usage_counts_and_the_model_name_is_kept(
    server: tuple[str, list[Body], list[dict[str, Any]]],
) -> None:
    url, bodies, _ = server
    usage = {"prompt_tokens": 40, "completion_tokens": 5.0, "prompt_tokens_details": {"cached_tokens": 32}}
    bodies.append(_reply(choices=[{"message": {"content": GOOD}}], usage=usage, model=" served-model "))

    result, model = await _ask(url)

    assert (result.usage.prompt_tokens, result.usage.completion_tokens, result.usage.cached_tokens) == (40, 5, 32)
    assert model.reported_model == "served-model"


@pytest.mark.parametrize(
    "body",
    [
        lambda: b"not json at all",
        lambda: b"[1, 2, 3]",
        _reply(choices=[]),
        _reply(choices="none"),
        _reply(choices=[{"message": {"content": 42}}]),
        _reply(choices=[None]),
        lambda: b'{"choices": [{"message": {"content": "{}"}}], "usage": {"prompt_tokens": 1' + b"0" * 30 + b"}}",
    ],
    ids=["not-json", "a-list", "no-choices", "choices-text", "content-number", "choice-null", "huge-integer"],
)
async def test_a_reply_without_usable_content_is_a_reply_not_understood(
    server: tuple[str, list[Body], list[dict[str, Any]]], body: Body
) -> None:
    url, bodies, seen = server
    bodies.extend([body, body])  # the first, then the nudged retry

    with pytest.raises(ModelOutputInvalid) as caught:
        await _ask(url)

    assert len(seen) == 2
    usage = caught.value.usage
    assert usage is None or usage.prompt_tokens == 0  # a count no column holds is no count
