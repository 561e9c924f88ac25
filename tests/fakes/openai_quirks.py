"""Real servers' quirks the fake OpenAI can imitate: a response_format refused with another status than 400, and
transcription replies that leave out optional fields or cannot be used at all."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from tests.fakes.openai_chat import ChatCompletionsMixin, _response_format_type
from tests.fakes.openai_endpoint import error_response
from tests.fakes.openai_transcriptions import TranscriptionsMixin

# What llama-cpp-python's server (`python -m llama_cpp.server`) answers for response_format json_schema: its
# pydantic validation error, turned into an HTTP 500 by its error handler.
LLAMA_CPP_REJECTION = (
    "[{'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), "
    "'msg': \"Input should be 'text' or 'json_object'\", 'input': 'json_schema', "
    "'ctx': {'expected': \"'text' or 'json_object'\"}}]"
)


# What SmolLM2-135M under llama-cpp-python's json_object grammar wrote for a grading prompt whose schema was only in
# the prompt: JSON, but of its own shape.
OWN_SHAPE_JSON = '{"type": "Question", "content": {"text": "What is overfitting?", "answer": "string"}}'


class ServerQuirks(ChatCompletionsMixin, TranscriptionsMixin):
    """Switches for other servers' behaviour; FakeOpenAI sets them (all off by default)."""

    # The HTTP status a json_schema request gets with llama-cpp-python's body (None: supported, or the 400 above).
    rejects_json_schema_with: int | None
    # A small model that writes JSON of its own shape unless the schema is in response_format (llama-cpp-python's
    # `{"type": "json_object", "schema": ...}`, which it turns into a grammar).
    follows_prompt_schema: bool
    # Refuse a schema inside json_object with a 400 naming response_format, as OpenAI does an unknown field.
    refuses_schema_in_json_object: bool
    # False: no audio routes at all, as llama-cpp-python's server (`404 {"detail": "Not Found"}`).
    serves_audio: bool
    # Fields left out of a transcription reply: of each segment, and of the reply itself ("segments", "text"...).
    segment_omits: frozenset[str]
    transcript_omits: frozenset[str]
    # (content type, body) sent instead of a successful transcription: a reply the client cannot use.
    transcript_reply: tuple[str, str] | None
    # response_format -> the status a transcription in it gets, with a body naming response_format.
    transcript_refusals: dict[str, int]

    def _reject_format(self, body: dict[str, Any]) -> web.Response | None:
        status = self.rejects_json_schema_with
        if status is not None and _response_format_type(body) == "json_schema":
            return error_response(status, LLAMA_CPP_REJECTION, kind="internal_server_error")
        fmt = body.get("response_format")
        if self.refuses_schema_in_json_object and isinstance(fmt, dict) and "schema" in fmt:
            message = "Additional properties are not allowed ('schema' was unexpected) - 'response_format'"
            return error_response(400, message, kind="invalid_request_error", param="response_format")
        return super()._reject_format(body)

    def _respond(self, body: dict[str, Any]) -> str:
        fmt = body.get("response_format")
        constrained = _response_format_type(body) == "json_schema" or (isinstance(fmt, dict) and "schema" in fmt)
        return super()._respond(body) if self.follows_prompt_schema or constrained else OWN_SHAPE_JSON

    async def _transcribe(self, request: web.Request) -> web.Response:
        if not self.serves_audio:
            return web.json_response({"detail": "Not Found"}, status=404)
        response = await super()._transcribe(request)
        if response.status != 200:
            return response
        asked = str((await request.post()).get("response_format") or "json")
        if asked in self.transcript_refusals:
            message = f"Invalid value for response_format: '{asked}' is not supported by this server."
            return error_response(self.transcript_refusals[asked], message, kind="internal_server_error")
        if self.transcript_reply is not None:
            content_type, text = self.transcript_reply
            return web.Response(text=text, content_type=content_type)
        if response.content_type != "application/json" or not (self.segment_omits or self.transcript_omits):
            return response
        assert isinstance(response.body, bytes)
        reply = {k: v for k, v in json.loads(response.body).items() if k not in self.transcript_omits}
        if isinstance(reply.get("segments"), list):
            reply["segments"] = [{k: v for k, v in s.items() if k not in self.segment_omits} for s in reply["segments"]]
        return web.json_response(reply)
