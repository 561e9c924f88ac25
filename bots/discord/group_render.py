"""A study group's replies as Discord shows them: member mentions kept (shown as names, never pinging), the reveal's
members numbered, and which controls go under each message.

Pure: bots/discord/render.py builds the messages, bots/discord/group_buttons.py draws the controls."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.domain.replies import Reply, ReplyCode

GROUP_CODES = frozenset(
    {
        ReplyCode.GROUP_LOBBY,
        ReplyCode.GROUP_QUESTION,
        ReplyCode.GROUP_REVEAL,
        ReplyCode.GROUP_SCORECARD,
        ReplyCode.GROUP_NOTE,
    }
)

# Under each kind of group message: the buttons, in order (the reveal adds a rating select per member).
ACTIONS: dict[ReplyCode, tuple[str, ...]] = {
    ReplyCode.GROUP_LOBBY: ("join", "leave", "start", "end"),
    ReplyCode.GROUP_QUESTION: ("answer", "skip", "end"),
    ReplyCode.GROUP_REVEAL: ("next", "end"),
}
ROWS = 5  # action rows in one Discord message
FIRST_SELECTS = ROWS - 1  # the reveal's own message keeps a row for Next and End
# What a group message may not do even though its member mentions stay: reach everyone, or a role.
_MASS = re.compile(r"@(everyone|here|&[0-9]{15,21})")
_REVEALED = re.compile(r"^<@([0-9]{15,21})>", re.MULTILINE)  # a member's line in the reveal starts with them


@dataclass(frozen=True)
class GroupControls:
    """The controls under one message of a study group: buttons and one rating select per member."""

    group_id: str
    round: int  # from 1; 0 under the lobby
    actions: tuple[str, ...] = ()
    rate: tuple[tuple[int, str], ...] = ()  # (the number shown beside the member in the reveal, their user id)


def group_defuse(text: str) -> str:
    """text with @everyone, @here and role mentions broken; `<@id>` stays, so Discord shows the member's name (the
    bot sends every message with mentions switched off, so nobody is pinged)."""
    return _MASS.sub("@\u200b\\1", text)


def revealed_members(text: str) -> list[str]:
    """The members a reveal shows an answer (or no answer) of, in order, each once."""
    seen: list[str] = []
    for user in _REVEALED.findall(text):
        if user not in seen:
            seen.append(user)
    return seen


def group_text(reply: Reply) -> str:
    """A group reply's text for Discord: a reveal's members numbered, so each rating select can name its answer."""
    text = group_defuse(reply.text)
    if reply.code is not ReplyCode.GROUP_REVEAL:
        return text
    numbers = {user: n for n, user in enumerate(revealed_members(text), 1)}
    return _REVEALED.sub(lambda m: f"**{numbers[m.group(1)]}.** <@{m.group(1)}>", text)


def group_controls(reply: Reply) -> list[GroupControls]:
    """The controls under the reply's last message, then those of any further messages a big group's ratings
    need (five selects a message); [] when the reply has none (the scorecard, or a note such as "X left", which
    names no session)."""
    actions = ACTIONS.get(reply.code) if reply.code is not None else None
    if reply.group_id is None or actions is None:
        return []
    round_number = reply.seq or 0
    rate = tuple(enumerate(revealed_members(reply.text), 1)) if reply.code is ReplyCode.GROUP_REVEAL else ()
    out = [GroupControls(reply.group_id, round_number, actions, rate[:FIRST_SELECTS])]
    for start in range(FIRST_SELECTS, len(rate), ROWS):
        out.append(GroupControls(reply.group_id, round_number, (), rate[start : start + ROWS]))
    return out
