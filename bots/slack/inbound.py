"""Slack payloads -> what the core is asked: slash command text, thread messages, audio clips, button values.

Everything here is pure: it reads payload dicts exactly as Slack sends them and returns plain values.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from bots.slack.plain import plain_text
from core.domain.commands import Level
from core.domain.models import ConversationRef

PLATFORM = "slack"
LEVELS = tuple(level.value for level in Level)
MAX_QUESTIONS = 25
# Subtypes that still carry a person's answer; every other subtype (edits, deletions, joins, bots) is ignored.
ANSWER_SUBTYPES = (None, "file_share", "thread_broadcast")
AUDIO_FILETYPES = ("m4a", "mp4", "webm", "mp3", "ogg", "wav", "aac")
ACTION_PREFIX = "mi:"
ERASE_PREFIX = "mi-erase:"  # the delete-my-data confirmation's buttons; apart from ACTION_PREFIX, which name interviews
DELETE_MY_DATA = "delete-my-data"
# Where the inbox middleware leaves, in bolt's context, the thread message it kept and whether this delivery is the
# first the inbox saw: the listener reads both instead of classifying the event, and asking the database, again.
KEPT_MESSAGE = "mi_kept_message"
KEPT_NEW = "mi_kept_new"

_QUESTION_KEYS = ("questions", "question", "q", "n")
_LEVEL_KEYS = ("level",)
_LANGUAGE_KEYS = ("language", "lang")
_LANGUAGE = re.compile(r"^[A-Za-z][A-Za-z -]{1,31}$")


# --- the slash command -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StartRequest:
    """`/mock-interview ROLE [questions=N] [level=...] [language=...]`."""

    role: str
    questions: int | None = None
    level: str | None = None
    language: str | None = None
    review: bool = False  # `/mock-interview review ROLE`: the questions due on the spaced-review schedule


@dataclass(frozen=True)
class SubCommand:
    """`/mock-interview help | roles | history | end | delete-my-data | report ID | progress [ROLE] | daily ... |
    tailor [ROLE] | group ROLE ...` (arg: the id, the role, or the daily or group command's words)."""

    name: str
    arg: str = ""


@dataclass(frozen=True)
class BadCommand:
    """Command text we cannot use; message says why and what to type instead."""

    message: str


SlashCommand = StartRequest | SubCommand | BadCommand

USAGE = (
    "Start an interview with `/mock-interview ROLE`, for example `/mock-interview data-science questions=3 "
    "level=senior`. Also: `/mock-interview tailor` (to a job posting), `group ROLE` (a study group), `review ROLE`, "
    "`daily on [HH:MM]`, `roles`, `history`, `progress`, `report ID`, `end`, `delete-my-data`, `help`."
)


def parse_command_text(text: str) -> SlashCommand:
    """The meaning of the text typed after `/mock-interview`."""
    tokens = plain_text(text).split()
    if not tokens:
        return SubCommand("help")
    head = tokens[0].lower()
    if head in ("help", "roles", "history", "end", DELETE_MY_DATA) and len(tokens) == 1:
        return SubCommand(head)
    if head in ("daily", "tailor", "group"):
        return SubCommand(head, " ".join(tokens[1:]))
    if head == "progress" and len(tokens) <= 2:
        return SubCommand("progress", tokens[1] if len(tokens) == 2 else "")
    if head == "report":
        if len(tokens) != 2:
            return BadCommand(
                "Give one interview id: `/mock-interview report 6f1c0d7e` (see `/mock-interview history`)."
            )
        return SubCommand("report", tokens[1])
    if head == "review":
        parsed = _parse_start(tokens[1:])
        return dataclasses.replace(parsed, review=True) if isinstance(parsed, StartRequest) else parsed
    return _parse_start(tokens)


def _parse_start(tokens: list[str]) -> SlashCommand:
    role_words: list[str] = []
    options: dict[str, str] = {}
    for token in tokens:
        key, sep, value = token.partition("=")
        if sep:
            options[key.lower()] = value
        elif token.isdigit():
            options["questions"] = token
        else:
            role_words.append(token)
    questions = level = language = None
    for key, value in options.items():
        if key in _QUESTION_KEYS:
            if not value.isdigit() or not 1 <= int(value) <= MAX_QUESTIONS:
                return BadCommand(f"`questions` must be a whole number from 1 to {MAX_QUESTIONS}.")
            questions = int(value)
        elif key in _LEVEL_KEYS:
            if value.lower() not in LEVELS:
                return BadCommand(f"`level` must be one of {', '.join(f'`{v}`' for v in LEVELS)}.")
            level = value.lower()
        elif key in _LANGUAGE_KEYS:
            if not _LANGUAGE.match(value):
                return BadCommand("`language` must be a language name, for example `language=German`.")
            language = value
        else:
            return BadCommand(f"Unknown option `{key}`. {USAGE}")
    if not role_words:
        return BadCommand(f"Which role? {USAGE}")
    return StartRequest(" ".join(role_words), questions=questions, level=level, language=language)


# --- messages --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AudioClip:
    """An audio file attached to a message (a Slack clip, or an uploaded recording)."""

    file_id: str
    name: str
    mimetype: str | None
    size: int | None
    url: str | None  # url_private_download; None when the event only carries the id (ask files.info)
    duration_s: float | None


@dataclass(frozen=True)
class ThreadMessage:
    """A person's message in a thread the bot started (or, as a DirectMessage, at the top of their DM with the app):
    maybe an answer."""

    team_id: str
    channel_id: str
    thread_ts: str | None  # None: a DirectMessage
    user_id: str
    ts: str
    text: str
    audio: AudioClip | None = None
    has_other_files: bool = False

    @property
    def message_key(self) -> str:
        """The message's unique id (channel + ts): the same across every redelivery of its event."""
        return f"msg:{self.channel_id}:{self.ts}"


@dataclass(frozen=True)
class DirectMessage(ThreadMessage):
    """A person's top-level message in their DM with the app: an answer to the daily question asked there, a `daily`
    command, or a stray message."""


@dataclass(frozen=True)
class Ignored:
    """An event that is not for us; reason is for debug logs."""

    reason: str


MessageEvent = ThreadMessage | Ignored


def classify_message(event: dict[str, Any], *, team_id: str, bot_user_id: str | None) -> MessageEvent:
    """What a `message` event means to the interview: an answer candidate (in a thread or the DM), or nothing."""
    subtype = event.get("subtype")
    if subtype not in ANSWER_SUBTYPES:
        return Ignored(f"subtype {subtype}")
    user = event.get("user")
    if not user or event.get("bot_id") or user == bot_user_id or event.get("hidden"):
        return Ignored("not a person")
    channel, ts = event.get("channel", ""), event.get("ts", "")
    thread_ts = event.get("thread_ts")
    kind: type[ThreadMessage] = ThreadMessage
    if not thread_ts or thread_ts == ts:
        if event.get("channel_type") != "im":
            return Ignored("top-level channel message")
        kind, thread_ts = DirectMessage, None
    parent = event.get("parent_user_id")
    # In the person's DM with the app a thread may hang from their own message: a file sent with `tailor`.
    own_dm_thread = event.get("channel_type") == "im" and parent == user
    if parent is not None and bot_user_id is not None and parent != bot_user_id and not own_dm_thread:
        return Ignored("someone else's thread")
    files = [f for f in event.get("files") or [] if isinstance(f, dict)]
    audio = next((clip for clip in map(audio_clip, files) if clip is not None), None)
    return kind(
        team_id=team_id,
        channel_id=channel,
        thread_ts=thread_ts,
        user_id=user,
        ts=ts,
        text=plain_text(event.get("text") or ""),
        audio=audio,
        has_other_files=bool(files) and audio is None,
    )


def audio_clip(file: dict[str, Any]) -> AudioClip | None:
    """The file as an audio clip, or None when it is not audio (a partial file object counts: check it later)."""
    mimetype = file.get("mimetype") or ""
    filetype = (file.get("filetype") or "").lower()
    partial = file.get("file_access") == "check_file_info"  # Slack left the details out: files.info has them
    is_audio = (
        file.get("subtype") == "slack_audio"
        or mimetype.startswith("audio/")
        or (filetype in AUDIO_FILETYPES and mimetype.startswith("video/"))  # a clip recorded as mp4/webm
    )
    if not (is_audio or partial):
        return None
    duration_ms = file.get("duration_ms")
    return AudioClip(
        file_id=str(file.get("id", "")),
        name=file.get("name") or f"clip.{filetype or 'm4a'}",
        mimetype=mimetype or None,
        size=file.get("size"),
        url=None if partial else (file.get("url_private_download") or file.get("url_private")),
        duration_s=duration_ms / 1000 if isinstance(duration_ms, int | float) else None,
    )


def thread_conv(message: ThreadMessage) -> ConversationRef:
    """The conversation an answer in this thread belongs to (the thread, as its sender)."""
    return ConversationRef(PLATFORM, message.team_id, message.channel_id, message.thread_ts, message.user_id)


# --- buttons ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ButtonPress:
    """A click on Hint, Skip, End or Retry under one of our messages."""

    command: str
    interview_id: str
    seq: int
    user_id: str


def parse_button(action: dict[str, Any], *, user_id: str) -> ButtonPress | None:
    """The command a button click asks for, or None for a button that is not ours."""
    action_id = action.get("action_id", "")
    if not action_id.startswith(ACTION_PREFIX):
        return None
    interview_id, _, seq = (action.get("value") or "").partition(":")
    if not interview_id:
        return None
    return ButtonPress(action_id.removeprefix(ACTION_PREFIX), interview_id, int(seq) if seq.isdigit() else 0, user_id)


def button_value(interview_id: str | None, seq: int | None) -> str:
    """The value a button carries: which interview and which turn it was shown under."""
    return f"{interview_id or ''}:{seq or 0}"


@dataclass(frozen=True)
class EraseChoice:
    """A click on "Delete my data" (confirm) or "Cancel" under a delete-my-data confirmation."""

    confirm: bool
    team_id: str  # the workspace whose data the confirmation was about
    owner_id: str  # who asked; only their click counts
    prompt_id: str  # one per confirmation, so its buttons act once
    user_id: str  # who clicked


def erase_value(*, team_id: str, owner_id: str, prompt_id: str) -> str:
    """The value the confirmation's buttons carry."""
    return f"{team_id}:{owner_id}:{prompt_id}"


def parse_erase_button(action: dict[str, Any], *, user_id: str) -> EraseChoice | None:
    """The choice a click on a confirmation button makes, or None for a button that is not one of them."""
    action_id = action.get("action_id", "")
    choice = action_id.removeprefix(ERASE_PREFIX)
    if not action_id.startswith(ERASE_PREFIX) or choice not in ("confirm", "cancel"):
        return None
    parts = (action.get("value") or "").split(":")
    if len(parts) != 3 or not all(parts[1:]):
        return None
    team_id, owner_id, prompt_id = parts
    return EraseChoice(choice == "confirm", team_id, owner_id, prompt_id, user_id)
