"""`/mock-interview role:<choice> questions:<n> private:<bool>`: a thread in a server, or the DM it is used in."""

from __future__ import annotations

import logging
from typing import Any, Literal, Optional

import discord
from discord import app_commands

from bots.discord import erase, texts
from bots.discord.delivery import NO_PINGS, acknowledge, message_kwargs
from bots.discord.inbound import (
    PLATFORM,
    PROGRESS,
    command_choices,
    dm_conv,
    is_delete_request,
    thread_conv,
    thread_name,
)
from bots.discord.invite import missing_for_thread
from bots.discord.progress import progress_messages
from bots.discord.replies import DiscordReplies, fixed
from core.domain.models import ConversationRef
from core.domain.roles import RolePack
from core.interview.service import InterviewService
from core.interview.starting import Gate
from core.settings import MAX_PAIRS_LIMIT

log = logging.getLogger(__name__)

THREAD_ARCHIVE_MINUTES: Literal[1440] = 1440  # a day of quiet before Discord hides the thread; a message brings it back


def _service(interaction: discord.Interaction[Any]) -> InterviewService:
    return interaction.client.service


@app_commands.command(name="mock-interview", description="Start a mock job interview with follow-ups and a scorecard")
@app_commands.describe(
    role="The job to interview for (or progress to see yours, or delete-my-data to erase your interviews)",
    questions="How many main questions (default 5)",
    private="Only you (and the bot) see the thread; default: public, so a study group can follow along",
    level="The seniority to interview at",
    review="Ask again the questions you answered worst, when they are due (1, 3, then 7 days later)",
)
@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
@app_commands.allowed_installs(guilds=True, users=False)
async def mock_interview(
    interaction: discord.Interaction[Any],
    role: str,
    questions: Optional[app_commands.Range[int, 1, MAX_PAIRS_LIMIT]] = None,  # noqa: UP045 - discord.py reads it
    private: bool = False,
    level: Optional[Literal["junior", "mid", "senior"]] = None,  # noqa: UP045
    review: bool = False,
) -> None:
    """Start an interview: a thread in a server channel, or right here in a DM; or ask to delete one's data."""
    if is_delete_request(role):
        await erase.ask_by_slash_command(interaction)
        return
    service = _service(interaction)
    if role.strip().lower() == PROGRESS:
        await _send_progress(interaction, service)
        return
    problem = service.start_problem(role, questions)
    if problem is None and review:
        problem = await service.review_refusal(platform=PLATFORM, user_id=str(interaction.user.id), role=role)
    if problem is not None:
        await interaction.response.send_message(problem, ephemeral=True)
        return
    pack = service.catalog.resolve(role)
    if interaction.guild_id is None:
        await _start_in_dm(interaction, service, pack=pack, questions=questions, level=level, review=review)
    else:
        await _start_in_thread(
            interaction, service, pack=pack, questions=questions, level=level, private=private, review=review
        )


@mock_interview.autocomplete("role")
async def _role_autocomplete(interaction: discord.Interaction[Any], current: str) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=n, value=v) for n, v in command_choices(_service(interaction).catalog, current)]


async def _start_in_dm(
    interaction: discord.Interaction[Any],
    service: InterviewService,
    *,
    pack: RolePack,
    questions: int | None,
    level: str | None,
    review: bool,
) -> None:
    # Deferring first: Discord wants an answer within 3 seconds, and the AI interviewer can take longer.
    if not await acknowledge(interaction):
        return
    conv = dm_conv(channel_id=interaction.channel_id or 0, user_id=interaction.user.id)
    sender = DiscordReplies(fixed(interaction.followup.send), candidate_id=interaction.user.id)
    # The same interaction delivered twice is claimed by the first delivery's start: the copy says nothing.
    await service.start(
        conv,
        role=pack.id,
        questions=questions,
        level=level,
        event_id=str(interaction.id),
        sender=sender,
        review=review,
    )


async def _start_in_thread(
    interaction: discord.Interaction[Any],
    service: InterviewService,
    *,
    pack: RolePack,
    questions: int | None,
    level: str | None,
    private: bool,
    review: bool,
) -> None:
    channel = interaction.channel
    if not isinstance(channel, discord.TextChannel):
        await interaction.response.send_message(texts.THREAD_ONLY_IN_TEXT_CHANNEL, ephemeral=True)
        return
    missing = missing_for_thread(interaction.app_permissions, private=private)
    if missing:
        await interaction.response.send_message(texts.missing_permissions(missing), ephemeral=True)
        return
    if not await acknowledge(interaction, ephemeral=private):
        return
    user = interaction.user
    place = ConversationRef(PLATFORM, str(channel.guild.id), str(channel.id), None, str(user.id))
    gate = await service.open_start(place, event_id=str(interaction.id), one_per_channel=False)
    if gate.verdict is not Gate.OPEN:
        return  # the same interaction delivered twice: the first delivery opens the thread
    try:
        thread = await channel.create_thread(
            name=thread_name(role_title=pack.title, candidate=user.display_name),
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
    await service.start(conv, role=pack.id, questions=questions, level=level, sender=sender, review=review)
    notice = texts.thread_started(
        candidate_mention=user.mention, role_title=pack.title, thread_mention=thread.mention, private=private
    )
    await interaction.edit_original_response(content=notice, allowed_mentions=NO_PINGS)


async def _send_progress(interaction: discord.Interaction[Any], service: InterviewService) -> None:
    """`/mock-interview progress`: the person's progress by DM (here, in a DM), else only to them, here."""
    messages = await progress_messages(service, str(interaction.user.id))
    kwargs = [message_kwargs(m, candidate_id=interaction.user.id) for m in messages]
    if interaction.guild_id is not None:
        try:
            for each in kwargs:
                await interaction.user.send(**each)
        except discord.HTTPException:  # DMs closed to the bot: show it privately here instead
            log.info("progress DM to a Discord user failed; answering ephemerally")
            kwargs = [message_kwargs(m, candidate_id=interaction.user.id) for m in messages]  # files are read once
        else:
            await interaction.response.send_message(texts.PROGRESS_SENT, ephemeral=True, allowed_mentions=NO_PINGS)
            return
    await interaction.response.send_message(ephemeral=True, **kwargs[0])
    for each in kwargs[1:]:
        await interaction.followup.send(ephemeral=True, **each)
