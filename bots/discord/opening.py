"""Where an interview asked for by an interaction runs: a new thread off the server text channel it was asked in,
or the DM itself. The slash command and the tailoring form both start through here."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Literal

import discord

from bots.discord import texts
from bots.discord.delivery import NO_PINGS, acknowledge
from bots.discord.inbound import PLATFORM, dm_conv, thread_conv, thread_name
from bots.discord.invite import missing_for_thread
from bots.discord.replies import DiscordReplies, fixed
from core.domain.models import ConversationRef
from core.interview.service import InterviewService
from core.interview.starting import Gate

THREAD_ARCHIVE_MINUTES: Literal[1440] = 1440  # a day of quiet before Discord hides the thread; a message brings it back

# Starts the interview in the conversation, its replies sent by the sender; the event id is the interaction's when
# the start itself must claim it (in a DM), None when the thread's gate claimed it already.
Begin = Callable[[ConversationRef, DiscordReplies, str | None], Awaitable[object]]


def place_problem(interaction: discord.Interaction[Any], *, private: bool) -> str | None:
    """Why no interview thread can open where the interaction was used (not a text channel, permissions missing),
    or None; a DM is always fine."""
    if interaction.guild_id is None:
        return None
    if not isinstance(interaction.channel, discord.TextChannel):
        return texts.THREAD_ONLY_IN_TEXT_CHANNEL
    missing = missing_for_thread(interaction.app_permissions, private=private)
    return texts.missing_permissions(missing) if missing else None


async def start_where_used(
    interaction: discord.Interaction[Any],
    service: InterviewService,
    *,
    title: str,
    private: bool,
    begin: Begin,
) -> None:
    """Open the interview where the interaction was used: a thread named for title in a server, else the DM."""
    if interaction.guild_id is None:
        await _start_in_dm(interaction, begin)
    else:
        await _start_in_thread(interaction, service, title=title, private=private, begin=begin)


async def _start_in_dm(interaction: discord.Interaction[Any], begin: Begin) -> None:
    # Deferring first: Discord wants an answer within 3 seconds, and the AI interviewer can take longer.
    if not await acknowledge(interaction):
        return
    conv = dm_conv(channel_id=interaction.channel_id or 0, user_id=interaction.user.id)
    sender = DiscordReplies(fixed(interaction.followup.send), candidate_id=interaction.user.id)
    # The same interaction delivered twice is claimed by the first delivery's start: the copy says nothing.
    await begin(conv, sender, str(interaction.id))


async def _start_in_thread(
    interaction: discord.Interaction[Any], service: InterviewService, *, title: str, private: bool, begin: Begin
) -> None:
    problem = place_problem(interaction, private=private)
    if problem is not None:
        await interaction.response.send_message(problem, ephemeral=True)
        return
    channel = interaction.channel
    assert isinstance(channel, discord.TextChannel)  # place_problem said so
    if not await acknowledge(interaction, ephemeral=private):
        return
    user = interaction.user
    place = ConversationRef(PLATFORM, str(channel.guild.id), str(channel.id), None, str(user.id))
    gate = await service.open_start(place, event_id=str(interaction.id), one_per_channel=False)
    if gate.verdict is not Gate.OPEN:
        return  # the same interaction delivered twice: the first delivery opens the thread
    try:
        thread = await channel.create_thread(
            name=thread_name(role_title=title, candidate=user.display_name),
            type=discord.ChannelType.private_thread if private else discord.ChannelType.public_thread,
            auto_archive_duration=THREAD_ARCHIVE_MINUTES,
            invitable=False,  # private: only the candidate; moderators can still add people
            reason=f"Mock interview for {user}",
        )
        if private:
            await thread.add_user(user)
    except discord.Forbidden:
        label = "Create Private Threads" if private else "Create Public Threads"
        await interaction.edit_original_response(content=texts.missing_permissions([label]), allowed_mentions=NO_PINGS)
        return
    conv = thread_conv(guild_id=channel.guild.id, parent_id=channel.id, thread_id=thread.id, user_id=user.id)
    sender = DiscordReplies(fixed(thread.send), candidate_id=user.id, mention_candidate=True)
    await begin(conv, sender, None)
    notice = texts.thread_started(
        candidate_mention=user.mention, role_title=title, thread_mention=thread.mention, private=private
    )
    await interaction.edit_original_response(content=notice, allowed_mentions=NO_PINGS)
