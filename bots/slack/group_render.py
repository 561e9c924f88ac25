"""A study group's replies -> Slack messages: the text with its members' mentions kept (everything else defused),
and the controls its code calls for: Join, Leave, Start, End under the lobby; Answer, Skip, End under a question;
a 1–5 rating per member, Next and End under a reveal. Pure: no I/O."""

from __future__ import annotations

import re
from typing import Any

from bots.slack.group_inbound import GROUP_PREFIX, action_value, rating_value
from bots.slack.render import SlackMessage, mrkdwn, pack_blocks, section, text_blocks
from core.domain.groups import RATINGS
from core.domain.replies import Reply, ReplyCode
from core.domain.text import shorten

GROUP_CODES = (ReplyCode.GROUP_LOBBY, ReplyCode.GROUP_QUESTION, ReplyCode.GROUP_REVEAL, ReplyCode.GROUP_SCORECARD)
LABELS = {"join": "Join", "leave": "Leave", "start": "Start", "answer": "Answer", "skip": "Skip", "next": "Next"}
LABELS["end"] = "End"
STYLES = {"join": "primary", "answer": "primary", "start": "primary", "next": "primary", "end": "danger"}
UNDER = {
    ReplyCode.GROUP_LOBBY: ("join", "leave", "start", "end"),
    ReplyCode.GROUP_QUESTION: ("answer", "skip", "end"),
    ReplyCode.GROUP_REVEAL: ("next", "end"),
}

# The core names members as <@id>; defusing escapes them, and only a Slack user id is given back its mention.
# A quoted answer ("> ...", escaped as "&gt; ") keeps whatever a member typed in it harmless.
_DEFUSED_MENTION = re.compile(r"&lt;@([UW][A-Z0-9]{2,20})&gt;")
_MEMBER_LINE = re.compile(r"^<@([UW][A-Z0-9]{2,20})>", re.MULTILINE)


def is_group_reply(reply: Reply) -> bool:
    """Whether a reply is a study group's message in its thread."""
    return reply.code in GROUP_CODES


def with_mentions(text: str) -> str:
    """mrkdwn of the core's Markdown, its members' mentions live again (never in a quoted answer)."""
    lines = mrkdwn(text).split("\n")
    return "\n".join(line if line.startswith("&gt;") else _DEFUSED_MENTION.sub(r"<@\1>", line) for line in lines)


def revealed_members(text: str) -> list[str]:
    """The members a reveal shows answers of: each one's line starts with their mention (answers are quoted)."""
    return list(dict.fromkeys(_MEMBER_LINE.findall(text)))


def group_messages(reply: Reply) -> list[SlackMessage]:
    """A group's reply as Slack messages: its text, then its controls (only under the session's own messages)."""
    text = with_mentions(reply.text)
    blocks = text_blocks(text)
    code = reply.code
    if reply.group_id and code is ReplyCode.GROUP_REVEAL:
        blocks += [rating_block(reply, member) for member in revealed_members(reply.text)]
    if reply.group_id and code in UNDER:
        blocks.append(controls(UNDER[code], reply))
    fallback = shorten(text.replace("*", ""), 300) or "Study group"
    return [SlackMessage(fallback, chunk) for chunk in pack_blocks(blocks)]


def controls(names: tuple[str, ...], reply: Reply) -> dict[str, Any]:
    """An actions block of the group's buttons, each carrying the session and the round."""
    value = action_value(reply.group_id, reply.seq)
    elements = []
    for name in names:
        button: dict[str, Any] = {
            "type": "button",
            "action_id": GROUP_PREFIX + name,
            "text": {"type": "plain_text", "text": LABELS[name]},
            "value": value,
        }
        if name in STYLES:
            button["style"] = STYLES[name]
        elements.append(button)
    return {"type": "actions", "block_id": f"mi-group-{reply.seq or 0}", "elements": elements}


def rating_block(reply: Reply, member: str) -> dict[str, Any]:
    """A section naming a member, with a select to rate their answer from 1 to 5."""
    options = [
        {
            "text": {"type": "plain_text", "text": f"{n} / {RATINGS[1]}"},
            "value": rating_value(reply.group_id, reply.seq, member, n),
        }
        for n in range(RATINGS[0], RATINGS[1] + 1)
    ]
    select = {
        "type": "static_select",
        "action_id": f"{GROUP_PREFIX}rate:{member}",
        "placeholder": {"type": "plain_text", "text": "Rate 1–5"},
        "options": options,
    }
    return {
        **section(f"Rate <@{member}>'s answer"),
        "block_id": f"mi-rate-{reply.seq or 0}-{member}",
        "accessory": select,
    }
