"""An interview as a stable JSON document and as Markdown; the scorecard as Markdown."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from core.coaching.graded_by import graded_by, grader_of
from core.coaching.scorecard import band, format_score, item_status
from core.domain.models import Interview, InterviewSummary, UsageTotals
from core.domain.replies import FIT_HEADING, Scorecard
from core.domain.text import join_phrases
from core.interview.retry import Tries, best_overall
from core.tailoring.fit import fit_of
from core.voice.delivery import Delivery, describe, interview_delivery, turn_delivery

REPORT_VERSION = 1


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _tailored(interview: Interview) -> dict[str, Any] | None:
    """What a tailored interview kept and its fit (None for any other): no document, only what it asked about."""
    kept = interview.tailoring
    if not kept:
        return None
    fit = fit_of(interview)
    return {
        "from": kept.get("from", []),
        "requirements": kept.get("requirements", []),
        "claims": kept.get("claims", []),
        "covered": list(fit.covered),
        "unreached": list(fit.unreached),
    }


def report_json(
    interview: Interview, *, role_title: str, usage: UsageTotals, tries: Tries | None = None
) -> dict[str, Any]:
    """The documented, stable JSON form of an interview (docs/configuration.md, "Report JSON"); tries: the later
    attempts at its answers (turn seq -> attempts, core/interview/retry.py)."""
    summary_state = interview.state.get("summary", {})
    tries = tries or {}
    return {
        "version": REPORT_VERSION,
        "id": interview.id,
        "role": interview.role,
        "role_title": role_title,
        "status": interview.status.value,
        "level": interview.level,
        "language": interview.language,
        "planned_questions": interview.planned_questions,
        "created_at": _iso(interview.created_at),
        "ended_at": _iso(interview.ended_at),
        "overall_score": interview.overall_score,
        "best_overall_score": best_overall(interview, tries) if tries else interview.overall_score,
        "retry_of": interview.retry_of,
        "tailored": _tailored(interview),
        "graded_by": graded_by(interview.turns)[0] or None,
        "summary": interview.summary,
        "strengths": summary_state.get("strengths", []),
        "focus_next": summary_state.get("focus_next", []),
        "platform": interview.conv.platform,
        "user_id": interview.conv.user_id,
        "turns": [
            {
                "seq": t.seq,
                "kind": t.kind.value,
                "question": t.question,
                "answer": t.answer,
                "source": t.source.value if t.source else None,
                "status": item_status(t),
                "score": t.answer_score,
                "feedback": t.grade.feedback if t.grade else None,
                "strength": t.grade.strength if t.grade else None,
                "improvement": t.grade.improvement if t.grade else None,
                "evidence": list(t.grade.evidence) if t.grade else [],
                "grader": grader_of(t.grade) if t.grade and t.answer is not None else None,
                "asked_at": _iso(t.asked_at),
                "answered_at": _iso(t.answered_at),
                "audio_seconds": t.audio_seconds,
                "delivery": _delivery_dict(turn_delivery(t)),
                "attempts": tries.get(t.seq, []),
            }
            for t in interview.turns
        ],
        "delivery": _delivery_dict(interview_delivery(interview.turns)),
        "usage": {
            "prompt_tokens": usage.prompt_tokens,
            "cached_tokens": usage.cached_tokens,
            "completion_tokens": usage.completion_tokens,
            "calls": usage.calls,
        },
    }


def _delivery_dict(delivery: Delivery | None) -> dict[str, object] | None:
    return delivery.to_dict() if delivery else None


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines())


def report_markdown(interview: Interview, *, role_title: str, usage: UsageTotals, tries: Tries | None = None) -> str:
    """The whole interview as Markdown: header, every question and answer with its grade (and later tries), usage."""
    data = report_json(interview, role_title=role_title, usage=usage, tries=tries)
    lines = [
        f"# {role_title} mock interview",
        "",
        f"- Id: `{data['id']}`",
        f"- Date: {interview.created_at:%Y-%m-%d %H:%M} UTC",
        f"- Status: {data['status']}",
        f"- Overall: {format_score(data['overall_score'])} ({band(data['overall_score'])})",
    ]
    if data["best_overall_score"] != data["overall_score"]:
        lines.append(f"- Best, with the questions tried again: {format_score(data['best_overall_score'])}")
    if data["graded_by"]:
        lines.append(f"- {data['graded_by']}")
    if interview.summary:
        lines += ["", interview.summary]
    spoken = interview_delivery(interview.turns)
    if spoken:
        lines += ["", f"**Spoken delivery:** {describe(spoken)}"]
    for t, turn in zip(data["turns"], interview.turns, strict=True):
        lines += ["", f"## {t['seq']}. {t['kind'].replace('_', '-')}", "", t["question"], ""]
        if t["answer"] is not None:
            lines += [_quote(t["answer"]), ""]
            source = f" · {t['source']}" if t["source"] else ""
            grader = f" · graded by the {t['grader']}" if t["grader"] else ""
            lines.append(f"**Score:** {format_score(t['score'])}{source}{grader}")
            spoken_turn = turn_delivery(turn)
            if spoken_turn:
                lines.append(f"**Delivery:** {describe(spoken_turn)}")
        else:
            lines.append(f"_{t['status'].replace('_', ' ')}_")
        if t["feedback"]:
            lines += ["", t["feedback"]]
        for attempt in t["attempts"]:
            when = (attempt["answered_at"] or "")[:10]
            lines += ["", f"**Tried again** {when}: {format_score(attempt['score'])}", "", _quote(attempt["answer"])]
    u = data["usage"]
    lines += [
        "",
        f"_Model usage: {u['prompt_tokens']} prompt tokens ({u['cached_tokens']} cached), "
        f"{u['completion_tokens']} completion tokens over {u['calls']} calls._",
    ]
    return "\n".join(lines) + "\n"


def scorecard_markdown(card: Scorecard) -> str:
    """The scorecard as Markdown, for platforms without a richer layout."""
    overall = f"**{format_score(card.overall_score)}** ({band(card.overall_score)})"
    lines = [
        f"**Scorecard: {card.role_title}**: overall {overall}, {card.answered_line}.",
    ]
    if card.graded_by:
        lines.append(f"_{card.graded_by}_")
    if card.summary:
        lines += ["", card.summary]
    for item in card.items:
        by = f" · {item.grader}" if card.mixed_graders and item.grader else ""
        lines += ["", f"**{item.seq}. {item.kind.replace('_', '-')}** · {format_score(item.score)}{by}", item.question]
        if item.answer:
            lines.append(_quote(item.answer if len(item.answer) < 400 else item.answer[:399] + "…"))
        if item.feedback:
            lines.append(item.feedback)
        if item.delivery:
            lines.append(f"_Delivery: {item.delivery}_")
    if card.delivery:
        lines += ["", f"**Spoken delivery:** {card.delivery}"]
    if card.strengths:
        lines += ["", "**Strengths:** " + join_phrases(card.strengths)]
    if card.focus_next:
        lines += ["", "**Practise next:** " + join_phrases(card.focus_next)]
    if card.fit_lines:
        lines += ["", f"**{FIT_HEADING}:**", *(f"- {line}" for line in card.fit_lines)]
    lines += ["", f"Interview id: `{card.interview_id}`"]
    return "\n".join(lines)


def history_table(rows: Sequence[InterviewSummary], titles: dict[str, str]) -> str:
    """Past interviews as an aligned plain-text table, newest first (a header line, then one line each)."""
    lines = [f"{'ID':<8}  {'DATE':<16}  {'ROLE':<24}  {'STATUS':<10}  {'ANSWERED':>8}  SCORE"]
    for r in rows:
        lines.append(
            f"{r.id[:8]:<8}  {r.created_at:%Y-%m-%d %H:%M}  {titles.get(r.role, r.role)[:24]:<24}  "
            f"{r.status.value:<10}  {r.answered:>8}  {format_score(r.overall_score)}"
        )
    return "\n".join(lines)
