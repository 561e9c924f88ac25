"""The composition root: the one place that wires the core to storage, the model client and the offline coach."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from core.coaching.fallback import SwitchedGrader, SwitchedInterviewer, SwitchedSummarizer
from core.coaching.flow import Grader, Interviewer
from core.coaching.model_grader import ModelGrader
from core.coaching.model_interviewer import ModelInterviewer
from core.coaching.offline import OfflineGrader, OfflineInterviewer
from core.coaching.summary import ModelSummarizer
from core.domain.roles import load_catalog
from core.interview.finishing import Finisher
from core.interview.quotas import QuotaLimits, Quotas
from core.interview.service import InterviewService
from core.interview.turns import ServiceLimits
from core.ports import ChatModel, Transcriber
from core.settings import Settings
from core.voice.pipeline import VoiceLimits, VoicePipeline
from db.engine import create_db_engine
from db.migrate import upgrade_database
from db.store import SqlInterviewStore


@dataclass(frozen=True)
class _ModelParts:
    """What the model runs when an API key is configured."""

    chat: ChatModel
    transcriber: Transcriber


def _model_parts(settings: Settings, observe_chat: Callable[[ChatModel], ChatModel] | None) -> _ModelParts | None:
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
    return _ModelParts(chat=observe_chat(chat) if observe_chat else chat, transcriber=transcriber)


def build_service(
    settings: Settings,
    *,
    rng: random.Random | None = None,
    observe_chat: Callable[[ChatModel], ChatModel] | None = None,
) -> InterviewService:
    """An InterviewService on the configured database, with the model when a key is set, else the offline coach.

    Loads and validates the role packs (a broken pack fails here, at start) and upgrades the database schema.
    observe_chat wraps the chat model, for benchmarks that time model calls.
    """
    catalog = load_catalog(settings.roles_dir)
    upgrade_database(settings.database_url)
    store = SqlInterviewStore(create_db_engine(settings.database_url))
    limits = ServiceLimits(
        max_pairs=settings.max_pairs,
        default_questions=settings.default_questions,
        max_answer_chars=settings.max_answer_chars,
        turn_deadline_s=settings.turn_deadline_s,
        max_audio_seconds=settings.max_audio_seconds,
        recover_after_s=settings.recover_after_s,
    )
    offline_grader = OfflineGrader()
    model = _model_parts(settings, observe_chat)
    interviewer: Interviewer = (
        ModelInterviewer(model.chat, max_pairs=limits.max_pairs) if model else OfflineInterviewer()
    )
    grader: Grader = ModelGrader(model.chat) if model else offline_grader
    summarizer = ModelSummarizer(model.chat) if model else None
    if model and settings.daily_tokens:  # past the day's token budget, each turn runs on the built-in coach
        interviewer = SwitchedInterviewer(interviewer, OfflineInterviewer())
        grader = SwitchedGrader(grader, offline_grader)
        summarizer = SwitchedSummarizer(model.chat)
    finisher = Finisher(
        store=store,
        grader=grader,
        fallback_grader=offline_grader,
        summarizer=summarizer,
        deadline_s=settings.turn_deadline_s,
        lease_s=limits.recover_after_s,
    )
    voice = VoicePipeline(
        transcriber=model.transcriber if model else None,
        limits=VoiceLimits(max_seconds=limits.max_audio_seconds, max_bytes=limits.max_download_bytes),
        ffmpeg=settings.ffmpeg,
    )
    return InterviewService(
        store=store,
        catalog=catalog,
        interviewer=interviewer,
        grader=grader,
        finisher=finisher,
        voice=voice,
        limits=limits,
        rng=rng,
        mode=f"AI interviewer ({settings.model})" if model else "offline coach",
        closers=[model.chat.close, model.transcriber.close] if model else [],
        quotas=Quotas(
            store,
            QuotaLimits(
                max_open_per_user=settings.max_open_per_user,
                answers_per_minute=settings.answers_per_minute,
                daily_tokens=settings.daily_tokens,
            ),
        ),
    )
