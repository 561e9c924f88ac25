"""Reply values -> Slack messages (mrkdwn text and Block Kit), split at Slack's limits. Pure: no I/O."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bots.slack.again import try_again_block
from bots.slack.inbound import ACTION_PREFIX, ERASE_PREFIX, button_value, erase_value
from core.coaching.scorecard import band, format_score
from core.domain.commands import Command
from core.domain.models import InterviewSummary
from core.domain.replies import FIT_HEADING, Reply, ReplyKind, Scorecard, ScoreItem
from core.domain.text import join_phrases, shorten

SECTION_LIMIT = 3000  # characters in a section block's text
HEADER_LIMIT = 150  # characters in a header block
MAX_BLOCKS = 50  # blocks in one message
MESSAGE_BLOCKS = 40  # blocks per message we send, leaving room under MAX_BLOCKS (a "part n of m" line, a note)
MESSAGE_CHARS = 12_000  # characters of blocks per message: longer ones are cut off or refused as msg_too_long
FALLBACK_LIMIT = 300  # the notification text shown beside blocks
BUTTON_LABELS: dict[str, str] = {
    Command.HINT: "Hint",
    Command.SKIP: "Skip",
    Command.END: "End interview",
    Command.RETRY: "Retry",
}

_BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)
_HEADING = re.compile(r"^#{1,6}\s+(.+)$", re.MULTILINE)
_BROADCAST = re.compile(r"@(here|channel|everyone)\b", re.IGNORECASE)


@dataclass(frozen=True)
class SlackMessage:
    """One chat.postMessage worth: fallback text plus Block Kit blocks."""

    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)


# --- text ------------------------------------------------------------------------------------------------


def defuse(text: str) -> str:
    """text safe to post: Slack's control characters escaped, so no mention or broadcast can fire."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # A word joiner keeps "@here" readable while no client can take it for a broadcast.
    return _BROADCAST.sub(lambda m: "@\u2060" + m.group(1), escaped)


def mrkdwn(markdown: str) -> str:
    """The core's Markdown as Slack mrkdwn: **bold** -> *bold*, headings bold, everything else defused."""
    text = defuse(markdown)
    text = _HEADING.sub(lambda m: f"**{m.group(1)}**", text)
    return _BOLD.sub(lambda m: f"*{m.group(1)}*", text)


def mention(user_id: str) -> str:
    """A user mention (only ever of the interview's own candidate)."""
    return f"<@{user_id}>"


