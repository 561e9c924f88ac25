"""Platform-neutral replies the core returns; each platform's render.py turns them into messages."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any


class ReplyKind(StrEnum):
    """What a reply is, so a platform can style it."""

    QUESTION = "question"  # a main question
    FOLLOW_UP = "follow_up"
    HINT = "hint"
    TRANSCRIPT = "transcript"  # "I heard: ..." for voice answers
    SCORECARD = "scorecard"
    INFO = "info"  # neutral information: help, roles, history, status
    ERROR = "error"  # something went wrong; the text says what to do next


class ReplyCode(StrEnum):
    """Why the core gave a reply, for adapters that act on it: they compare codes, never wording."""

    NO_INTERVIEW = "no_interview"  # nothing is open in this conversation


# Commands a candidate can give instead of answering; platforms may offer them as buttons.
QUESTION_ACTIONS: tuple[str, ...] = ("hint", "skip", "end")


@dataclass(frozen=True)
class ScoreItem:
    """One question–response pair on the scorecard."""

    seq: int
    kind: str  # question | follow_up | hint
    question: str
    answer: str | None
    score: int | None
    feedback: str
    strength: str = ""
    improvement: str = ""
    status: str = "graded"  # graded | ungraded | skipped | hint_requested | unanswered
    delivery: str = ""  # for a spoken answer: pace and filler words, one line


@dataclass(frozen=True)
class Scorecard:
    """The structured end-of-interview result."""

    interview_id: str
    role: str
    role_title: str
    overall_score: float | None
    answered: int
    planned_questions: int
    items: tuple[ScoreItem, ...]
    summary: str = ""
    strengths: tuple[str, ...] = ()
    focus_next: tuple[str, ...] = ()
    delivery: str = ""  # over every spoken answer: pace and filler words, one line


@dataclass(frozen=True)
class Reply:
    """One message to show the user, in Markdown."""

    kind: ReplyKind
    text: str
    interview_id: str | None = None
    seq: int | None = None  # the turn a question reply belongs to
    actions: tuple[str, ...] = ()  # commands worth offering as buttons under this message
    scorecard: Scorecard | None = None
    # Set on a reply that stands for a change of the interview (a question first asked, the scorecard): it is
    # stored in the outbox in the same transaction as that change, once, under this key.
    key: str | None = None
    code: ReplyCode | None = None  # machine-readable reason, never shown

    @property
    def is_question(self) -> bool:
        """Whether this reply asks the candidate something."""
        return self.kind in (ReplyKind.QUESTION, ReplyKind.FOLLOW_UP, ReplyKind.HINT)


def keyed(reply: Reply, key: str) -> Reply:
    """The reply under key, for the store to write into the outbox in the same transaction as the change it stands
    for; only replies the store writes so may be keyed (core.outbox sends them without storing them again)."""
    return replace(reply, key=key)


def info(text: str, *, interview_id: str | None = None, code: ReplyCode | None = None) -> Reply:
    """A neutral informational reply."""
    return Reply(ReplyKind.INFO, text, interview_id=interview_id, code=code)


def error(text: str, *, interview_id: str | None = None, actions: tuple[str, ...] = ()) -> Reply:
    """A reply saying what went wrong and what to do next."""
    return Reply(ReplyKind.ERROR, text, interview_id=interview_id, actions=actions)


def reply_to_data(reply: Reply) -> dict[str, Any]:
    """A reply as JSON-ready data."""
    return dataclasses.asdict(reply)


def reply_from_data(data: dict[str, Any]) -> Reply:
    """The reply stored by reply_to_data."""
    values = dict(data)
    values["kind"] = ReplyKind(values["kind"])
    values["actions"] = tuple(values.get("actions") or ())
    card = values.get("scorecard")
    if card is not None:
        items = tuple(ScoreItem(**item) for item in card.get("items") or ())
        values["scorecard"] = Scorecard(
            **{
                **card,
                "items": items,
                "strengths": tuple(card.get("strengths") or ()),
                "focus_next": tuple(card.get("focus_next") or ()),
            }
        )
    known = {f.name for f in dataclasses.fields(Reply)}
    return Reply(**{k: v for k, v in values.items() if k in known})
