"""Domain values of an interview: where it lives, its turns, grades and model usage."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class ConversationRef:
    """Where an interview lives; the core stores and compares it, never interprets it."""

    platform: str  # "slack" | "discord" | "terminal"
    workspace_id: str  # Slack team / Discord guild ("" for DMs and the terminal)
    channel_id: str
    thread_id: str | None  # Slack thread_ts, Discord thread id; None for a DM conversation
    user_id: str


class InterviewStatus(StrEnum):
    """Lifecycle of an interview; ACTIVE and PAUSED interviews are open."""

    ACTIVE = "active"
    PAUSED = "paused"
    COMPLETED = "completed"
    ABANDONED = "abandoned"

    @property
    def is_open(self) -> bool:
        """Whether the interview can still take answers (possibly after `resume`)."""
        return self in (InterviewStatus.ACTIVE, InterviewStatus.PAUSED)


class TurnKind(StrEnum):
    """What the interviewer's side of a question–response pair was."""

    QUESTION = "question"
    FOLLOW_UP = "follow_up"
    HINT = "hint"


class AnswerSource(StrEnum):
    """How the candidate gave an answer."""

    TEXT = "text"
    VOICE = "voice"


@dataclass(frozen=True)
class Grade:
    """A structured grade of one answer."""

    score: int  # 1-10, already clamped
    feedback: str
    strength: str = ""
    improvement: str = ""
    evidence: tuple[str, ...] = ()  # short quotes taken from the answer
    covered: tuple[str, ...] = ()  # key points the answer covered (offline grader)
    missed: tuple[str, ...] = ()  # key points the answer left out (offline grader)
    flags: tuple[str, ...] = ()  # e.g. "injection": text aimed at the grader was ignored
    grader: str = "model"  # "model" | "offline"
    model: str | None = None  # the model that graded (when grader is "model"); None in grades stored before it was kept

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "score": self.score,
            "feedback": self.feedback,
            "strength": self.strength,
            "improvement": self.improvement,
            "evidence": list(self.evidence),
            "covered": list(self.covered),
            "missed": list(self.missed),
            "flags": list(self.flags),
            "grader": self.grader,
            "model": self.model,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Grade:
        """The inverse of to_dict."""
        return cls(
            score=int(data["score"]),
            feedback=str(data.get("feedback", "")),
            strength=str(data.get("strength", "")),
            improvement=str(data.get("improvement", "")),
            evidence=tuple(data.get("evidence", ())),
            covered=tuple(data.get("covered", ())),
            missed=tuple(data.get("missed", ())),
            flags=tuple(data.get("flags", ())),
            grader=str(data.get("grader", "model")),
            model=str(data["model"]) if data.get("model") else None,
        )


@dataclass
class Turn:
    """One question–response pair: what the interviewer said and what the candidate answered."""

    seq: int  # 1-based, unique within the interview
    kind: TurnKind
    question: str  # Markdown shown to the candidate
    question_index: int | None = None  # index of the main question in the plan this turn belongs to
    asked_at: datetime = field(default_factory=utcnow)
    answer: str | None = None
    source: AnswerSource | None = None
    answered_at: datetime | None = None
    answer_event_id: str | None = None
    audio_seconds: float | None = None
    skipped: bool = False
    hint_requested: bool = False  # the candidate asked for a hint instead of answering this turn
    grade: Grade | None = None

    @property
    def is_open(self) -> bool:
        """Whether this turn still waits for the candidate."""
        return self.answer is None and not self.skipped and not self.hint_requested

    @property
    def score(self) -> int | None:
        """The grade's score, or None while ungraded."""
        return self.grade.score if self.grade else None

    @property
    def answer_score(self) -> int | None:
        """The score of the candidate's answer: None while ungraded, or when nothing was answered (skipped)."""
        return self.grade.score if self.grade and self.answer is not None else None


RETRY_OF = "retry_of"  # the state key of a second try's link to the answer it tries again
DAILY = "daily"  # the state key marking a daily question (core/interview/daily.py)
TAILORED = "tailor"  # the state key of a tailored interview's requirements, claims and own questions
GROUP = "group"  # the state key of a member's part of a study group's session: the session's id


@dataclass
class Interview:
    """One mock interview with all of its turns."""

    id: str  # UUID4 as a string
    conv: ConversationRef
    role: str  # role pack id, e.g. "data-science"
    status: InterviewStatus
    planned_questions: int  # number of main questions
    level: str | None = None
    language: str | None = None
    created_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)
    ended_at: datetime | None = None
    overall_score: float | None = None
    summary: str | None = None
    # Small JSON-ready working state: the question plan, the compact running record, what is pending.
    state: dict[str, Any] = field(default_factory=dict)
    turns: list[Turn] = field(default_factory=list)

    @property
    def retry_of(self) -> dict[str, Any] | None:
        """For a second try at one question (core/interview/retry.py): the interview and answer it tries again, the
        score and key points of that answer; None for any other interview."""
        link = self.state.get(RETRY_OF)
        return link if isinstance(link, dict) and link else None

    @property
    def is_daily(self) -> bool:
        """Whether this is a daily question: one question, sent by the bot, no follow-ups."""
        return bool(self.state.get(DAILY))

    @property
    def tailoring(self) -> dict[str, Any]:
        """For an interview tailored to a posting or résumé (core/interview/tailoring.py): its requirements, claims,
        questions of its own and what each question probes; {} for any other interview."""
        kept = self.state.get(TAILORED)
        return kept if isinstance(kept, dict) else {}

    @property
    def current_turn(self) -> Turn | None:
        """The last turn, if it still waits for an answer."""
        if self.turns and self.turns[-1].is_open:
            return self.turns[-1]
        return None

    @property
    def last_turn(self) -> Turn | None:
        """The most recent turn, open or not."""
        return self.turns[-1] if self.turns else None

    @property
    def next_seq(self) -> int:
        """The seq a new turn gets."""
        return (self.turns[-1].seq + 1) if self.turns else 1


@dataclass(frozen=True)
class Usage:
    """Token usage and latency of one model call."""

    purpose: str  # "interviewer" | "grader" | "summary" | "transcribe"
    model: str
    prompt_tokens: int = 0
    cached_tokens: int = 0
    completion_tokens: int = 0
    latency_ms: int = 0
    created_at: datetime = field(default_factory=utcnow)
    server_ms: int | None = None  # the provider's own processing time, when it reports it (not stored)


@dataclass(frozen=True)
class DeletedData:
    """What erasing a person's data removed."""

    interviews: int = 0
    answers: int = 0
    usage_records: int = 0


@dataclass(frozen=True)
class UsageTotals:
    """Summed usage of an interview's model calls."""

    prompt_tokens: int = 0
    cached_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0


@dataclass(frozen=True)
class InterviewSummary:
    """One line of history."""

    id: str
    role: str
    status: InterviewStatus
    created_at: datetime
    overall_score: float | None
    user_id: str
    platform: str
    answered: int
    planned_questions: int