def split_text(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """text in pieces of at most limit characters, cut at paragraph, then line, then word boundaries."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"), window.rfind(" "))
        if cut < limit // 2:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def cap(text: str, limit: int = SECTION_LIMIT) -> str:
    """text cut to limit characters, line breaks kept (an escape such as `&amp;` is never cut in half)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + "…"


def _fallback(text: str) -> str:
    return shorten(text.replace("*", ""), FALLBACK_LIMIT) or "Mock interview"


# --- blocks ----------------------------------------------------------------------------------------------


def section(text: str) -> dict[str, Any]:
    """A mrkdwn section block (text must be within SECTION_LIMIT)."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def context(text: str) -> dict[str, Any]:
    """A small grey context line."""
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": shorten(text, 2000)}]}


def buttons(actions: Sequence[str], *, interview_id: str | None, seq: int | None) -> dict[str, Any]:
    """An actions block with one button per command."""
    elements = []
    for name in actions:
        button: dict[str, Any] = {
            "type": "button",
            "action_id": ACTION_PREFIX + name,
            "text": {"type": "plain_text", "text": BUTTON_LABELS.get(name, name.title())},
            "value": button_value(interview_id, seq),
        }
        if name == Command.END:
            button["style"] = "danger"
        elif name == Command.RETRY:
            button["style"] = "primary"
        elements.append(button)
    return {"type": "actions", "block_id": f"mi-actions-{seq or 0}", "elements": elements}


def text_blocks(text: str) -> list[dict[str, Any]]:
    """mrkdwn text as as many section blocks as its length needs (Slack refuses an empty section)."""
    return [section(piece) for piece in split_text(text) if piece.strip()] or [section("…")]


# --- replies ---------------------------------------------------------------------------------------------


def reply_messages(reply: Reply) -> list[SlackMessage]:
    """One core reply as one or more Slack messages."""
    if reply.kind is ReplyKind.SCORECARD and reply.scorecard is not None:
        return scorecard_messages(reply.scorecard)
    text = mrkdwn(reply.text)
    if reply.kind is ReplyKind.ERROR:
        text = ":warning: " + text
    blocks = text_blocks(text)
    if reply.actions and reply.interview_id:
        blocks.append(buttons(reply.actions, interview_id=reply.interview_id, seq=reply.seq))
    # Very long text (a 10,000-character answer echoed back) needs more than one message.
    return [SlackMessage(_fallback(text), chunk) for chunk in pack_blocks(blocks)]


def clicked_blocks(blocks: list[dict[str, Any]], *, user_id: str, command: str) -> list[dict[str, Any]]:
    """A message's blocks after a button press: the buttons replaced by a note of what was chosen."""
    label = BUTTON_LABELS.get(command, command)
    kept = [b for b in blocks if b.get("type") != "actions"]
    return [*kept, context(f"{mention(user_id)} chose *{label}*")]


# --- the scorecard ---------------------------------------------------------------------------------------


def scorecard_messages(card: Scorecard) -> list[SlackMessage]:
    """The scorecard: the overall score first, then every answer with its score and feedback, in Slack-sized parts."""
    title = f"Scorecard · {card.role_title}"
    overall = format_score(card.overall_score)
    head = [
        {"type": "header", "text": {"type": "plain_text", "text": shorten(title, HEADER_LIMIT)}},
        section(f"*Overall {overall}* · {band(card.overall_score)} · {card.answered_line}"),
    ]
    if card.graded_by:
        head.append(context(mrkdwn(card.graded_by)))
    if card.summary:
        head += text_blocks(mrkdwn(card.summary))
    head.append({"type": "divider"})
    body = [section(_item_text(item, mixed=card.mixed_graders)) for item in card.items]
    tail: list[dict[str, Any]] = []
    if card.delivery:
        tail.append(section(shorten("*Spoken delivery:* " + mrkdwn(card.delivery), SECTION_LIMIT)))
    if card.strengths:
        tail.append(section(shorten("*Strengths:* " + mrkdwn(join_phrases(card.strengths)), SECTION_LIMIT)))
    if card.focus_next:
        tail.append(section(shorten("*Practise next:* " + mrkdwn(join_phrases(card.focus_next)), SECTION_LIMIT)))
    if card.fit_lines:
        fit = "\n".join(f"• {mrkdwn(line)}" for line in card.fit_lines)
        tail.append(section(shorten(f"*{FIT_HEADING}:*\n{fit}", SECTION_LIMIT)))
    short_id = card.interview_id[:8]
    tail.append(context(f"Saved as `{short_id}`. `/mock-interview report {short_id}` shows it again."))
    if (again := try_again_block(card)) is not None:
        tail.append(again)
    parts = pack_blocks([*head, *body, *tail])
    fallback = f"{title}: overall {overall}"
    if len(parts) == 1:
        return [SlackMessage(fallback, parts[0])]
    return [
        SlackMessage(
            f"{fallback} (part {n} of {len(parts)})",
            blocks if n == 1 else [context(f"{title} · part {n} of {len(parts)}"), *blocks],
        )
        for n, blocks in enumerate(parts, 1)
    ]


def _item_text(item: ScoreItem, *, mixed: bool) -> str:
    label = {"question": "Question", "follow_up": "Follow-up", "hint": "Hint"}.get(item.kind, item.kind)
    by = f" · _{mrkdwn(item.grader)}_" if mixed and item.grader else ""
    lines = [f"*{item.seq}. {label}* · *{format_score(item.score)}*{by}", "> " + mrkdwn(shorten(item.question, 600))]
    if item.answer:
        lines.append("_Your answer:_ " + mrkdwn(shorten(item.answer, 500)))
    if item.feedback:
        lines.append(mrkdwn(shorten(item.feedback, 800)))
    if item.strength:
        lines.append(":white_check_mark: " + mrkdwn(shorten(item.strength, 400)))
    if item.improvement:
        lines.append(":arrow_right: " + mrkdwn(shorten(item.improvement, 400)))
    if item.delivery:
        lines.append(":studio_microphone: " + mrkdwn(shorten(item.delivery, 300)))
    return cap("\n".join(lines))


def _block_chars(block: dict[str, Any]) -> int:
    return len(str(block))


def pack_blocks(blocks: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Blocks grouped into messages of at most MESSAGE_BLOCKS blocks and MESSAGE_CHARS characters."""
    parts: list[list[dict[str, Any]]] = [[]]
    chars = 0
    for block in blocks:
        size = _block_chars(block)
        if parts[-1] and (len(parts[-1]) >= MESSAGE_BLOCKS or chars + size > MESSAGE_CHARS):
            parts.append([])
            chars = 0
        parts[-1].append(block)
        chars += size
    return parts


# --- fixed texts ------------------------------------------------------------------------------------------


def parent_text(*, user_id: str, role_title: str, status: str) -> str:
    """The channel message an interview thread hangs from."""
    return f":briefcase: {mention(user_id)} · *{defuse(role_title)}* mock interview · {status}"


def history_text(rows: Sequence[InterviewSummary], titles: dict[str, str]) -> str:
    """A user's interviews, newest first, as mrkdwn lines."""
    if not rows:
        return "No interviews yet. Start one with `/mock-interview ROLE`."
    lines = ["*Your interviews* (newest first)"]
    for r in rows:
        answers = f"{r.answered} answer{'' if r.answered == 1 else 's'}"
        lines.append(
            f"• `{r.id[:8]}` {r.created_at:%Y-%m-%d %H:%M} · {defuse(titles.get(r.role, r.role))} · "
            f"{r.status.value} · {answers} · {format_score(r.overall_score)}"
        )
    lines.append("`/mock-interview report ID` shows one whole.")
    return cap("\n".join(lines))


def roles_text(packs: Sequence[tuple[str, str, Sequence[str]]]) -> str:
    """The roles as mrkdwn lines: id, title and aliases."""
    lines = ["*Roles* (use the id, an alias or the title)"]
    for role_id, title, aliases in packs:
        extra = f" (also {', '.join(f'`{a}`' for a in aliases)})" if aliases else ""
        lines.append(f"• `{role_id}` {defuse(title)}{extra}")
    return "\n".join(lines)


def erase_prompt(*, interviews: int, answers: int, team_id: str, owner_id: str, prompt_id: str) -> SlackMessage:
    """The private confirmation of delete-my-data: what will be erased, then "Delete my data" and "Cancel"."""
    counted = (
        f" ({interviews} interview{'' if interviews == 1 else 's'} with {answers} answer{'' if answers == 1 else 's'})"
        if interviews
        else ""
    )
    text = (
        f"This erases every interview, answer and model usage record of yours in this workspace{counted}, "
        "open interviews included. It cannot be undone."
    )
    value = erase_value(team_id=team_id, owner_id=owner_id, prompt_id=prompt_id)
    choices = [
        {
            "type": "button",
            "action_id": ERASE_PREFIX + "confirm",
            "text": {"type": "plain_text", "text": "Delete my data"},
            "value": value,
            "style": "danger",
        },
        {
            "type": "button",
            "action_id": ERASE_PREFIX + "cancel",
            "text": {"type": "plain_text", "text": "Cancel"},
            "value": value,
        },
    ]
    return SlackMessage(text, [section(text), {"type": "actions", "block_id": "mi-erase", "elements": choices}])
