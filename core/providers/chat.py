"""The chat model over OpenAI-compatible chat completions: structured output, fallbacks, usage, errors."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import openai
from openai.types.chat import ChatCompletion
from openai.types.chat.completion_create_params import ResponseFormat

from core.domain.models import Usage
from core.ports import ChatResult, ModelOutputInvalid
from core.providers.errors import endpoint, unavailable
from core.providers.formats import LADDER, Mode, lower, next_rung, refuses_format, with_schema_hint
from core.providers.jsonparse import missing_keys, parse_json_object
from core.providers.retry import Backoff, with_retries

log = logging.getLogger(__name__)

_NUDGE = (
    "Your previous reply was not a valid `{name}` JSON object. "
    "Reply with only that JSON object: no prose, no code fences."
)
_INVALID = "The AI interviewer's reply could not be understood."
# The longest reply asked for below json_schema, where no strict schema bounds it: a small model under a json_object
# grammar may otherwise write until its context is full (minutes on a CPU), and a server that runs one request at a
# time runs that to the end even after we give up (1,000 tokens: 29 s for SmolLM2-135M on 2 cores). A graded answer
# with quoted evidence is 200-500 tokens; callers with shorter replies ask for less. Not sent with json_schema:
# OpenAI's reasoning models refuse max_tokens, and a strict schema is the bound there.
MAX_REPLY_TOKENS = 1000
# The smallest structured request: enough to find the rung the server takes and the model it names.
_PROBE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"ok": {"type": "boolean"}},
    "required": ["ok"],
    "additionalProperties": False,
}
_PROBE_MESSAGES = [
    {"role": "system", "content": "You check that a connection works."},
    {"role": "user", "content": 'Reply with {"ok": true}.'},
]


@dataclass(frozen=True)
class Probe:
    """What one short call found: the response_format rung the server takes, the model it names, the time taken."""

    mode: Mode
    model: str
    latency_ms: int


class _RawReply(Protocol):
    """What we read of the SDK's raw response: the headers, and the body parsed (a ChatCompletion, or plain text)."""

    @property
    def headers(self) -> Mapping[str, str]:
        """The response headers."""

    def parse(self) -> object:
        """The body as the SDK decodes it."""


