"""Platform-neutral replies the core returns; each platform's render.py turns them into messages."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from core.domain.commands import Command
from core.domain.text import counted


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

    STARTED = "started"  # the first reply of a new interview (its intro)
    NO_INTERVIEW = "no_interview"  # nothing is open in this conversation for the person who wrote
    NOT_YOUR_INTERVIEW = "not_your_interview"  # someone else's interview: owner_id names whose (a private note)
    INTERVIEW_GONE = "interview_gone"  # a button under an interview that no longer exists (a private note)
    INTERVIEW_FINISHED = "interview_finished"  # a button under an interview that has ended (a private note)
    STALE_BUTTON = "stale_button"  # a button under a question that has moved on (a private note)
    ENDED_UNANSWERED = "ended_unanswered"  # the interview ended before any answer: no scorecard
    NOT_AN_ANSWER = "not_an_answer"  # a message carrying only a file that is not a recording
    CANNOT_TRY_AGAIN = "cannot_try_again"  # a question that cannot be tried again, and why (a private note)


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
    grader: str = ""  # who graded it ("AI model gpt-4o-mini", "built-in coach"); "" when it has no grade


FIT_HEADING = "Fit for the posting"  # the scorecard section of a tailored interview, on every platform


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
    graded_by: str = ""  # one line: who graded the answers
    mixed_graders: bool = False  # graded by more than one: each item shows its grader
    try_again: tuple[int, ...] = ()  # the seqs of the weakest main answers, offered as "Try again" buttons
    fit: tuple[str, ...] = ()  # a tailored interview's: each requirement an answer covered, and how well
    unreached: tuple[str, ...] = ()  # a tailored interview's: the requirements no answer reached

    @property
    def fit_lines(self) -> list[str]:
        """The fit section as every platform shows it, one line each; [] for an interview not tailored."""
        lines = list(self.fit)
        if self.unreached:
            lines.append("Not reached: " + "; ".join(self.unreached))
        return lines

    @property
    def try_again_buttons(self) -> list[tuple[int, str]]:
        """(seq, label) of each "Try again" button, as every platform shows it: "Try answer 2 again (4/10)"."""
        scores = {item.seq: item.score for item in self.items}
        shown = {seq: f"{scores[seq]}/10" if scores.get(seq) is not None else "skipped" for seq in self.try_again}
        return [(seq, f"Try answer {seq} again ({shown[seq]})") for seq in self.try_again]

    @property
    def chart_name(self) -> str:
        """The file name of its chart, the interview's: a worker sending it again can tell it is already there."""
        return f"scorecard-{self.interview_id[:8]}.png"

    @property
    def answered_line(self) -> str:
        """'2 of 5 main questions answered', as every renderer shows it."""
        return f"{self.answered} of {counted(self.planned_questions, 'main question')} answered"


@dataclass(frozen=True)
class Reply:
    """One message to show the user, in Markdown."""

    kind: ReplyKind
    text: str
    interview_id: str | None = None
    seq: int | None = None  # the turn a question reply belongs to
    actions: tuple[Command, ...] = ()  # commands worth offering as buttons under this message
    scorecard: Scorecard | None = None
    # Set once the reply is stored in the outbox: a reply that stands for a change of the interview (a question
    # first asked, the scorecard) is keyed by that change, so a worker racing to make it conflicts instead of
    # storing a second copy; any other reply gets a key of its own.
    key: str | None = None
    code: ReplyCode | None = None  # machine-readable reason, never shown
    # A private note for the person whose event it answers (a refusal), not a message of the conversation: never
    # stored in the outbox, shown only to them (or not at all, where the platform keeps quiet).
    private: bool = False
    owner_id: str | None = None  # with NOT_YOUR_INTERVIEW: the candidate whose interview it is

    @property
    def is_question(self) -> bool:
        """Whether this reply asks the candidate something."""
        return self.kind in (ReplyKind.QUESTION, ReplyKind.FOLLOW_UP, ReplyKind.HINT)


def keyed(reply: Reply, key: str) -> Reply:
    """The reply under key, for the store to write into the outbox (core.interview.outbox)."""
    return replace(reply, key=key)


def info(text: str, *, interview_id: str | None = None, code: ReplyCode | None = None) -> Reply:
    """A neutral informational reply."""
    return Reply(ReplyKind.INFO, text, interview_id=interview_id, code=code)


def error(
    text: str, *, interview_id: str | None = None, actions: tuple[Command, ...] = (), code: ReplyCode | None = None
) -> Reply:
    """A reply saying what went wrong and what to do next."""
    return Reply(ReplyKind.ERROR, text, interview_id=interview_id, actions=actions, code=code)


def private_note(text: str, code: ReplyCode, *, interview_id: str | None = None, owner_id: str | None = None) -> Reply:
    """A refusal shown only to the person whose event it answers."""
    return Reply(ReplyKind.INFO, text, interview_id=interview_id, code=code, private=True, owner_id=owner_id)


def reply_to_data(reply: Reply) -> dict[str, Any]:
    """A reply as JSON-ready data."""
    return dataclasses.asdict(reply)


def reply_from_data(data: dict[str, Any]) -> Reply:
    """The reply stored by reply_to_data."""
    values = dict(data)
    values["kind"] = ReplyKind(values["kind"])
    values["actions"] = tuple(Command(a) for a in values.get("actions") or ())
    values["code"] = ReplyCode(values["code"]) if values.get("code") else None
    card = values.get("scorecard")
    if card is not None:
        items = tuple(ScoreItem(**item) for item in card.get("items") or ())
        values["scorecard"] = Scorecard(
            **{
                **card,
                "items": items,
                "strengths": tuple(card.get("strengths") or ()),
                "focus_next": tuple(card.get("focus_next") or ()),
                "try_again": tuple(int(seq) for seq in card.get("try_again") or ()),
                "fit": tuple(card.get("fit") or ()),
                "unreached": tuple(card.get("unreached") or ()),
            }
        )
    known = {f.name for f in dataclasses.fields(Reply)}
    return Reply(**{k: v for k, v in values.items() if k in known})
