"""Reply values as Discord messages: plain content for questions, embeds for the scorecard, split at Discord's limits.

Pure: the result is data (content, embed dicts, button commands); bots/discord/delivery.py sends it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from discord.utils import escape_mentions

from bots.discord.group_render import GROUP_CODES, GroupControls, group_controls, group_text
from core.coaching.scorecard import band, format_score
from core.domain.commands import Command
from core.domain.models import InterviewSummary
from core.domain.replies import FIT_HEADING, Reply, ReplyKind, Scorecard, ScoreItem
from core.domain.text import shorten
from core.interview.report import history_table

# Discord's documented limits (https://discord.com/developers/docs/resources/message).
CONTENT_LIMIT = 2000
EMBEDS_PER_MESSAGE = 10
EMBED_TOTAL_LIMIT = 6000  # characters over every embed of one message
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELDS_PER_EMBED = 25
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
# The header embed holds the description, two full fields, a title and a footer: clipping the description here
# keeps the whole embed under the per-message total whatever the summary's length.
HEADER_DESCRIPTION_LIMIT = 3500

# Buttons under a question: the spoken commands, in the order people reach for them.
QUESTION_BUTTONS: tuple[str, ...] = (Command.HINT, Command.SKIP, Command.REPEAT, Command.END)
# Under the request to erase a person's data: "Delete my data" (danger) and "Cancel".
ERASE_BUTTONS = ("erase", "keep")
MORE_RATINGS = "Rate the other answers above:"  # over a big group's further rating selects
_ANSWER_PREVIEW = 280
_QUESTION_PREVIEW = 300
_KIND_LABEL = {"question": "Question", "follow_up": "Follow-up", "hint": "Hint"}
# Embed side colours by band, so a glance tells how it went.
_COLOURS = ((8.5, 0x2ECC71), (7.0, 0x3498DB), (5.0, 0xF1C40F), (0.0, 0xE67E22))
_NO_SCORE_COLOUR = 0x95A5A6


@dataclass(frozen=True)
class OutMessage:
    """One Discord message to send: content, embeds (as API dicts) and the commands to offer as buttons."""

    content: str = ""
    embeds: tuple[dict, ...] = ()
    buttons: tuple[str, ...] = ()
    file: tuple[str, str | bytes] | None = None  # (filename, text or bytes) sent as an attachment
    try_again: tuple[tuple[str, int, str], ...] = ()  # (interview id, seq, label): "Try again" buttons
    group: GroupControls | None = None  # a study group's buttons and rating selects


def defuse(text: str) -> str:
    """text that cannot ping anyone even if allowed mentions were lost: @everyone, @here, <@id> and <@&id> broken."""
    return escape_mentions(text)


def render_reply(reply: Reply) -> list[OutMessage]:
    """One reply as one or more messages; buttons go on the last piece."""
    if reply.kind is ReplyKind.SCORECARD and reply.scorecard is not None:
        return scorecard_messages(reply.scorecard)
    if reply.code in GROUP_CODES:
        return group_messages(reply)
    text = defuse(reply.text)
    if reply.kind is ReplyKind.ERROR:
        text = f"⚠️ {text}"
    buttons = QUESTION_BUTTONS if reply.is_question else tuple(a for a in reply.actions if a)
    pieces = split_text(text, CONTENT_LIMIT)
    return [OutMessage(content=p, buttons=buttons if i == len(pieces) - 1 else ()) for i, p in enumerate(pieces)]


def group_messages(reply: Reply) -> list[OutMessage]:
    """A study group's message: its controls under the last piece, and a big group's further rating selects in
    messages of their own."""
    out = [OutMessage(content=piece) for piece in split_text(group_text(reply), CONTENT_LIMIT)]
    controls = group_controls(reply)
    if out and controls:
        out[-1] = dataclasses.replace(out[-1], group=controls[0])
    return out + [OutMessage(content=MORE_RATINGS, group=more) for more in controls[1:]]


def with_chart(messages: list[OutMessage], png: bytes, *, name: str) -> list[OutMessage]:
    """A scorecard's messages with its chart as the first embed's image (sent with that message, in one request)."""
    first, *rest = messages
    if not first.embeds:
        return messages
    header = {**first.embeds[0], "image": {"url": f"attachment://{name}"}}
    return [dataclasses.replace(first, embeds=(header, *first.embeds[1:]), file=(name, png)), *rest]


def render_replies(replies: Iterable[Reply]) -> list[OutMessage]:
    """Every reply in order, as messages."""
    return [message for reply in replies for message in render_reply(reply)]


def erase_confirmation(text: str) -> OutMessage:
    """The question whether to erase a person's data, with the buttons that answer it."""
    return OutMessage(content=text, buttons=ERASE_BUTTONS)


def history_message(rows: Sequence[InterviewSummary], titles: dict[str, str]) -> OutMessage:
    """Past interviews as an aligned table in a code block (Discord has no tables)."""
    if not rows:
        return OutMessage("No interviews yet. Type `start <role>` to begin one.")
    table = history_table(rows, titles)
    note = "\n`report <id>` sends one whole."
    lines = table.splitlines()
    while len(lines) > 1 and len("\n".join(lines)) + len(note) + 8 > CONTENT_LIMIT:
        lines.pop()  # oldest last: keep the newest that fit
    return OutMessage("```\n" + "\n".join(lines) + "\n```" + note)


