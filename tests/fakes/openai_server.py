"""A loopback OpenAI-compatible server for tests and benchmarks: chat completions and audio transcriptions.

Run alone with `python -m tests.fakes.openai_server --port 0`; it prints its base URL on one line.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import signal
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from aiohttp import web
from multidict import CIMultiDict

from tests.fakes.openai_responder import default_content, message_text

FAULT_KINDS = ("429", "500", "timeout", "malformed", "empty_choices", "bad_body")
# Containers a transcription service decodes (mp4 is recognised by its "ftyp" box at offset 4).
_AUDIO_MAGIC = (b"OggS", b"\x1a\x45\xdf\xa3", b"ID3", b"\xff\xfb", b"\xff\xf3", b"RIFF", b"fLaC")
TRANSPORT_FAULTS = ("429", "500", "timeout", "bad_body")  # the ones that make sense for transcriptions too
MALFORMED_CONTENT = "Sure! Here is my answer: score nine"
_CACHE_MIN_TOKENS = 1024  # OpenAI caches prompts from 1024 tokens on, in 128-token steps
_CACHE_STEP = 128
_PROMPT_MEMORY = 256  # earlier prompts remembered for prefix caching

Responder = Callable[[dict[str, Any]], str]


def _shared_prefix_len(a: str, b: str) -> int:
    """Length of the common prefix, by binary search over C-speed slice comparisons."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        mid = (low + high + 1) // 2
        if a[:mid] == b[:mid]:
            low = mid
        else:
            high = mid - 1
    return low


def _error(status: int, message: str, *, kind: str, code: str | None = None, **extra: Any) -> web.Response:
    body = {"error": {"message": message, "type": kind, "param": extra.pop("param", None), "code": code}}
    return web.json_response(body, status=status, headers=extra.pop("headers", None))


def _response_format_type(body: dict[str, Any]) -> str | None:
    fmt = body.get("response_format")
    return fmt.get("type") if isinstance(fmt, dict) else None


