"""Deleting a person's data: the confirmation with its buttons, and what a click on them does."""

from __future__ import annotations

from typing import Any

import discord

from bots.discord import texts
from bots.discord.buttons import controls_view
from bots.discord.delivery import ALREADY_ACKNOWLEDGED, NO_PINGS, acknowledge
from bots.discord.inbound import PLATFORM
from bots.discord.render import ERASE_BUTTONS
from core.domain import messages
from core.interview.service import InterviewService


async def ask_by_slash_command(interaction: discord.Interaction[Any]) -> None:
    """`/mock-interview delete-my-data`: the confirmation, seen only by the person who asked."""
    view = controls_view(ERASE_BUTTONS, user_id=interaction.user.id)
    assert view is not None
    try:
        await interaction.response.send_message(
            texts.CONFIRM_DELETE, view=view, ephemeral=True, allowed_mentions=NO_PINGS
        )
    except discord.HTTPException as exc:
        if exc.code != ALREADY_ACKNOWLEDGED:  # the same interaction delivered twice: the first answered it
            raise


async def on_click(
    interaction: discord.Interaction[Any], choice: str, owner_id: int, *, service: InterviewService
) -> None:
    """Delete my data: erase the owner's Discord data and say what went; Cancel: erase nothing."""
    if interaction.user.id != owner_id:
        await interaction.response.send_message(texts.NOT_YOUR_DATA, ephemeral=True, allowed_mentions=NO_PINGS)
        return
    if not await acknowledge(interaction):
        return
    if not await service.claim_event(PLATFORM, str(interaction.id)):
        return
    # One confirmation decides once: a second click on it, or Cancel after Delete, does nothing more.
    message = interaction.message
    decided = f"erase-confirmation:{message.id if message is not None else interaction.id}"
    if choice == "erase":
        erased = await service.delete_user_data(user_id=str(owner_id), platform=PLATFORM, event_id=decided)
        if erased is None:
            return
        text = messages.deleted(erased)
    elif await service.claim_event(PLATFORM, decided):
        text = texts.DELETE_CANCELLED
    else:
        return
    try:
        # The confirmation turns into the outcome, so its buttons cannot be pressed again.
        await interaction.edit_original_response(content=text, view=None, allowed_mentions=NO_PINGS)
    except discord.HTTPException:  # the confirmation is gone (a deleted DM message): say it anew
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_PINGS)
