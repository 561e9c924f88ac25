"""A group session as JSON for storage, and back: every field written, every field read with care (a state written
by a later version, or by hand, never crashes a read)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.domain.groups import GroupAnswer, GroupSession, Phase, Round
from core.domain.models import Grade, Usage, utcnow


def _time(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _grade(value: Any) -> Grade | None:
    try:
        return Grade.from_dict(value) if isinstance(value, dict) else None
    except (KeyError, TypeError, ValueError):
        return None


_USAGE_COUNTS = ("prompt_tokens", "cached_tokens", "completion_tokens", "latency_ms")


def _usage_data(usage: Usage | None) -> dict[str, Any] | None:
    if usage is None:
        return None
    counts = {name: getattr(usage, name) for name in _USAGE_COUNTS}
    return {"purpose": usage.purpose, "model": usage.model, "created_at": usage.created_at.isoformat(), **counts}


def _usage(value: Any) -> Usage | None:
    if not isinstance(value, dict) or not isinstance(value.get("model"), str):
        return None
    count = {name: v if isinstance(v := value.get(name), int) else 0 for name in _USAGE_COUNTS}
    return Usage(
        purpose=str(value.get("purpose", "grader")),
        model=value["model"],
        prompt_tokens=count["prompt_tokens"],
        cached_tokens=count["cached_tokens"],
        completion_tokens=count["completion_tokens"],
        latency_ms=count["latency_ms"],
        created_at=_time(value.get("created_at")) or utcnow(),
    )


def _strings(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def session_state(session: GroupSession) -> dict[str, Any]:
    """The session as JSON-ready data."""
    return {
        "planned": session.planned,
        "minutes": session.minutes,
        "plan": list(session.plan),
        "members": list(session.members),
        "left": list(session.left),
        "settled": session.settled,
        "rounds": [
            {
                "index": r.index,
                "question_id": r.question_id,
                "opened_at": r.opened_at.isoformat(),
                "deadline": r.deadline.isoformat(),
                "expected": list(r.expected),
                "answers": {
                    user: {
                        "text": a.text,
                        "at": a.at.isoformat(),
                        "source": a.source,
                        "grade": a.grade.to_dict() if a.grade else None,
                        "usage": _usage_data(a.usage),
                    }
                    for user, a in r.answers.items()
                },
                "ratings": {rater: dict(given) for rater, given in r.ratings.items()},
                "revealed_at": r.revealed_at.isoformat() if r.revealed_at else None,
                "skipped": r.skipped,
            }
            for r in session.rounds
        ],
    }


def session_from_state(
    state: dict[str, Any], *, id: str, host: str, role: str, phase: str, created_at: datetime
) -> GroupSession:
    """A session from its stored row: the columns given, the rest from state."""
    rounds: list[Round] = []
    for raw in state.get("rounds") or []:
        opened, deadline = _time(raw.get("opened_at")), _time(raw.get("deadline"))
        if opened is None or deadline is None:
            continue
        answers = {
            str(user): GroupAnswer(
                text=str(a.get("text", "")),
                at=_time(a.get("at")) or opened,
                source=str(a.get("source", "typed")),
                grade=_grade(a.get("grade")),
                usage=_usage(a.get("usage")),
            )
            for user, a in (raw.get("answers") or {}).items()
            if isinstance(a, dict)
        }
        ratings = {
            str(rater): {str(u): int(v) for u, v in given.items() if isinstance(v, int)}
            for rater, given in (raw.get("ratings") or {}).items()
            if isinstance(given, dict)
        }
        rounds.append(
            Round(
                index=int(raw.get("index", len(rounds))),
                question_id=str(raw.get("question_id", "")),
                opened_at=opened,
                deadline=deadline,
                expected=_strings(raw.get("expected")),
                answers=answers,
                ratings=ratings,
                revealed_at=_time(raw.get("revealed_at")),
                skipped=bool(raw.get("skipped")),
            )
        )
    return GroupSession(
        id=id,
        host=host,
        role=role,
        planned=int(state.get("planned", len(rounds) or 1)),
        minutes=int(state.get("minutes", 5)),
        plan=_strings(state.get("plan")),
        created_at=created_at,
        phase=Phase(phase),
        members=_strings(state.get("members")),
        left=_strings(state.get("left")),
        rounds=rounds,
        settled=bool(state.get("settled")),
    )