class OpenAIChatModel:
    """A ChatModel over openai.AsyncOpenAI chat completions, for OpenAI and OpenAI-compatible servers."""

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str | None = None,
        model: str,
        timeout_s: float = 30.0,
        max_retries: int = 2,
        temperature: float | None = 0.3,
        backoff: Backoff | None = None,
    ) -> None:
        self.model = model
        self._temperature = temperature  # None leaves it out, for models that only accept their default
        # Retries are ours (core/retry.py: jittered, capped), so the SDK's own are off.
        self._retries = max_retries
        self._backoff = backoff or Backoff()
        self._client = openai.AsyncOpenAI(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout_s,
            max_retries=0,
            http_client=pooled_http_client(),
        )
        self._where = endpoint(self._client.base_url)
        # The rung calls start on: it only steps down, as soon as the server refuses one, so later calls (and calls
        # in flight) go straight to a rung it takes instead of meeting the same refusal again.
        self._mode: Mode = LADDER[0]
        self._mode_confirmed = False  # whether a call in self._mode has succeeded
        self._reported: str | None = None

    @property
    def structured_mode(self) -> Mode:
        """The response_format rung this instance uses now: json_schema, json_object+schema, json_object or text."""
        return self._mode

    @property
    def reported_model(self) -> str | None:
        """The model name the server put in its last reply (None before any reply)."""
        return self._reported

    async def probe(self) -> Probe:
        """One short structured call: the rung the server takes and the model it names; raises as complete_json."""
        result = await self.complete_json(
            purpose="probe", messages=_PROBE_MESSAGES, schema_name="connection_check", schema=_PROBE_SCHEMA
        )
        return Probe(mode=self._mode, model=self._reported or self.model, latency_ms=result.usage.latency_ms)

    async def complete_json(
        self,
        *,
        purpose: str,
        messages: list[dict[str, str]],
        schema_name: str,
        schema: dict[str, Any],
        temperature: float | None = None,
        max_tokens: int | None = None,
    ) -> ChatResult:
        """Ask for one JSON object matching schema (at temperature, else the client's own; below json_schema at most
        max_tokens, else MAX_REPLY_TOKENS, long); raise ModelUnavailable or ModelOutputInvalid."""
        started = time.perf_counter()
        tokens = [0, 0, 0]  # prompt, cached, completion, summed over every reply we paid for
        mode, nudged = self._mode, False
        server_ms = 0  # the provider's own processing time over the replies, where it reports it
        completion: object
        while True:
            try:
                raw = await with_retries(
                    self._create,
                    mode,
                    messages,
                    schema_name,
                    schema,
                    nudged=nudged,
                    temperature=temperature,
                    max_tokens=max_tokens or MAX_REPLY_TOKENS,
                    retries=self._retries,
                    backoff=self._backoff,
                    purpose=purpose,
                )
                server_ms += _processing_ms(raw.headers)
            except openai.APIStatusError as exc:
                below = next_rung(mode)
                confirmed = self._mode_confirmed and mode == self._mode
                if below is None or not refuses_format(exc, mode, confirmed=confirmed):
                    raise unavailable(
                        exc, purpose, where=self._where, usage=self._paid(purpose, tokens, started, server_ms)
                    ) from None
                log.info("%s: server rejected response_format %s (HTTP %s)", purpose, mode, exc.status_code)
                mode = self._step_down(below)
                continue
            except openai.OpenAIError as exc:
                # `from None`: the SDK error's text and body can echo the key or the provider's raw reply.
                raise unavailable(
                    exc, purpose, where=self._where, usage=self._paid(purpose, tokens, started, server_ms)
                ) from None
            # Only the decoding of a reply: any other ValueError (the HTTP client refusing the request) is no reply
            # that could not be understood, and must not quietly hand the turn to the built-in coach.
            try:
                completion = raw.parse()
            except ValueError:
                completion = None  # a 200 whose body is not JSON: the SDK fails to decode it
            self._remember(mode, completion)
            data = _extract(completion, schema, tokens)
            usage = self._usage(purpose, tokens, started, server_ms)
            if data is not None:
                return ChatResult(data=data, usage=usage)
            log.warning("%s: reply was not a valid %s object (retried=%s)", purpose, schema_name, nudged)
            if nudged:
                raise ModelOutputInvalid(_INVALID, usage=usage)
            nudged = True

    async def close(self) -> None:
        """Close the HTTP connections."""
        await self._client.close()

    def _usage(self, purpose: str, tokens: list[int], started: float, server_ms: int) -> Usage:
        return Usage(
            purpose=purpose,
            model=self.model,
            prompt_tokens=tokens[0],
            cached_tokens=tokens[1],
            completion_tokens=tokens[2],
            latency_ms=round((time.perf_counter() - started) * 1000),
            server_ms=server_ms or None,
        )

    def _paid(self, purpose: str, tokens: list[int], started: float, server_ms: int) -> Usage | None:
        """The usage of replies already paid for when a later call fails; None when nothing was paid."""
        return self._usage(purpose, tokens, started, server_ms) if any(tokens) else None

    async def _create(
        self,
        mode: Mode,
        messages: list[dict[str, str]],
        schema_name: str,
        schema: dict[str, Any],
        *,
        nudged: bool,
        temperature: float | None,
        max_tokens: int,
    ) -> _RawReply:
        request: list[Any] = list(messages)  # the SDK's message TypedDicts are stricter than dict[str, str]
        # openai.omit leaves a parameter out of the request, as if it had not been passed.
        response_format: ResponseFormat | openai.Omit = openai.omit
        extra: dict[str, Any] = {}
        if mode == "json_schema":
            response_format = {
                "type": "json_schema",
                "json_schema": {"name": schema_name, "schema": schema, "strict": True},
            }
        else:
            request = with_schema_hint(request, schema_name, schema)
            if mode == "json_object":
                response_format = {"type": "json_object"}
            elif mode == "json_object+schema":  # not in the SDK's types: sent as an extra body field
                extra["response_format"] = {"type": "json_object", "schema": schema}
        if nudged:
            request.append({"role": "user", "content": _NUDGE.format(name=schema_name)})
        # A client made with temperature=None leaves it out (models that accept only their default) whatever is asked.
        sent = (
            openai.omit if self._temperature is None else temperature if temperature is not None else self._temperature
        )
        cap: int | openai.Omit = openai.omit if mode == "json_schema" else max_tokens
        # The raw response, for the provider's processing-time header; parsed by the caller.
        create = self._client.chat.completions.with_raw_response.create
        return await create(
            model=self.model,
            messages=request,
            response_format=response_format,
            temperature=sent,
            max_tokens=cap,
            extra_body=extra or None,
        )

    def _step_down(self, below: Mode) -> Mode:
        """Remember at once that the server refused the rung above `below`; the rung to try next."""
        if lower(self._mode, below) != self._mode:
            log.info("structured output falls back to %s for %s", below, self.model)
            self._mode, self._mode_confirmed = below, False
        return self._mode

    def _remember(self, mode: Mode, completion: object) -> None:
        if mode == self._mode:
            self._mode_confirmed = True
        name = getattr(completion, "model", None) if isinstance(completion, ChatCompletion) else None
        if isinstance(name, str) and name.strip():
            self._reported = name.strip()[:200]  # a server's own label, shown in `check`; bounded


def pooled_http_client() -> openai.DefaultAioHttpClient:
    """The SDK's aiohttp transport: with hundreds of calls in flight, httpx's pool spends more time choosing a
    connection than the call takes (see bench/load.py); aiohttp's stays cheap. Keeps the SDK's limits and timeouts."""
    return openai.DefaultAioHttpClient()


def _processing_ms(headers: Mapping[str, str]) -> int:
    """OpenAI's `openai-processing-ms` header (0 when absent or not a number)."""
    try:
        return int(float(headers.get("openai-processing-ms", 0)))
    except (TypeError, ValueError):
        return 0


def _extract(completion: object, schema: dict[str, Any], tokens: list[int]) -> dict[str, Any] | None:
    """The reply's JSON object if it parses and has the required keys; adds the reply's usage to tokens."""
    if not isinstance(completion, ChatCompletion):
        return None  # the SDK hands back plain text when the body is not JSON
    usage = completion.usage
    if usage is not None:
        details = usage.prompt_tokens_details
        tokens[0] += usage.prompt_tokens or 0
        tokens[1] += (details.cached_tokens or 0) if details is not None else 0
        tokens[2] += usage.completion_tokens or 0
    message = completion.choices[0].message if completion.choices else None
    content = getattr(message, "content", None)
    if not isinstance(content, str) or not content.strip():
        return None
    data = parse_json_object(content)
    if data is None or missing_keys(data, schema):
        return None
    return data
