"""CPU in our process for one chat-completions call, three ways, against the fake model in a process of its own.

    python -m bench.model_call [--calls 4000] [--concurrency 20] [--json]

- sdk_create_ms: the SDK's typed call, `chat.completions.create`, its reply built as a model.
- ours_ms: what core/providers/completions.py does: the same `AsyncOpenAI` client posting a body we encode, its reply
  read as plain JSON (`post_completion` and `read_reply`).
- bare_aiohttp_ms: the same POST over one aiohttp session, with no SDK: what a turn would pay without it.

Each is CPU time (user + system) of this process over the calls, divided by the calls; every client runs on the
uvloop event loop and keeps its connections. A turn makes two calls (the move and the grade), so twice ours_ms of a
turn's CPU is the model calls' (bench.load's cpu_ms_per_turn).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import openai
import orjson

from bench.common import print_figures, start_fake_model
from bots.bootstrap import run_event_loop
from core.providers.chat import pooled_http_client
from core.providers.completions import post_completion, read_reply, request_body

MESSAGES = [
    {"role": "system", "content": "You grade one answer from a mock job interview. " * 80},  # about a grader prompt
    {"role": "user", "content": "Question: design an A/B test.\n<candidate_answer>\n" + "I would randomise. " * 50},
]
FORMAT = {"type": "json_object"}


async def _cpu_per_call(call: Callable[[], Awaitable[Any]], calls: int, concurrency: int) -> float:
    """Milliseconds of this process's CPU per call, after a warm-up that opens the connections."""
    for _ in range(3):
        await asyncio.gather(*(call() for _ in range(concurrency)))
    started = time.process_time()
    for _ in range(calls // concurrency):
        await asyncio.gather(*(call() for _ in range(concurrency)))
    return round((time.process_time() - started) / (calls // concurrency * concurrency) * 1000, 3)


async def _measure(url: str, calls: int, concurrency: int) -> dict[str, Any]:
    client = openai.AsyncOpenAI(api_key="sk-bench", base_url=url, max_retries=0, http_client=pooled_http_client())
    session = aiohttp.ClientSession()
    body = request_body(model="m", messages=MESSAGES, response_format=FORMAT, temperature=None, max_tokens=None)
    headers = {"Authorization": "Bearer sk-bench", "Content-Type": "application/json"}

    async def sdk_create() -> object:
        return await client.chat.completions.create(model="m", messages=MESSAGES, response_format=FORMAT)

    async def ours() -> object:
        return read_reply(await post_completion(client, body))

    async def bare() -> object:
        async with session.post(f"{url}/chat/completions", data=body, headers=headers) as response:
            return orjson.loads(await response.read())

    try:
        figures = {
            name: await _cpu_per_call(call, calls, concurrency)
            for name, call in (("sdk_create_ms", sdk_create), ("ours_ms", ours), ("bare_aiohttp_ms", bare))
        }
    finally:
        await session.close()
        await client.close()
    return {"calls": calls, "concurrency": concurrency, **figures}


def main() -> None:
    """Print the figures, or one JSON object with --json."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    fake, url = start_fake_model((0.0, 0.0))
    try:
        figures = run_event_loop(_measure(url, args.calls, args.concurrency))
    finally:
        fake.terminate()
        fake.wait()
    print_figures(figures, as_json=args.json)


if __name__ == "__main__":
    main()
