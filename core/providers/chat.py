"""The chat model over OpenAI-compatible chat completions: structured output, fallbacks, usage, errors."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import httpx2
import openai

from core.domain.models import Usage
from core.ports import ChatResult, ModelOutputInvalid
from core.providers.completions import Reply, post_completion, read_reply, request_body
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
        while True:
            try:
                response = await with_retries(
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
            reply = read_reply(response)  # never raises: a body it cannot read is a reply not understood
            server_ms += reply.processing_ms
            self._remember(mode, reply)
            data = _extract(reply, schema, tokens)
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
    ) -> httpx2.Response:
        request = list(messages)
        response_format: dict[str, Any] | None = None  # None leaves it out of the request
        if mode == "json_schema":
            response_format = {
                "type": "json_schema",
                "json_schema": {"name": schema_name, "schema": schema, "strict": True},
            }
        else:
            request = with_schema_hint(request, schema_name, schema)
            if mode == "json_object":
                response_format = {"type": "json_object"}
            elif mode == "json_object+schema":  # not in the SDK's types; we encode the body, so it goes as is
                response_format = {"type": "json_object", "schema": schema}
        if nudged:
            request.append({"role": "user", "content": _NUDGE.format(name=schema_name)})
        # A client made with temperature=None leaves it out (models that accept only their default) whatever is asked.
        sent = None if self._temperature is None else temperature if temperature is not None else self._temperature
        body = request_body(
            model=self.model,
            messages=request,
            response_format=response_format,
            temperature=sent,
            max_tokens=None if mode == "json_schema" else max_tokens,
        )
        return await post_completion(self._client, body)

    def _step_down(self, below: Mode) -> Mode:
        """Remember at once that the server refused the rung above `below`; the rung to try next."""
        if lower(self._mode, below) != self._mode:
            log.info("structured output falls back to %s for %s", below, self.model)
            self._mode, self._mode_confirmed = below, False
        return self._mode

    def _remember(self, mode: Mode, reply: Reply) -> None:
        if mode == self._mode:
            self._mode_confirmed = True
        name = reply.model
        if name is not None and name.strip():
            self._reported = name.strip()[:200]  # a server's own label, shown in `check`; bounded


def pooled_http_client() -> openai.DefaultAioHttpClient:
    """The SDK's aiohttp transport: with hundreds of calls in flight, httpx's pool spends more time choosing a
    connection than the call takes (see bench/load.py); aiohttp's stays cheap. Keeps the SDK's limits and timeouts."""
    return openai.DefaultAioHttpClient()


def _extract(reply: Reply, schema: dict[str, Any], tokens: list[int]) -> dict[str, Any] | None:
    """The reply's JSON object if it parses and has the required keys; adds the reply's usage to tokens."""
    tokens[0] += reply.prompt_tokens
    tokens[1] += reply.cached_tokens
    tokens[2] += reply.completion_tokens
    content = reply.content
    if content is None or not content.strip():
        return None
    data = parse_json_object(content)
    if data is None or missing_keys(data, schema):
        return None
    return data
