"""Discord input turned into what the core should do: pure functions over message fields, no network."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from core.domain.commands import Level
from core.domain.models import ConversationRef
from core.domain.roles import RoleCatalog, UnknownRole

PLATFORM = "discord"
LEVELS = tuple(level.value for level in Level)
VOICE_MESSAGE_FLAG = 1 << 13  # MessageFlags.voice: the message is a voice message recorded in the app
AUTOCOMPLETE_LIMIT = 25  # Discord shows at most 25 choices
THREAD_NAME_LIMIT = 100
DELETE_MY_DATA = "delete-my-data"  # the slash command's role value and the DM words that erase a person's data
_DELETE_WORDS = ("delete my data", DELETE_MY_DATA)
PROGRESS = "progress"  # the slash command's role value and the DM word that show a person's progress

# Words people put around a role name ("start a data science interview with 4 questions"); no role uses them.
_FILLER = {"a", "an", "the", "for", "with", "me", "please", "interview", "role", "level", "questions", "question", "q"}
_REPORT = re.compile(r"^\s*[/!]?report\s+`?(?P<id>[0-9a-fA-F-]{4,36})`?\s*$", re.IGNORECASE)
_REVIEW = re.compile(r"^\s*[/!]?review\s+(?P<rest>\S.*)$", re.IGNORECASE | re.DOTALL)
_START = re.compile(r"^\s*[/!]?(?:start|begin|new|mock-interview)(?:\s+(?P<rest>.*))?$", re.IGNORECASE | re.DOTALL)


class AttachmentLike(Protocol):
    """The fields of discord.Attachment this module reads."""

    filename: str
    content_type: str | None
    size: int
    url: str
    duration: float | None


@dataclass(frozen=True)
class AudioNote:
    """An audio attachment to transcribe as an answer."""

    url: str
    filename: str
    mime: str | None
    size: int
    duration_s: float | None


@dataclass(frozen=True)
class StartRequest:
    """`start <role> [questions] [level]` typed in a DM; role None when the user gave none."""

    role: str | None
    questions: int | None = None
    level: str | None = None
    review: bool = False  # `review <role>`: the questions due on the spaced-review schedule


@dataclass(frozen=True)
class Answer:
    """Typed text for the core: an answer or a command word.

    maybe_start is set when the text reads like `start <something>` but names no role: it is an answer that happens
    to begin with "start" while an interview is open, and a mistyped role when none is.
    """

    text: str
    maybe_start: StartRequest | None = None


@dataclass(frozen=True)
class VoiceAnswer:
    """A voice message (or audio file) answering the open question."""

    note: AudioNote


@dataclass(frozen=True)
class ShowRoles:
    """The user asked which roles exist (or answered the open question with that word: see is_word_answer)."""

    text: str = "roles"


@dataclass(frozen=True)
class ShowHistory:
    """The user asked for their past interviews (or answered the open question with that word)."""

    text: str = "history"


@dataclass(frozen=True)
class ShowProgress:
    """The user asked for their progress (or answered the open question with that word)."""

    text: str = "progress"


@dataclass(frozen=True)
class ShowReport:
    """The user asked for one interview whole, by id or id prefix."""

    interview_id: str


@dataclass(frozen=True)
class ShowHelp:
    """The user asked for help."""


@dataclass(frozen=True)
class DeleteMyData:
    """The user asked to erase their interviews, answers and usage records (asked to confirm first)."""


@dataclass(frozen=True)
class NotAnAnswer:
    """Something we cannot take as an answer (an image, an empty message); the text says what to send instead."""

    text: str


Intent = (
    StartRequest
    | Answer
    | VoiceAnswer
    | ShowRoles
    | ShowHistory
    | ShowProgress
    | ShowReport
    | ShowHelp
    | DeleteMyData
    | NotAnAnswer
)

NOT_AUDIO = "I can take a typed answer or a voice message; I can't read that attachment. Your question is still open."


def dm_conv(*, channel_id: int, user_id: int) -> ConversationRef:
    """Where a DM interview lives: the DM channel itself."""
    return ConversationRef(PLATFORM, "", str(channel_id), None, str(user_id))


def thread_conv(*, guild_id: int, parent_id: int, thread_id: int, user_id: int) -> ConversationRef:
    """Where a server interview lives: its thread, off the channel it was started in, for one candidate."""
    return ConversationRef(PLATFORM, str(guild_id), str(parent_id), str(thread_id), str(user_id))


def audio_note(attachments: Sequence[AttachmentLike], *, flags: int) -> AudioNote | None:
    """The attachment to transcribe: a voice message, or else the first audio file; None when there is none."""
    for attachment in attachments:
        mime = (attachment.content_type or "").split(";")[0].strip().lower()
        if flags & VOICE_MESSAGE_FLAG or mime.startswith("audio/"):
            return AudioNote(
                url=attachment.url,
                filename=attachment.filename,
                mime=mime or None,
                size=attachment.size,
                duration_s=attachment.duration,
            )
    return None


def read_message(
    content: str, attachments: Sequence[AttachmentLike], *, flags: int, in_dm: bool, catalog: RoleCatalog
) -> Intent:
    """What a message from the candidate asks for; DMs also understand `start`, `roles` and `help`."""
    note = audio_note(attachments, flags=flags)
    if note is not None:
        return VoiceAnswer(note)
    text = content.strip()
    if in_dm:
        word = text.lower().lstrip("/!").rstrip(".!?")
        if word == "roles":
            return ShowRoles(text)
        if word in ("help", "?", "hi", "hello", "hey"):
            return ShowHelp()
        if word == "history":
            return ShowHistory(text)
        if word == PROGRESS:
            return ShowProgress(text)
        if is_delete_request(text):
            return DeleteMyData()
        report = _REPORT.match(text)
        if report:
            return ShowReport(report.group("id"))
        match = _START.match(text) or _REVIEW.match(text)
        if match:
            request = parse_start(match.group("rest") or "")
            if match.re is _REVIEW:
                request = dataclasses.replace(request, review=True)
            if request.role is None or _known_role(catalog, request.role):
                return request
            return Answer(text, maybe_start=request)
    if not text and attachments:
        return NotAnAnswer(NOT_AUDIO)
    return Answer(text)


def is_delete_request(text: str) -> bool:
    """Whether the whole text asks to delete the user's data: `delete my data` or `delete-my-data`, any case.

    Only the whole message counts, so an answer that merely mentions deleting data stays an answer.
    """
    words = " ".join(text.lower().lstrip("/!").rstrip(".!?").split())
    return words in _DELETE_WORDS


def parse_start(rest: str) -> StartRequest:
    """`data science 3 senior` -> role, questions, level; the words left over name the role."""
    questions: int | None = None
    level: str | None = None
    role_words: list[str] = []
    for token in rest.replace(",", " ").split():
        lowered = token.lower()
        if lowered.isdigit() and questions is None:
            questions = int(lowered)
        elif lowered in LEVELS and level is None:
            level = lowered
        elif lowered not in _FILLER:
            role_words.append(token)
    return StartRequest(" ".join(role_words) or None, questions, level)


def _known_role(catalog: RoleCatalog, name: str) -> bool:
    try:
        catalog.resolve(name)
    except UnknownRole:
        return False
    return True


def role_choices(catalog: RoleCatalog, current: str) -> list[tuple[str, str]]:
    """Autocomplete (name, value) pairs for the role option: matches on id, title or alias, best first."""
    typed = current.strip().lower()
    scored: list[tuple[int, str, str]] = []
    for pack in catalog.packs.values():
        names = [pack.id, pack.title.lower(), *(a.lower() for a in pack.aliases)]
        if not typed:
            rank = 0
        elif any(n.startswith(typed) for n in names):
            rank = 1
        elif any(typed in n for n in names):
            rank = 2
        else:
            continue
        scored.append((rank, pack.title, pack.id))
    ordered = sorted(scored, key=lambda s: s[0])  # stable: catalog order within a rank
    return [(title, rid) for _, title, rid in ordered[:AUTOCOMPLETE_LIMIT]]


def command_choices(catalog: RoleCatalog, current: str) -> list[tuple[str, str]]:
    """Autocomplete for the role option: "My progress" and "Delete my data" when what is typed fits them, and the
    matching roles."""
    typed = " ".join(current.strip().lower().split())
    choices = role_choices(catalog, current)[: AUTOCOMPLETE_LIMIT - 1]
    if typed and PROGRESS.startswith(typed):
        choices.insert(0, ("My progress", PROGRESS))
        choices = choices[: AUTOCOMPLETE_LIMIT - 1]
    if any(typed in words for words in _DELETE_WORDS):
        choices.append(("Delete my data", DELETE_MY_DATA))
    return choices


def thread_name(*, role_title: str, candidate: str) -> str:
    """A thread title that says whose interview it is, within Discord's 100 characters."""
    name = f"{role_title} interview · {candidate}"
    return name if len(name) <= THREAD_NAME_LIMIT else name[: THREAD_NAME_LIMIT - 1] + "…"
