"""The composition root: the one place that wires the core to storage, the model clients and the built-in coach."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import SecretStr
from sqlalchemy import Engine

from core.coaching.coach import Coach, Coaches, OfflineSummarizer
from core.coaching.model_grader import ModelGrader
from core.coaching.model_interviewer import ModelInterviewer
from core.coaching.model_writer import ModelWriter
from core.coaching.offline import OfflineGrader, OfflineInterviewer
from core.coaching.summary import ModelSummarizer
from core.domain.roles import RoleCatalog, load_catalog
from core.interview.service import InterviewService
from core.ports import ChatModel, Transcriber
from core.providers.local_speech import local_transcriber
from core.settings import Settings
from core.voice.pipeline import VoiceLimits, VoicePipeline
from db.engine import create_db_engine
from db.migrate import upgrade_database
from db.store import SqlInterviewStore

BUILTIN_COACH = "offline coach"
T = TypeVar("T")


@dataclass(frozen=True)
class Runtime:
    """Everything a runner needs: the settings, the database engine, the store and the service on them."""

    settings: Settings
    engine: Engine  # shared with the Slack installation store, so one process holds one connection pool
    store: SqlInterviewStore  # for tests and maintenance; adapters reach storage only through the service
    service: InterviewService

    async def close(self) -> None:
        """Finish grades in flight, then release the model clients and the database."""
        await self.service.close()


def model_clients(
    settings: Settings, observe_chat: Callable[[ChatModel], ChatModel] | None
) -> tuple[ChatModel, Transcriber] | None:
    """The chat model and the transcriber (on the speech server, by default the chat's), or None without a chat key."""
    if settings.openai_api_key is None:
        return None
    # Imported here: the openai SDK takes over a second to import, which offline runs never need.
    from core.providers.chat import OpenAIChatModel

    chat: ChatModel = OpenAIChatModel(
        api_key=settings.openai_api_key.get_secret_value(),
        base_url=settings.openai_base_url,
        model=settings.model,
        timeout_s=settings.model_timeout_s,
        max_retries=settings.model_max_retries,
    )
    transcriber = _whisper(settings, settings.stt_api_key or settings.openai_api_key)
    return (observe_chat(chat) if observe_chat else chat), transcriber


def speech_client(settings: Settings) -> Transcriber | None:
    """The transcriber on MOCK_INTERVIEW_STT_BASE_URL (else the chat's server), or None with no key for it at all."""
    key = settings.speech_api_key
    return _whisper(settings, key) if key is not None else None


def configured_transcriber(settings: Settings, clients: tuple[ChatModel, Transcriber] | None) -> Transcriber | None:
    """Who transcribes voice answers: the speech API (which may need no chat key), else local Whisper when the
    local-voice extra is installed, else nobody (voice answers are then refused with a message)."""
    speech = clients[1] if clients else speech_client(settings)
    return speech or local_transcriber(settings.local_stt_model)


def _whisper(settings: Settings, key: SecretStr) -> Transcriber:
    from core.providers.speech import WhisperTranscriber  # imported late, as the chat model is

    return WhisperTranscriber(
        api_key=key.get_secret_value(),
        base_url=settings.speech_base_url,
        model=settings.stt_model,
        # A five-minute recording takes Whisper a while; the turn deadline still bounds the wait.
        timeout_s=max(settings.model_timeout_s, settings.turn_deadline_s),
        max_retries=settings.model_max_retries,
    )


def build_coaches(settings: Settings, chat: ChatModel | None) -> Coaches:
    """The configured coach (the model's, with a key) and the built-in one that stands in for it."""
    builtin = Coach(
        name=BUILTIN_COACH, interviewer=OfflineInterviewer(), grader=OfflineGrader(), summarizer=OfflineSummarizer()
    )
    if chat is None:
        return Coaches(configured=builtin, builtin=builtin)
    model = Coach(
        name=f"AI interviewer ({settings.model})",
        interviewer=ModelInterviewer(chat, max_pairs=settings.max_pairs),
        grader=ModelGrader(chat),
        summarizer=ModelSummarizer(chat),
        model=settings.model,
        writer=ModelWriter(chat),
    )
    return Coaches(configured=model, builtin=builtin)


def build_runtime(
    settings: Settings,
    *,
    rng: random.Random | None = None,
    observe_chat: Callable[[ChatModel], ChatModel] | None = None,
    catalog: RoleCatalog | None = None,
) -> Runtime:
    """The service on the configured database, with the model when a key is set, else the built-in coach.

    Loads and validates the role packs (a broken pack fails here, at start) and upgrades the database schema.
    observe_chat wraps the chat model, for benchmarks that time model calls.
    """
    catalog = catalog or load_catalog(settings.roles_dir)
    upgrade_database(settings.database_url)
    engine = create_db_engine(settings.database_url)
    store = SqlInterviewStore(engine)
    clients = model_clients(settings, observe_chat)
    chat = clients[0] if clients else None
    transcriber = configured_transcriber(settings, clients)
    voice = VoicePipeline(
        transcriber=transcriber,
        limits=VoiceLimits(max_seconds=settings.max_audio_seconds, max_bytes=settings.max_download_bytes),
        ffmpeg=settings.ffmpeg,
    )
    service = InterviewService(
        store=store,
        catalog=catalog,
        settings=settings,
        coaches=build_coaches(settings, chat),
        voice=voice,
        rng=rng,
        closers=[client.close for client in (chat, transcriber) if client is not None],
    )
    return Runtime(settings=settings, engine=engine, store=store, service=service)


def run_event_loop(main: Coroutine[Any, Any, T], *, uvloop: bool = True) -> T:
    """asyncio.run(main), on uvloop (MOCK_INTERVIEW_UVLOOP, on by default) where it is installed."""
    factory: Callable[[], asyncio.AbstractEventLoop] | None = None
    if uvloop:
        try:
            import uvloop as _uvloop  # a dependency everywhere but Windows, which it does not support
        except ImportError:
            pass
        else:
            factory = _uvloop.new_event_loop
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(main)


def event_loop_name() -> str:
    """The running event loop's kind, uvloop or asyncio: benchmarks report which they measured."""
    return "uvloop" if type(asyncio.get_running_loop()).__module__.startswith("uvloop") else "asyncio"
