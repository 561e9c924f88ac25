"""Reply values as terminal text: plain Markdown-lite, wrapped to the terminal, bold only on a real terminal."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence

from core.coaching.scorecard import band, format_score
from core.domain.models import InterviewSummary
from core.domain.replies import FIT_HEADING, Reply, ReplyKind, Scorecard
from core.domain.text import join_phrases, without_bidi_controls
from core.interview.report import history_table

BOLD, DIM, RESET = "\033[1m", "\033[2m", "\033[0m"
_BOLD_MD = re.compile(r"\*\*(.+?)\*\*")


class TerminalStyle:
    """How to decorate text: ANSI on a terminal, plain when piped."""

    def __init__(self, *, color: bool, width: int = 100) -> None:
        self.color = color
        self.width = max(40, min(width, 110))

    def bold(self, text: str) -> str:
        """text in bold when colour is on."""
        return f"{BOLD}{text}{RESET}" if self.color else text

    def dim(self, text: str) -> str:
        """text dimmed when colour is on."""
        return f"{DIM}{text}{RESET}" if self.color else text

    def markdown(self, text: str) -> str:
        """Markdown bold turned into terminal bold (or dropped), each paragraph wrapped."""
        text = _BOLD_MD.sub(lambda m: self.bold(m.group(1)), text)
        return "\n".join(self.wrap(line) if line.strip() else "" for line in text.splitlines())

    def wrap(self, text: str, indent: str = "") -> str:
        """text wrapped to the width with a hanging indent."""
        return textwrap.fill(text, width=self.width, initial_indent=indent, subsequent_indent=indent) or indent


def render_reply(reply: Reply, style: TerminalStyle) -> str:
    """One reply as terminal text, with no bidi control left to reorder it (answers stored before they were cleaned,
    feedback quoting them)."""
    return without_bidi_controls(_rendered(reply, style))


def _rendered(reply: Reply, style: TerminalStyle) -> str:
    if reply.kind is ReplyKind.SCORECARD and reply.scorecard is not None:
        return render_scorecard(reply.scorecard, style)
    text = style.markdown(reply.text)
    if reply.kind is ReplyKind.ERROR:
        return f"! {text}"
    if reply.is_question:
        return f"\n{text}"
    return style.dim(text) if reply.kind is ReplyKind.INFO else text


def render_scorecard(card: Scorecard, style: TerminalStyle) -> str:
    """The scorecard: overall first, then every pair with its score and feedback."""
    rule = "═" * min(style.width, 72)
    out = [
        "",
        rule,
        style.bold(f"Scorecard · {card.role_title}"),
        f"Overall {style.bold(format_score(card.overall_score))} · {band(card.overall_score)} · {card.answered_line}",
        *([style.dim(card.graded_by)] if card.graded_by else []),
        rule,
    ]
    if card.summary:
        out += [style.wrap(card.summary), ""]
    for item in card.items:
        label = item.kind.replace("_", "-")
        by = f"  {item.grader}" if card.mixed_graders and item.grader else ""
        out.append(style.bold(f"{item.seq:>2}. {label:<9} {format_score(item.score):>6}") + style.dim(by))
        out.append(style.wrap("Q: " + " ".join(item.question.split()), "    "))
        if item.answer:
            answer = " ".join(item.answer.split())
            out.append(style.dim(style.wrap("A: " + (answer if len(answer) <= 300 else answer[:299] + "…"), "    ")))
        if item.feedback:
            out.append(style.wrap(item.feedback, "    "))
        if item.strength:
            out.append(style.wrap("+ " + item.strength, "    "))
        if item.improvement:
            out.append(style.wrap("→ " + item.improvement, "    "))
        if item.delivery:
            out.append(style.dim(style.wrap("🎙 " + item.delivery, "    ")))
        out.append("")
    if card.delivery:
        out.append(style.wrap("Spoken delivery: " + card.delivery))
    if card.strengths:
        out.append(style.wrap("Strengths: " + join_phrases(card.strengths)))
    if card.focus_next:
        out.append(style.wrap("Practise next: " + join_phrases(card.focus_next)))
    if card.fit_lines:
        out += ["", style.bold(FIT_HEADING), *(style.wrap("• " + line, "  ") for line in card.fit_lines)]
    out += [rule, f"Saved as {card.interview_id}: `mock-interview report {card.interview_id[:8]}` shows it again."]
    return "\n".join(out)


def render_history(rows: Sequence[InterviewSummary], titles: dict[str, str]) -> str:
    """History as an aligned table, newest first."""
    if not rows:
        return "No interviews yet. Start one with `mock-interview practice`."
    return history_table(rows, titles)
