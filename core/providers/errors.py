"""What a failed call to an OpenAI-compatible service means, in one friendly line: the service, and where."""

from __future__ import annotations

import errno
import logging
import socket

import openai

from core.domain.models import Usage
from core.ports import ModelUnavailable

# The model calls' log, named as before this module was split out of chat.py: log settings and tests filter on it.
log = logging.getLogger("core.providers.chat")

# A reset or a dropped connection mid-reply is not "cannot connect": the call reached the service.
_NEVER_CONNECTED = frozenset({errno.ECONNREFUSED, errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EADDRNOTAVAIL})
# Most specific first: APITimeoutError is an APIConnectionError, every HTTP error is an APIStatusError.
_FRIENDLY: tuple[tuple[type[Exception], str], ...] = (
    (openai.APITimeoutError, "The {service} timed out."),
    (openai.APIConnectionError, "Could not reach the {service} at {where}."),
    (openai.AuthenticationError, "The {service} rejected the API key."),
    (openai.PermissionDeniedError, "The {service} refused this API key access to the model."),
    (openai.NotFoundError, "The {service} does not offer the configured model."),
    (openai.RateLimitError, "The {service} is rate-limiting us."),
    (openai.InternalServerError, "The {service} is having problems."),
    (openai.BadRequestError, "The {service} rejected the request."),
    (openai.APIStatusError, "The {service} returned an error."),
)


def endpoint(url: object) -> str:
    """host:port of the client's base URL (an httpx URL), for messages: never its path, query or credentials."""
    host = str(getattr(url, "host", "") or "the configured host")
    scheme = str(getattr(url, "scheme", "https"))
    port = getattr(url, "port", None) or (443 if scheme == "https" else 80)
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _refused(exc: BaseException) -> bool:
    """Whether a connection error is a connection never made: refused, no such host, no route to it."""
    # The SDK's aiohttp transport reports a refused connection as a connect *timeout*; what it wraps says otherwise.
    cause = exc.__cause__ or exc.__context__
    while cause is not None:
        if isinstance(cause, TimeoutError):
            return False
        if isinstance(cause, socket.gaierror) or (isinstance(cause, OSError) and cause.errno in _NEVER_CONNECTED):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def _names_a_model(exc: openai.NotFoundError) -> bool:
    """Whether a 404 is about the model (OpenAI: code model_not_found, "The model `x` does not exist")."""
    return "model" in f"{exc.code or ''} {exc.message}".lower()


def unavailable(
    exc: Exception,
    purpose: str,
    *,
    service: str = "AI service",
    where: str = "its address",
    usage: Usage | None = None,
) -> ModelUnavailable:
    """A ModelUnavailable with a friendly message naming service (and where, host:port, when it could not be reached);
    logs the error type and status, never the body."""
    status = getattr(exc, "status_code", None)
    request_id = getattr(exc, "request_id", None)
    refused = isinstance(exc, openai.APIConnectionError) and _refused(exc)
    log.warning(
        "%s: model call failed: %s status=%s request_id=%s%s",
        purpose,
        type(exc).__name__,
        status,
        request_id,
        f" (cannot connect to {where})" if refused else "",
    )
    template = next((text for kind, text in _FRIENDLY if isinstance(exc, kind)), "The {service} failed.")
    if refused:
        template = "Cannot connect to the {service} at {where}."
    elif isinstance(exc, openai.NotFoundError) and not _names_a_model(exc):
        # A route the server lacks (llama.cpp has no /audio/transcriptions: `{"detail": "Not Found"}`), not a model.
        template = "The {service} at {where} has no such endpoint (HTTP 404): it may not serve this."
    message = template.format(service=service, where=where)
    if isinstance(exc, openai.RateLimitError) and exc.code == "insufficient_quota":
        message = f"The {service} account has run out of quota."
    return ModelUnavailable(message, usage=usage)
