"""The checks of the database, the chat model and the speech server, each tried for real with one small request."""

from __future__ import annotations

import time
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bots.bootstrap import configured_transcriber, model_clients
from bots.check.findings import Finding, fails, unset, works
from core.coaching.flow import GradeRequest
from core.coaching.model_grader import ModelGrader
from core.domain.models import TurnKind
from core.domain.roles import load_catalog
from core.ports import ChatModel, ModelError, ModelOutputInvalid
from core.providers.local_speech import LocalTranscriber
from core.settings import Settings
from core.voice.prompt import transcription_prompt
from db.migrate import current_revision, head_revision
from db.problems import database_problem

SAMPLE = "check-answer.ogg"  # "I would use cross validation to choose the model.", 3 s, spoken by espeak-ng
SAMPLE_WORDS = ("cross", "validation", "model")
GRADE_ANSWER = (
    "I would split the data into folds, train on all but one and score on the held-out fold, rotating through every "
    "fold, then pick the model with the best mean score and check it once on a test set nobody touched."
)


def check_database(settings: Settings) -> Finding:
    """Reachable, and its schema at the newest migration (a missing SQLite file is created at the first run)."""
    url = settings.database_url
    where = _database_name(url)
    file = make_url(url).database if url.startswith("sqlite") else None
    if file and file != ":memory:" and not Path(file).exists():
        return works("Database", f"{where}: not created yet, it will be at the first run")
    try:
        current, newest = current_revision(url), head_revision()
    except (SQLAlchemyError, OSError) as exc:
        return fails("Database", f"{where}: cannot be used", database_problem(exc, url))
    if current != newest:
        return fails(
            "Database",
            f"{where}: schema at {current or 'none'}, this version needs {newest}",
            "run `mock-interview db upgrade` (every command also does it at start)",
        )
    return works("Database", f"{where}: reachable, migrations current ({newest})")


async def check_chat(settings: Settings) -> Finding:
    """The model answers one short structured call and one short grade: its rung, its name, the grade's latency."""
    clients = model_clients(settings, None)
    if clients is None:
        return unset("Chat model", "no OPENAI_API_KEY: the built-in coach interviews and grades")
    chat = clients[0]
    where = _host(settings.openai_base_url) or "api.openai.com"
    try:
        from core.providers.chat import OpenAIChatModel  # the SDK loads only when a key is set

        mode, named = "", settings.model
        if isinstance(chat, OpenAIChatModel):
            probe = await chat.probe()
            mode, named = probe.mode, probe.model
        started = time.perf_counter()
        grade, _ = await ModelGrader(chat).grade(_grade_request(settings))
        took = (time.perf_counter() - started) * 1000
    except ModelOutputInvalid:
        return fails(
            "Chat model",
            f"{settings.model} at {where}: the server answered, but the model's JSON did not match what was asked",
            "use a bigger model, or a server that enforces a JSON schema (OpenAI-style json_schema, or "
            "llama-cpp-python's json_object with a schema)",
        )
    except ModelError as exc:
        return fails("Chat model", f"{settings.model} at {where}: {exc}", _chat_fix(settings))
    finally:
        await _close(chat, clients[1])
    return works(
        "Chat model",
        f"{named} at {where}: structured output by {mode or 'json'}, one grade in {took:.0f} ms "
        f"(scored {grade.score}/10)",
    )


async def check_speech(settings: Settings) -> Finding:
    """The speech server (or local Whisper) transcribes a bundled 3-second answer, with the domain prompt."""
    clients = model_clients(settings, None)
    transcriber = configured_transcriber(settings, clients)
    if transcriber is None:
        return unset(
            "Speech",
            "no speech service: voice answers are refused with a message "
            "(set OPENAI_API_KEY or MOCK_INTERVIEW_STT_API_KEY, or `make local-voice`)",
        )
    if isinstance(transcriber, LocalTranscriber):
        label = f"Whisper {transcriber.model}"
    else:
        label = f"{transcriber.model} at {_host(settings.speech_base_url) or 'api.openai.com'}"
    audio = resources.files("prompts").joinpath("audio", SAMPLE).read_bytes()
    prompt = transcription_prompt(question="How would you choose a model?", glossary=("cross-validation",), main=None)
    try:
        started = time.perf_counter()
        transcript, _ = await transcriber.transcribe(
            audio, filename=SAMPLE, mime="audio/ogg", prompt=prompt, language="en"
        )
        took = (time.perf_counter() - started) * 1000
    except ModelError as exc:
        return fails("Speech", f"{label}: {exc}", _speech_fix(settings))
    finally:
        await _close(clients[0] if clients else None, transcriber)
    heard = transcript.text.strip()
    if not any(word in heard.lower() for word in SAMPLE_WORDS):
        return fails(
            "Speech",
            f"{label}: a 3-second answer came back as {heard[:60]!r}",
            "check MOCK_INTERVIEW_STT_MODEL names a speech-to-text model on that server",
        )
    return works("Speech", f"{label}: a 3-second answer transcribed in {took:.0f} ms, prompt accepted")


def _grade_request(settings: Settings) -> GradeRequest:
    pack = load_catalog(settings.roles_dir).packs["data-science"]
    question = pack.questions[0]
    return GradeRequest(
        pack=pack,
        kind=TurnKind.QUESTION,
        asked=question.text,
        answer=GRADE_ANSWER,
        key_points=question.key_points,
        main_question=question.text,
    )


def _chat_fix(settings: Settings) -> str:
    if settings.openai_base_url:
        return "check OPENAI_BASE_URL (the server's /v1 address), OPENAI_API_KEY and MOCK_INTERVIEW_MODEL"
    return "check OPENAI_API_KEY (and MOCK_INTERVIEW_MODEL names a model your account can use)"


def _speech_fix(settings: Settings) -> str:
    if settings.stt_base_url:
        return "check MOCK_INTERVIEW_STT_BASE_URL, MOCK_INTERVIEW_STT_API_KEY and MOCK_INTERVIEW_STT_MODEL"
    return (
        "the chat's server may not serve speech: point MOCK_INTERVIEW_STT_BASE_URL at one that does "
        "(and MOCK_INTERVIEW_STT_MODEL at its model), or install local voice with `make local-voice`"
    )


async def _close(*clients: ChatModel | object | None) -> None:
    for client in clients:
        close = getattr(client, "close", None)
        if close is not None:
            await close()


def _host(url: str | None) -> str:
    """host:port of a URL, never its credentials or path."""
    if not url:
        return ""
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port}" if parts.port else parts.hostname or ""


def _database_name(url: str) -> str:
    """The database as a person would name it, without a password."""
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        return f"SQLite {parsed.database}"
    return f"PostgreSQL {parsed.database} at {parsed.host}:{parsed.port or 5432}"
