"""Hint / Skip / Repeat / End / Retry buttons that keep working after a restart, on any shard or process.

The custom id carries the command and the candidate's user id ("mi:hint:<user id>"), so a click needs no
state in memory: any worker can serve it, and a click by anyone else is refused.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from re import Match
from typing import Any

import discord

from core.domain.commands import Command

CUSTOM_ID_PREFIX = "mi"
_LABELS: dict[str, tuple[str, discord.ButtonStyle, str]] = {
    Command.HINT: ("Hint", discord.ButtonStyle.secondary, "💡"),
    Command.SKIP: ("Skip", discord.ButtonStyle.secondary, "⏭️"),
    Command.REPEAT: ("Repeat", discord.ButtonStyle.secondary, "🔁"),
    Command.END: ("End", discord.ButtonStyle.danger, "🏁"),
    Command.RETRY: ("Retry", discord.ButtonStyle.primary, "🔄"),
    Command.RESUME: ("Resume", discord.ButtonStyle.primary, "▶️"),
}

# "Delete my data" / "Cancel" under the request to erase a person's data: their own prefix, so a click never reaches
# the interview commands. The custom id carries whose data it is, as above.
ERASE_PREFIX = "mi-erase"
_ERASE_LABELS = {
    "erase": ("Delete my data", discord.ButtonStyle.danger),
    "keep": ("Cancel", discord.ButtonStyle.secondary),
}

# "Try answer N again" under a scorecard: the custom id carries the interview, the answer's seq and the candidate.
AGAIN_PREFIX = "mi-again"

# Set by the client at start: what a click does (the candidate check happens before it is called).
ClickHandler = Callable[[discord.Interaction[Any], str, int], Awaitable[None]]
AgainHandler = Callable[[discord.Interaction[Any], str, int, int], Awaitable[None]]


def custom_id(command: str, user_id: int) -> str:
    """The custom id of a button: the command and whose interview it belongs to."""
    return f"{CUSTOM_ID_PREFIX}:{command}:{user_id}"


def parse_custom_id(value: str) -> tuple[str, int] | None:
    """(command, user id) from a button's custom id, or None when it is not one of ours."""
    parts = value.split(":")
    if len(parts) != 3 or parts[0] != CUSTOM_ID_PREFIX or parts[1] not in _LABELS or not parts[2].isdigit():
        return None
    return parts[1], int(parts[2])


class CommandButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=rf"{CUSTOM_ID_PREFIX}:(?P<command>[a-z]+):(?P<user>[0-9]+)"
):
    """A button that runs one interview command for one candidate."""

    def __init__(self, command: str, user_id: int) -> None:
        label, style, emoji = _LABELS[command]
        super().__init__(
            discord.ui.Button(label=label, style=style, emoji=emoji, custom_id=custom_id(command, user_id))
        )
        self.command = command
        self.user_id = user_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Match[str], /
    ) -> CommandButton:
        """Rebuild the button from a click (called by discord.py for every matching custom id)."""
        command = match["command"]
        if command not in _LABELS:
            raise ValueError(f"unknown button command {command!r}")
        return cls(command, int(match["user"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Hand the click to the client, which knows the service."""
        handler: ClickHandler = interaction.client.on_command_button
        await handler(interaction, self.command, self.user_id)


class EraseButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=rf"{ERASE_PREFIX}:(?P<choice>erase|keep):(?P<user>[0-9]+)"
):
    """The Delete my data or Cancel button, for the one person who asked to erase their data."""

    def __init__(self, choice: str, user_id: int) -> None:
        label, style = _ERASE_LABELS[choice]
        super().__init__(discord.ui.Button(label=label, style=style, custom_id=f"{ERASE_PREFIX}:{choice}:{user_id}"))
        self.choice = choice
        self.user_id = user_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Match[str], /
    ) -> EraseButton:
        """Rebuild the button from a click."""
        return cls(match["choice"], int(match["user"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Hand the click to the client, which knows the service."""
        handler: ClickHandler = interaction.client.on_erase_button
        await handler(interaction, self.choice, self.user_id)


def controls_view(
    commands: Sequence[str], *, user_id: int, try_again: Sequence[tuple[str, int, str]] = ()
) -> discord.ui.View | None:
    """A row of buttons for these commands (unknown ones left out) and "Try again" ones, or None for none at all."""
    known = [c for c in commands if c in _LABELS or c in _ERASE_LABELS]
    if not known and not try_again:
        return None
    view = discord.ui.View(timeout=None)
    for command in known[:5]:  # one action row holds five buttons
        view.add_item(CommandButton(command, user_id) if command in _LABELS else EraseButton(command, user_id))
    for interview_id, seq, label in try_again[:5]:
        view.add_item(TryAgainButton(interview_id, seq, user_id, label=label))
    return view


class TryAgainButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"{AGAIN_PREFIX}:(?P<interview>[0-9a-f-]{{8,36}}):(?P<seq>[0-9]{{1,3}}):(?P<user>[0-9]+)",
):
    """ "Try answer N again" under a scorecard: that main question asked again, for the candidate alone."""

    def __init__(self, interview_id: str, seq: int, user_id: int, *, label: str = "Try again") -> None:
        custom = f"{AGAIN_PREFIX}:{interview_id}:{seq}:{user_id}"
        super().__init__(
            discord.ui.Button(label=label, style=discord.ButtonStyle.primary, emoji="🔁", custom_id=custom)
        )
        self.interview_id, self.seq, self.user_id = interview_id, seq, user_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Match[str], /
    ) -> TryAgainButton:
        """Rebuild the button from a click (its label is not needed to act on it)."""
        return cls(match["interview"], int(match["seq"]), int(match["user"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Hand the click to the client, which knows the service."""
        handler: AgainHandler = interaction.client.on_try_again_button
        await handler(interaction, self.interview_id, self.seq, self.user_id)