def report_message(markdown: str, *, interview_id: str) -> OutMessage:
    """A whole interview as a Markdown file: reports run to many messages' worth of text."""
    return OutMessage(
        content=f"Interview `{interview_id[:8]}` as Markdown:",
        file=(f"interview-{interview_id[:8]}.md", markdown),
    )


def split_text(text: str, limit: int) -> list[str]:
    """text in pieces of at most limit characters, cut at a paragraph, a line, then a word when it can be."""
    text = text.strip()
    if not text:
        return []
    pieces: list[str] = []
    while len(text) > limit:
        window = text[:limit]
        for separator in ("\n\n", "\n", " "):
            cut = window.rfind(separator)
            if cut >= limit // 2:  # a break early in the window would waste most of a message
                break
        else:
            cut = limit
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    pieces.append(text)
    return [p for p in pieces if p]


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _colour(score: float | None) -> int:
    if score is None:
        return _NO_SCORE_COLOUR
    return next(colour for floor, colour in _COLOURS if score >= floor)


def _bullets(items: Sequence[str]) -> str:
    return "\n".join(f"• {defuse(i.strip())}" for i in items if i.strip())


def header_embed(card: Scorecard) -> dict:
    """The first embed: the overall score, the summary and what to practise next."""
    overall = f"**Overall {format_score(card.overall_score)}** · {band(card.overall_score)} · {card.answered_line}"
    graded = f"\n*{defuse(card.graded_by)}*" if card.graded_by else ""
    description = overall + graded + (f"\n\n{defuse(card.summary)}" if card.summary else "")
    fields = []
    if card.delivery:
        fields.append({"name": "Spoken delivery", "value": _clip(defuse(card.delivery), FIELD_VALUE_LIMIT)})
    if card.strengths:
        fields.append({"name": "Strengths", "value": _clip(_bullets(card.strengths), FIELD_VALUE_LIMIT)})
    if card.focus_next:
        fields.append({"name": "Practise next", "value": _clip(_bullets(card.focus_next), FIELD_VALUE_LIMIT)})
    if card.fit_lines:
        fields.append({"name": FIT_HEADING, "value": _clip(_bullets(card.fit_lines), FIELD_VALUE_LIMIT)})
    return {
        "title": _clip(f"Scorecard · {card.role_title}", TITLE_LIMIT),
        "description": _clip(description, HEADER_DESCRIPTION_LIMIT),
        "color": _colour(card.overall_score),
        "fields": fields,
        "footer": {"text": f"Interview {card.interview_id[:8]} · full id {card.interview_id}"},
    }


def item_field(item: ScoreItem, *, mixed: bool = False) -> dict:
    """One question–response pair as an embed field: the question, the answer's start, the feedback; its grader
    when the interview's answers were graded by more than one."""
    label = _KIND_LABEL.get(item.kind, item.kind.replace("_", " ").capitalize())
    by = f" · {item.grader}" if mixed and item.grader else ""
    name = f"{item.seq}. {label} · {format_score(item.score)}{by}"
    lines = [f"**Q:** {defuse(shorten(item.question, _QUESTION_PREVIEW))}"]
    if item.answer:
        lines.append(f"**A:** {defuse(shorten(item.answer, _ANSWER_PREVIEW))}")
    if item.feedback:
        lines.append(defuse(item.feedback.strip()))
    if item.strength:
        lines.append(f"➕ {defuse(item.strength.strip())}")
    if item.improvement:
        lines.append(f"➡️ {defuse(item.improvement.strip())}")
    if item.delivery:
        lines.append(f"🎙️ {defuse(item.delivery)}")
    return {"name": _clip(name, FIELD_NAME_LIMIT), "value": _clip("\n".join(lines), FIELD_VALUE_LIMIT), "inline": False}


def embed_size(embed: dict) -> int:
    """Characters that count towards Discord's 6000 per message: title, description, fields, footer, author."""
    size = len(embed.get("title", "")) + len(embed.get("description", ""))
    size += sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", ()))
    size += len(embed.get("footer", {}).get("text", "")) + len(embed.get("author", {}).get("name", ""))
    return size


def _item_embeds(card: Scorecard) -> Iterator[dict]:
    """The pairs, packed into as few embeds as the field count and the per-message total allow."""
    colour = _colour(card.overall_score)
    fields: list[dict] = []
    used = 0
    budget = EMBED_TOTAL_LIMIT - TITLE_LIMIT  # each item embed must fit a message on its own, with room to spare
    for field in (item_field(i, mixed=card.mixed_graders) for i in card.items):
        size = len(field["name"]) + len(field["value"])
        if fields and (len(fields) == FIELDS_PER_EMBED or used + size > budget):
            yield {"color": colour, "fields": fields}
            fields, used = [], 0
        fields.append(field)
        used += size
    if fields:
        yield {"color": colour, "fields": fields}


def scorecard_messages(card: Scorecard) -> list[OutMessage]:
    """The scorecard as embeds, as many messages as Discord's per-message limits need."""
    messages: list[list[dict]] = [[]]
    used = 0
    for embed in [header_embed(card), *_item_embeds(card)]:
        size = embed_size(embed)
        if messages[-1] and (len(messages[-1]) == EMBEDS_PER_MESSAGE or used + size > EMBED_TOTAL_LIMIT):
            messages.append([])
            used = 0
        messages[-1].append(embed)
        used += size
    out = [OutMessage(embeds=tuple(group)) for group in messages]
    again = tuple((card.interview_id, seq, label) for seq, label in card.try_again_buttons)
    out[-1] = dataclasses.replace(out[-1], try_again=again)  # under the last part, where the reading ends
    return out
