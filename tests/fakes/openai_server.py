"""A loopback OpenAI-compatible server for tests and benchmarks: chat completions and audio transcriptions.

The endpoints live in openai_chat.py and openai_transcriptions.py, what they share in openai_endpoint.py.
Run alone with `python -m tests.fakes.openai_server --port 0`; it prints its base URL on one line.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import signal
from collections import deque
from typing import Any

from aiohttp import web

from tests.fakes.openai_chat import MALFORMED_CONTENT, PROMPT_MEMORY, ChatCompletionsMixin, Responder
from tests.fakes.openai_endpoint import FAULT_KINDS, TRANSPORT_FAULTS
from tests.fakes.openai_quirks import ServerQuirks
from tests.fakes.openai_transcriptions import TranscriptionsMixin

__all__ = ["FAULT_KINDS", "MALFORMED_CONTENT", "TRANSPORT_FAULTS", "FakeOpenAI", "Responder", "main"]


class FakeOpenAI(ServerQuirks, ChatCompletionsMixin, TranscriptionsMixin):
    """An OpenAI-compatible HTTP server on 127.0.0.1 that records requests and can be told to misbehave."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        supports_json_schema: bool = True,
        supports_json_object: bool = True,
        latency: tuple[float, float] = (0.0, 0.0),
        fault_rate: float = 0.0,
        seed: int | None = None,
        api_key: str | None = None,
        retry_after: float = 0.05,
        hang_seconds: float = 30.0,
        transcript_text: str = "This is a transcribed answer.",
        supports_verbose_json: bool = True,
        lean: bool = False,
        rejects_json_schema_with: int | None = None,
        follows_prompt_schema: bool = True,
    ) -> None:
        self.host, self.port = host, port
        self.supports_json_schema = supports_json_schema
        self.supports_json_object = supports_json_object
        self.latency = latency
        self.fault_rate = fault_rate
        self.api_key = api_key
        self.retry_after = retry_after
        self.retry_after_ms = True  # a 429 also carries OpenAI's retry-after-ms; False sends Retry-After alone
        self.hang_seconds = hang_seconds
        self.transcript_text = transcript_text
        self.supports_verbose_json = supports_verbose_json
        # For load benchmarks: keep no request bodies and skip prefix-cache accounting, so the fake stays fast.
        self.lean = lean
        self.transcript_duration = 6.0  # what verbose_json reports as the audio's duration
        self.transcript_silent = False  # segments scored as no speech, as Whisper does for silence
        # Other servers' quirks (openai_quirks.py): llama-cpp-python's 500 for json_schema, lean transcriptions.
        self.rejects_json_schema_with = rejects_json_schema_with
        self.follows_prompt_schema = follows_prompt_schema
        self.refuses_schema_in_json_object = False
        self.serves_audio = True
        self.segment_omits: frozenset[str] = frozenset()
        self.transcript_omits: frozenset[str] = frozenset()
        self.transcript_reply: tuple[str, str] | None = None
        self.transcript_refusals: dict[str, int] = {}  # response_format -> the status refusing it
        self.responder: Responder = self.default_responder
        self.requests: list[dict[str, Any]] = []
        self.transcriptions: list[dict[str, Any]] = []
        self.answered = 0  # chat completions answered with a 200
        self._fault_rng = random.Random(seed)
        self._latency_rng = random.Random(None if seed is None else seed + 1)
        self._script: dict[str, deque[tuple[str, str]]] = {"chat": deque(), "transcriptions": deque()}
        self._arrivals: list[tuple[int, asyncio.Event]] = []
        self._prompts: deque[tuple[str, str]] = deque(maxlen=PROMPT_MEMORY)
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    # -- scripting -------------------------------------------------------------------------------------

    def enqueue(self, *faults: str, endpoint: str = "chat") -> None:
        """Make the next requests to endpoint ("chat" or "transcriptions") fail in these ways, in order."""
        allowed = FAULT_KINDS if endpoint == "chat" else TRANSPORT_FAULTS
        for fault in faults:
            if fault not in allowed:
                raise ValueError(f"unknown fault {fault!r} for {endpoint}; expected one of {allowed}")
            self._script[endpoint].append(("fault", fault))

    # -- lifecycle -------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Start listening; sets base_url."""
        self._closing = asyncio.Event()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/v1/chat/completions", self._chat)
        app.router.add_post("/v1/audio/transcriptions", self._transcribe)
        # handler_cancellation: a client that gave up on a hanging request should not keep its handler alive.
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        self.port = self._runner.addresses[0][1]
        self.base_url = f"http://{self.host}:{self.port}/v1"

    async def stop(self) -> None:
        """Release hanging requests and stop listening."""
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeOpenAI:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


async def _serve(args: argparse.Namespace) -> None:
    fake = FakeOpenAI(
        host=args.host,
        port=args.port,
        supports_json_schema=not args.no_json_schema,
        supports_json_object=not args.no_json_object,
        latency=tuple(args.latency),
        fault_rate=args.fault_rate,
        seed=args.seed,
        api_key=args.api_key,
        lean=args.lean,
        rejects_json_schema_with=args.rejects_json_schema_with,
    )
    fake.segment_omits = frozenset(args.segment_omits)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with fake:
        print(fake.base_url, flush=True)
        await stop.wait()


def main(argv: list[str] | None = None) -> None:
    """Serve a FakeOpenAI until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--no-json-schema", action="store_true", help="reject response_format json_schema")
    parser.add_argument("--no-json-object", action="store_true", help="reject response_format json_object")
    parser.add_argument("--latency", type=float, nargs=2, default=[0.0, 0.0], metavar=("MIN", "MAX"))
    parser.add_argument("--fault-rate", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--api-key", default=None)
    parser.add_argument("--lean", action="store_true", help="record nothing and skip cache accounting (load tests)")
    parser.add_argument("--rejects-json-schema-with", type=int, default=None, metavar="STATUS", help="as llama.cpp")
    parser.add_argument("--segment-omits", nargs="*", default=[], help="leave these fields out of segments")
    asyncio.run(_serve(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