class FakeOpenAI:
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
        self.responder: Responder = self.default_responder
        self.requests: list[dict[str, Any]] = []
        self.transcriptions: list[dict[str, Any]] = []
        self.answered = 0  # chat completions answered with a 200
        self._fault_rng = random.Random(seed)
        self._latency_rng = random.Random(None if seed is None else seed + 1)
        self._script: dict[str, deque[tuple[str, str]]] = {"chat": deque(), "transcriptions": deque()}
        self._arrivals: list[tuple[int, asyncio.Event]] = []
        self._prompts: deque[tuple[str, str]] = deque(maxlen=_PROMPT_MEMORY)
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

    def arrival_of(self, count: int) -> asyncio.Event:
        """An Event set once `count` chat requests have arrived (counting those before)."""
        arrived = asyncio.Event()
        self._arrivals.append((count, arrived))
        self._check_arrivals()
        return arrived

    def _check_arrivals(self) -> None:
        for count, arrived in self._arrivals:
            if len(self.requests) >= count:
                arrived.set()

    def enqueue_content(self, content: str) -> None:
        """Answer the next chat completion with exactly this message content."""
        self._script["chat"].append(("content", content))

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

    # -- shared behaviour ------------------------------------------------------------------------------

    def _headers(self, request: web.Request) -> tuple[CIMultiDict[str], bool]:
        """The request headers, Authorization redacted, looked up case-insensitively; and whether the key fits."""
        headers = CIMultiDict(request.headers)
        if "Authorization" in headers:
            headers["Authorization"] = "Bearer ***"
        given = request.headers.get("Authorization", "")
        return headers, self.api_key is None or given == f"Bearer {self.api_key}"

    def _unauthorized(self, request: web.Request) -> web.Response:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ")
        # The whole key is echoed on purpose (real services echo a masked one): clients must not pass it on.
        return _error(
            401, f"Incorrect API key provided: {given}.", kind="invalid_request_error", code="invalid_api_key"
        )

    async def _delay(self) -> float:
        """Sleep for the configured model latency; the seconds slept."""
        low, high = self.latency
        if high <= 0:
            return 0.0
        seconds = self._latency_rng.uniform(low, high)
        await asyncio.sleep(seconds)
        return seconds

    def _next_script(self, endpoint: str) -> tuple[str, str] | None:
        if self._script[endpoint]:
            return self._script[endpoint].popleft()
        if self.fault_rate and endpoint == "chat" and self._fault_rng.random() < self.fault_rate:
            return ("fault", self._fault_rng.choice(FAULT_KINDS))
        return None

    async def _transport_fault(self, fault: str) -> web.Response | None:
        if fault == "429":
            headers = {"Retry-After": f"{self.retry_after:g}"}
            if self.retry_after_ms:
                headers["retry-after-ms"] = str(round(self.retry_after * 1000))
            return _error(429, "Rate limit reached. Please try again later.", kind="requests", headers=headers)
        if fault == "500":
            return _error(500, "The server had an error while processing your request.", kind="server_error")
        if fault == "timeout":
            try:
                await asyncio.wait_for(self._closing.wait(), self.hang_seconds)
            except TimeoutError:
                pass
            return _error(504, "Gateway timeout.", kind="server_error")
        if fault == "bad_body":
            return web.Response(text='{"id": "chatcmpl-cut", "choices": [{"mess', content_type="application/json")
        return None

    # -- chat completions ------------------------------------------------------------------------------

    async def _chat(self, request: web.Request) -> web.Response:
        headers, authorized = self._headers(request)
        try:
            body = await request.json()
        except ValueError:
            body = None
        record: dict[str, Any] = {
            "at": time.monotonic(),  # arrival, to measure the waits between a client's retries
            "path": request.path,
            "headers": headers,
            "authorized": authorized,
            "body": body,
        }
        record.update(fault=None, usage=None)
        if not self.lean:
            self.requests.append(record)
            self._check_arrivals()
        slept = await self._delay()
        if not authorized:
            return self._unauthorized(request)
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            return _error(400, "We could not parse the JSON body of your request.", kind="invalid_request_error")
        rejected = self._reject_format(body)
        if rejected is not None:
            return rejected
        step = self._next_script("chat")
        if step and step[0] == "fault":
            record["fault"] = step[1]
            response = await self._transport_fault(step[1])
            if response is not None:
                return response
        self.answered += 1
        if step and step[0] == "content":
            content: str | None = step[1]
        elif step and step[1] == "malformed":
            content = MALFORMED_CONTENT
        elif step and step[1] == "empty_choices":
            content = None
        else:
            content = self._wrap(self.responder(body), body)
        record["usage"] = self._usage(body, content or "")
        # As OpenAI does: the time the model took, so clients can tell it from the network and their own overhead.
        timing = {"openai-processing-ms": str(round(slept * 1000))}
        return web.json_response(self._completion(body, content, record["usage"]), headers=timing)

    def _reject_format(self, body: dict[str, Any]) -> web.Response | None:
        kind = _response_format_type(body)
        supported = {"json_schema": self.supports_json_schema, "json_object": self.supports_json_object}
        if supported.get(kind or "", True):
            return None
        allowed = ", ".join(["text", *(k for k, ok in supported.items() if ok)])
        message = f"response_format type '{kind}' is not supported by this server; supported: {allowed}"
        return _error(400, message, kind="invalid_request_error", param="response_format")

    @staticmethod
    def _wrap(content: str, body: dict[str, Any]) -> str:
        if _response_format_type(body) in ("json_schema", "json_object"):
            return content
        return f"Here you go:\n```json\n{content}\n```"  # what chatty local models do without a response_format

    def _usage(self, body: dict[str, Any], content: str) -> dict[str, Any]:
        messages = body["messages"]
        chars = sum(len(message_text(m)) for m in messages if isinstance(m, dict))
        prompt_tokens = (chars + 3) // 4 + 4 * len(messages)
        text = "".join(f"{m.get('role')}\n{message_text(m)}\n" for m in messages if isinstance(m, dict))
        model = str(body.get("model"))
        if self.lean:
            return self._usage_figures(prompt_tokens, 0, content)
        shared = max((_shared_prefix_len(text, old) for m, old in self._prompts if m == model), default=0)
        self._prompts.append((model, text))
        cached = (shared // 4) // _CACHE_STEP * _CACHE_STEP
        cached = min(cached, prompt_tokens) if cached >= _CACHE_MIN_TOKENS else 0
        return self._usage_figures(prompt_tokens, cached, content)

    @staticmethod
    def _usage_figures(prompt_tokens: int, cached: int, content: str) -> dict[str, Any]:
        completion_tokens = (len(content) + 3) // 4
        return {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
            "prompt_tokens_details": {"cached_tokens": cached, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0},
        }

    def _completion(self, body: dict[str, Any], content: str | None, usage: dict[str, Any]) -> dict[str, Any]:
        message = {"role": "assistant", "content": content, "refusal": None}
        choice = {"index": 0, "message": message, "logprobs": None, "finish_reason": "stop"}
        return {
            "id": f"chatcmpl-fake-{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model"),
            "choices": [] if content is None else [choice],
            "usage": usage,
            "system_fingerprint": "fp_fake",
        }

    def default_responder(self, body: dict[str, Any]) -> str:
        """Plausible JSON for our schemas (see openai_responder)."""
        return default_content(body, self.answered)

    # -- audio transcriptions --------------------------------------------------------------------------

    async def _transcribe(self, request: web.Request) -> web.Response:
        arrived = time.monotonic()
        _headers, authorized = self._headers(request)
        form = await request.post()
        upload = form.get("file")
        audio = upload.file.read() if isinstance(upload, web.FileField) else b""
        fields = {k: (str(form[k]) if k in form else None) for k in ("model", "prompt", "language", "response_format")}
        record = {
            "at": arrived,
            **fields,
            "filename": getattr(upload, "filename", None),
            "content_type": getattr(upload, "content_type", None),
            "byte_length": len(audio),
            "bytes": audio,
            "authorized": authorized,
        }
        self.transcriptions.append(record)
        await self._delay()
        if not authorized:
            return self._unauthorized(request)
        step = self._next_script("transcriptions")
        if step:
            response = await self._transport_fault(step[1])
            if response is not None:
                return response
        response_format = fields["response_format"] or "json"
        if response_format == "verbose_json" and not self.supports_verbose_json:
            return _error(
                400,
                f"response_format 'verbose_json' is not compatible with model '{fields['model']}'.",
                kind="invalid_request_error",
                code="unsupported_value",
                param="response_format",
            )
        if not audio.startswith(_AUDIO_MAGIC) and audio[4:8] != b"ftyp":
            # What OpenAI answers for bytes it cannot decode.
            return _error(
                400,
                "The audio file could not be decoded or its format is not supported.",
                kind="invalid_request_error",
                param="file",
            )
        if response_format in ("text", "srt", "vtt"):
            return web.Response(text=self.transcript_text)
        if response_format == "verbose_json":
            return web.json_response(self._verbose(fields["language"]))
        return web.json_response({"text": self.transcript_text})

    def _verbose(self, language: str | None) -> dict[str, Any]:
        no_speech, logprob = (0.92, -1.6) if self.transcript_silent else (0.01, -0.2)
        segment = {
            "id": 0,
            "seek": 0,
            "start": 0.0,
            "end": self.transcript_duration,
            "text": self.transcript_text,
            "tokens": [50364, 400],
            "temperature": 0.0,
            "avg_logprob": logprob,
            "compression_ratio": 1.2,
            "no_speech_prob": no_speech,
        }
        return {
            "task": "transcribe",
            "language": {"hi": "hindi", "en": "english"}.get(language or "en", language),
            "duration": self.transcript_duration,
            "text": self.transcript_text,
            "segments": [segment],
        }


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
    )
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
    asyncio.run(_serve(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
