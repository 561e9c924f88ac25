"""The composition root: the one place that wires the core to storage, the model clients and the built-in coach."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from core.coaching.coach import Coach, Coaches, OfflineSummarizer
from core.coaching.model_grader import ModelGrader
from core.coaching.model_interviewer import ModelInterviewer
from core.coaching.offline import OfflineGrader, OfflineInterviewer
from core.coaching.summary import ModelSummarizer
from core.domain.roles import RoleCatalog, load_catalog
from core.interview.service import InterviewService
from core.ports import ChatModel, Transcriber
from core.settings import Settings
from core.voice.pipeline import VoiceLimits, VoicePipeline
from db.engine import create_db_engine
from db.migrate import upgrade_database
from db.store import SqlInterviewStore

BUILTIN_COACH = "offline coach"


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
    """The chat model and the transcriber, or None without an API key."""
    if settings.openai_api_key is None:
        return None
    # Imported here: the openai SDK takes over a second to import, which offline runs never need.
    from core.providers.chat import OpenAIChatModel
    from core.providers.speech import WhisperTranscriber

    key = settings.openai_api_key.get_secret_value()
    chat: ChatModel = OpenAIChatModel(
        api_key=key,
        base_url=settings.openai_base_url,
        model=settings.model,
        timeout_s=settings.model_timeout_s,
        max_retries=settings.model_max_retries,
    )
    transcriber = WhisperTranscriber(
        api_key=key,
        base_url=settings.openai_base_url,
        model=settings.stt_model,
        # A five-minute recording takes Whisper a while; the turn deadline still bounds the wait.
        timeout_s=max(settings.model_timeout_s, settings.turn_deadline_s),
        max_retries=settings.model_max_retries,
    )
    return (observe_chat(chat) if observe_chat else chat), transcriber


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
    chat, transcriber = clients if clients else (None, None)
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
        closers=[chat.close, transcriber.close] if chat and transcriber else [],
    )
    return Runtime(settings=settings, engine=engine, store=store, service=service)
