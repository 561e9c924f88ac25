"""The one typed configuration object, read from the environment (and an optional .env file)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, SettingsConfigDict

MAX_PAIRS_LIMIT = 25  # the product's promise: at most 25 question–response pairs per interview
# The databases (and drivers) this app ships for; any other fails at start rather than with a traceback.
DATABASE_SCHEMES = ("sqlite", "sqlite+pysqlite", "postgresql", "postgres", "postgresql+psycopg2")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{0,30}")


def default_database_url() -> str:
    """A SQLite file in the user's data folder, so history survives wherever `mock-interview` runs."""
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return f"sqlite:///{base / 'mock-interview' / 'interviews.db'}"


class Settings(BaseSettings):
    """Configuration; every field maps to an environment variable listed in docs/configuration.md."""

    # .env in the working directory is read when it exists; the environment wins over it. An empty value (a blank
    # `OPENAI_API_KEY=` line) counts as unset, so the default applies: no key means the built-in coach.
    # hide_input_in_errors: a rejected value (a URL with its password) never appears in a ValidationError's text.
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
        populate_by_name=True,
        hide_input_in_errors=True,
    )

    database_url: str = Field(default_factory=default_database_url, validation_alias="DATABASE_URL")
    openai_api_key: SecretStr | None = Field(default=None, validation_alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(default=None, validation_alias="OPENAI_BASE_URL")
    # Speech to text on a server of its own (faster-whisper serves audio, Ollama chat); unset: the chat's.
    stt_base_url: str | None = Field(default=None, validation_alias="MOCK_INTERVIEW_STT_BASE_URL")
    stt_api_key: SecretStr | None = Field(default=None, validation_alias="MOCK_INTERVIEW_STT_API_KEY")
    model: str = Field(default="gpt-4.1-mini", validation_alias="MOCK_INTERVIEW_MODEL")
    # Per request attempt; a chat turn is also bounded as a whole by turn_deadline_s.
    model_timeout_s: float = Field(default=20.0, gt=0, validation_alias="MOCK_INTERVIEW_MODEL_TIMEOUT")
    model_max_retries: int = Field(default=2, ge=0, le=6, validation_alias="MOCK_INTERVIEW_MODEL_RETRIES")
    max_pairs: int = Field(default=25, ge=1, le=MAX_PAIRS_LIMIT, validation_alias="MOCK_INTERVIEW_MAX_PAIRS")
    default_questions: int = Field(default=5, ge=1, le=MAX_PAIRS_LIMIT, validation_alias="MOCK_INTERVIEW_QUESTIONS")
    max_answer_chars: int = Field(default=10_000, ge=100, validation_alias="MOCK_INTERVIEW_MAX_ANSWER_CHARS")
    turn_deadline_s: float = Field(default=30.0, gt=0, validation_alias="MOCK_INTERVIEW_TURN_DEADLINE")
    # After a crash: how long an answer, an event or a reply waits on the worker that took it before another
    # worker (or the restarted one) carries it on. Longer than a turn may take (the deadline) plus a margin.
    recover_after_s: float = Field(default=45.0, gt=0, validation_alias="MOCK_INTERVIEW_RECOVER_AFTER")
    # Adapters stop downloading a voice note past this size (a recording is re-encoded past the API's 25 MB).
    max_download_bytes: int = Field(
        default=100 * 1024 * 1024, ge=1, validation_alias="MOCK_INTERVIEW_MAX_DOWNLOAD_BYTES"
    )
    roles_dir: Path | None = Field(default=None, validation_alias="MOCK_INTERVIEW_ROLES_DIR")

    # Abuse limits (core/quotas.py); 0 turns one off.
    max_open_per_user: int = Field(default=3, ge=0, validation_alias="MOCK_INTERVIEW_MAX_OPEN_PER_USER")
    answers_per_minute: int = Field(default=10, ge=0, validation_alias="MOCK_INTERVIEW_ANSWERS_PER_MINUTE")
    # Prompt + completion tokens per Slack workspace or Discord guild (per person in DMs) per UTC day.
    daily_tokens: int = Field(default=0, ge=0, validation_alias="MOCK_INTERVIEW_DAILY_TOKENS")

    # Voice answers (speech to text on the STT server above, else the chat's OpenAI-compatible endpoint).
    stt_model: str = Field(default="whisper-1", validation_alias="MOCK_INTERVIEW_STT_MODEL")
    # With no speech API and the local-voice extra: a model folder or a faster-whisper size; unset = packaged tiny.en.
    local_stt_model: str | None = Field(default=None, validation_alias="MOCK_INTERVIEW_LOCAL_STT_MODEL")
    max_audio_seconds: float = Field(default=300.0, gt=0, validation_alias="MOCK_INTERVIEW_MAX_AUDIO_SECONDS")
    ffmpeg: str = Field(default="ffmpeg", validation_alias="MOCK_INTERVIEW_FFMPEG")

    # The event loop the commands run on: uvloop where it is installed (not on Windows), else asyncio's own.
    uvloop: bool = Field(default=True, validation_alias="MOCK_INTERVIEW_UVLOOP")

    # Slack: Socket Mode needs the app token; HTTP mode the signing secret; several workspaces the OAuth pair.
    slack_bot_token: SecretStr | None = Field(default=None, validation_alias="SLACK_BOT_TOKEN")
    slack_app_token: SecretStr | None = Field(default=None, validation_alias="SLACK_APP_TOKEN")
    slack_signing_secret: SecretStr | None = Field(default=None, validation_alias="SLACK_SIGNING_SECRET")
    slack_client_id: str | None = Field(default=None, validation_alias="SLACK_CLIENT_ID")
    slack_client_secret: SecretStr | None = Field(default=None, validation_alias="SLACK_CLIENT_SECRET")
    slack_api_url: str | None = Field(default=None, validation_alias="SLACK_API_URL")

    # Discord.
    discord_token: SecretStr | None = Field(default=None, validation_alias="DISCORD_TOKEN")
    # Shards: the total over all processes (a number or `auto`; DISCORD_SHARDS is its older name), and the ids this
    # process opens (`0,1`, `2-3`); bots/discord/shards.py reads and checks them.
    discord_shard_count: str | None = Field(default=None, validation_alias="DISCORD_SHARD_COUNT")
    discord_shards: str | None = Field(default=None, validation_alias="DISCORD_SHARDS")
    discord_shard_ids: str | None = Field(default=None, validation_alias="DISCORD_SHARD_IDS")
    discord_api_url: str | None = Field(default=None, validation_alias="DISCORD_API_URL")
    discord_gateway_url: str | None = Field(default=None, validation_alias="DISCORD_GATEWAY_URL")

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, url: str) -> str:
        """Refuse a database this app has no driver for; the message shows the scheme only, never the URL."""
        scheme, sep, _ = url.strip().partition("://")
        if sep and scheme.lower() in DATABASE_SCHEMES:
            return url
        what = f"{scheme}:// databases are not supported" if sep and _SCHEME.fullmatch(scheme) else "not a URL"
        raise PydanticCustomError(
            "database_url", f"{what}; use sqlite:///path/to/interviews.db or postgresql://user@host:5432/name"
        )

    @field_validator("openai_base_url", "stt_base_url")
    @classmethod
    def _usable_base_url(cls, url: str | None, info: ValidationInfo) -> str | None:
        """Refuse a base URL the client cannot call: no http(s) scheme or host, or credentials in it."""
        if url is None:
            return None
        field = str(info.field_name)
        key_variable = "MOCK_INTERVIEW_STT_API_KEY" if field == "stt_base_url" else "OPENAI_API_KEY"
        try:
            parts = urlsplit(url.strip())
            parts.port  # noqa: B018 - raises ValueError for a port that is not a number
        except ValueError:
            parts = None
        if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise PydanticCustomError(
                field, "must start with http:// or https:// and name a host, like http://localhost:8000/v1"
            )
        if parts.username is not None or parts.password is not None:
            # The HTTP client refuses them next to the API key's header; the key goes in OPENAI_API_KEY.
            raise PydanticCustomError(
                field, f"must not hold a user name or password: put the API key in {key_variable} instead"
            )
        return url

    @property
    def uses_model(self) -> bool:
        """Whether an API key is configured, so the model runs the interview."""
        return self.openai_api_key is not None

    @property
    def speech_api_key(self) -> SecretStr | None:
        """The speech-to-text server's key: MOCK_INTERVIEW_STT_API_KEY, else the chat's OPENAI_API_KEY."""
        return self.stt_api_key or self.openai_api_key

    @property
    def speech_base_url(self) -> str | None:
        """The speech-to-text server: MOCK_INTERVIEW_STT_BASE_URL, else the chat's OPENAI_BASE_URL (None: OpenAI)."""
        return self.stt_base_url or self.openai_base_url
