"""A study group's controls: Join / Leave / Start / End under the lobby, Answer / Skip / End under a question, a
rating select per member with Next / End under a reveal, and the form an answer is typed in.

Each custom id carries the session and the round it was shown under ("mig:skip:<group id>:2"), so a click needs no
state in memory (any worker serves it, after a restart too) and the service refuses a control whose round has gone
by. The form's submission is read from the interaction itself in the client's on_interaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from re import Match
from typing import Any

import discord

from bots.discord import texts
from bots.discord.group_render import GroupControls
from core.domain.groups import RATINGS

GROUP_PREFIX = "mig"
RATE_PREFIX = "mig-rate"
FORM_PREFIX = "mig-answer"
ANSWER = "answer"  # the custom id of the form's text input
ANSWER_LIMIT = 4000  # Discord's most for a typed value
_GROUP = r"[0-9a-f-]{36}"
_LABELS: dict[str, tuple[str, discord.ButtonStyle]] = {
    "join": ("Join", discord.ButtonStyle.success),
    "leave": ("Leave", discord.ButtonStyle.secondary),
    "start": ("Start", discord.ButtonStyle.primary),
    "answer": ("Answer", discord.ButtonStyle.primary),
    "skip": ("Skip", discord.ButtonStyle.secondary),
    "next": ("Next", discord.ButtonStyle.primary),
    "end": ("End", discord.ButtonStyle.danger),
}

# Set by the client: what a click or a rating does (the service decides who may).
ButtonHandler = Callable[[discord.Interaction[Any], str, str, int], Awaitable[None]]
RatingHandler = Callable[[discord.Interaction[Any], str, int, str, int], Awaitable[None]]


def button_id(action: str, group_id: str, round_number: int) -> str:
    """A group button's custom id: the action, the session and the round it was shown under (0: the lobby)."""
    return f"{GROUP_PREFIX}:{action}:{group_id}:{round_number}"


def rating_id(group_id: str, round_number: int, member: str) -> str:
    """A rating select's custom id: the session, the round and whose answer it rates."""
    return f"{RATE_PREFIX}:{group_id}:{round_number}:{member}"


def form_id(group_id: str, round_number: int) -> str:
    """The answer form's custom id: the session and the round it answers."""
    return f"{FORM_PREFIX}:{group_id}:{round_number}"


def read_form_id(custom_id: str) -> tuple[str, int] | None:
    """(group id, round) of an answer form's custom id, or None for any other custom id."""
    parts = custom_id.split(":")
    if len(parts) != 3 or parts[0] != FORM_PREFIX or not parts[2].isdigit():
        return None
    return parts[1], int(parts[2])


class GroupButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"{GROUP_PREFIX}:(?P<action>[a-z]+):(?P<group>{_GROUP}):(?P<round>[0-9]{{1,2}})",
):
    """One of a study group's buttons."""

    def __init__(self, action: str, group_id: str, round_number: int) -> None:
        label, style = _LABELS[action]
        super().__init__(
            discord.ui.Button(label=label, style=style, custom_id=button_id(action, group_id, round_number))
        )
        self.action, self.group_id, self.round_number = action, group_id, round_number

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Match[str], /
    ) -> GroupButton:
        """Rebuild the button from a click (called by discord.py for every matching custom id)."""
        if match["action"] not in _LABELS:
            raise ValueError(f"unknown group action {match['action']!r}")
        return cls(match["action"], match["group"], int(match["round"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Hand the click to the client, which knows the service."""
        handler: ButtonHandler = interaction.client.on_group_button
        await handler(interaction, self.action, self.group_id, self.round_number)


class GroupRating(
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=rf"{RATE_PREFIX}:(?P<group>{_GROUP}):(?P<round>[0-9]{{1,2}}):(?P<member>[0-9]{{15,21}})",
):
    """A select rating one member's revealed answer from 1 to 5."""

    def __init__(self, group_id: str, round_number: int, member: str, *, number: int = 0) -> None:
        options = [discord.SelectOption(label=str(v), value=str(v)) for v in range(RATINGS[0], RATINGS[1] + 1)]
        super().__init__(
            discord.ui.Select(
                custom_id=rating_id(group_id, round_number, member),
                placeholder=texts.rate_placeholder(number),
                options=options,
            )
        )
        self.group_id, self.round_number, self.member = group_id, round_number, member

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Match[str], /
    ) -> GroupRating:
        """Rebuild the select from a choice (its placeholder is not needed to act on it)."""
        return cls(match["group"], int(match["round"]), match["member"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Hand the rating, read from the interaction itself, to the client."""
        data: Mapping[str, Any] = interaction.data or {}
        values = data.get("values") or []
        if not values or not str(values[0]).isdigit():
            return
        handler: RatingHandler = interaction.client.on_group_rating
        await handler(interaction, self.group_id, self.round_number, self.member, int(values[0]))


def group_view(controls: GroupControls) -> discord.ui.View | None:
    """The rating selects (a row each) and then the buttons, or None for nothing to show."""
    if not controls.actions and not controls.rate:
        return None
    view = discord.ui.View(timeout=None)
    for number, member in controls.rate:
        view.add_item(GroupRating(controls.group_id, controls.round, member, number=number))
    for action in controls.actions:
        view.add_item(GroupButton(action, controls.group_id, controls.round))
    return view


class AnswerForm(discord.ui.Modal):
    """The form a member types their answer to a round's question in."""

    def __init__(self, group_id: str, round_number: int) -> None:
        super().__init__(title=texts.group_form_title(round_number), custom_id=form_id(group_id, round_number))
        box = discord.ui.TextInput[Any](
            custom_id=ANSWER, style=discord.TextStyle.paragraph, placeholder=texts.GROUP_ANSWER_PLACEHOLDER,
            max_length=ANSWER_LIMIT,
        )  # fmt: skip
        self.add_item(discord.ui.Label[Any](text=texts.GROUP_ANSWER_LABEL, component=box))
