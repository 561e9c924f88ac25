"""The commands a candidate can give instead of an answer, and the seniority levels an interview can be held at."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.domain.models import ConversationRef


class Command(StrEnum):
    """A command typed, said or pressed instead of an answer."""

    HINT = "hint"
    SKIP = "skip"
    REPEAT = "repeat"
    END = "end"
    RETRY = "retry"
    PAUSE = "pause"
    RESUME = "resume"
    HELP = "help"


class Level(StrEnum):
    """The seniority an interview is held at."""

    JUNIOR = "junior"
    MID = "mid"
    SENIOR = "senior"


class UnknownLevel(ValueError):
    """A level name that is not one of Level; the message is user-facing."""


# Words a candidate types instead of an answer, mapped to the command they mean.
_COMMAND_WORDS = {
    **{c.value: c for c in Command},
    "next": Command.SKIP,
    "pass": Command.SKIP,
    "again": Command.REPEAT,
    "stop": Command.END,
    "finish": Command.END,
    "done": Command.END,
    "continue": Command.RESUME,
}

# Commands offered as buttons under a question.
QUESTION_ACTIONS: tuple[Command, ...] = (Command.HINT, Command.SKIP, Command.END)
# Commands whose step may call the model (the others never do).
MODEL_COMMANDS = frozenset({Command.HINT, Command.SKIP, Command.END, Command.RETRY})


def parse_command(text: str) -> Command | None:
    """The command a message is, if it is one word like `hint`, `/skip` or `End.`; else None."""
    token = text.strip().lower().lstrip("/!").rstrip(".!? ")
    return _COMMAND_WORDS.get(token)


def parse_level(value: str | Level | None) -> Level | None:
    """value as a Level (None stays None); UnknownLevel for anything else."""
    if value is None or isinstance(value, Level):
        return value
    try:
        return Level(value.strip().lower())
    except ValueError:
        names = ", ".join(f"`{level.value}`" for level in Level)
        raise UnknownLevel(f"The level must be one of {names}, not “{value}”.") from None


@dataclass(frozen=True)
class Press:
    """A click on a command button: what it asks for, where and by whom, and what it was shown under."""

    command: Command
    by: ConversationRef  # where it was pressed, as the person who pressed it
    event_id: str | None  # the platform's id of this click: a copy of it delivered again says nothing more
    interview_id: str | None = None  # the interview the button was shown under, where the platform keeps it
    seq: int | None = None  # the turn it was shown under (Hint and Skip act only on that turn)
    owner_id: str | None = None  # whose buttons they are, where the platform keeps it
