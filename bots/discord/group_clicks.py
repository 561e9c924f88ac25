"""Study groups in Discord threads: `/mock-interview group:True` opens one, and its buttons, rating selects and
answer form are read here and handed to the service, which decides everything (who may, which round, once).

Each interaction's id is its event id: Discord delivers an interaction once per id, and a copy reuses it, so the
service's claim keeps a copy from acting twice. Private notes (refusals, "your answer is in") answer the
interaction ephemerally; the thread's messages go to the thread, and a member's own scorecard to their DM."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import discord

from bots.discord import texts
from bots.discord.delivery import NO_PINGS, Sender, acknowledge
from bots.discord.group_buttons import ANSWER, AnswerForm, read_form_id
from bots.discord.inbound import PLATFORM, thread_conv
from bots.discord.opening import THREAD_ARCHIVE_MINUTES, place_problem
from bots.discord.render import render_replies
from bots.discord.replies import DiscordReplies, SenderFor
from bots.discord.tailor_form import form_values
from core.domain.groups import DIRECT_CHANNEL
from core.domain.models import ConversationRef
from core.domain.replies import Reply
from core.interview.service import InterviewService
from core.interview.starting import Gate

log = logging.getLogger(__name__)


def routed(client: discord.Client) -> SenderFor:
    """Sending into a conversation's own place: its thread, its DM, or (for `@direct`) the person's DM, opened."""

    async def sender_for(conv: ConversationRef) -> Sender:
        if conv.channel_id == DIRECT_CHANNEL:
            dm = await client.create_dm(discord.Object(int(conv.user_id)))
            return dm.send
        channel_id = int(conv.thread_id or conv.channel_id)
        channel: Any = client.get_channel(channel_id) or await client.fetch_channel(channel_id)
        send: Sender = channel.send
        return send

    return sender_for


class DirectReplies(DiscordReplies):
    """Replies to a member's message in their DM with the bot: private notes are simply messages of the DM (only
    they see it); the rest go where they are addressed."""

    def __init__(self, sender_for: SenderFor, here: ConversationRef) -> None:
        super().__init__(sender_for, candidate_id=int(here.user_id))
        self._here = here

    async def tell(self, note: Reply) -> None:
        """Say it in the DM."""
        await self.post_own(self._here, render_replies([note]))


def group_place(interaction: discord.Interaction[Any]) -> ConversationRef | None:
    """The study group's thread an interaction came from, as the person who used it; None outside a thread."""
    channel = interaction.channel
    if interaction.guild_id is None or not isinstance(channel, discord.Thread) or channel.parent_id is None:
        return None
    return thread_conv(
        guild_id=interaction.guild_id, parent_id=channel.parent_id, thread_id=channel.id, user_id=interaction.user.id
    )


async def _say(interaction: discord.Interaction[Any], text: str) -> None:
    """Tell the person privately (a copy of an interaction answered already says nothing)."""
    with contextlib.suppress(discord.HTTPException):
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_PINGS)
        else:
            await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_PINGS)


Act = Callable[[InterviewService, ConversationRef, str, DiscordReplies], Awaitable[object]]


async def _acted(interaction: discord.Interaction[Any], service: InterviewService, act: Act) -> None:
    """Acknowledge the interaction (a reveal's grading can take longer than Discord's 3 seconds), then act."""
    place = group_place(interaction)
    if place is None:
        await _say(interaction, texts.GROUP_ONLY_IN_THREAD)
        return
    try:
        if not await acknowledge(interaction, ephemeral=True, thinking=False):
            return  # the same interaction delivered twice: the first delivery acts
        sender = DiscordReplies(routed(interaction.client), interaction=interaction)
        await act(service, place, str(interaction.id), sender)
    except Exception:
        log.exception("a study group's %s failed", interaction.type)
        await _say(interaction, texts.SOMETHING_WENT_WRONG)


async def on_button(
    interaction: discord.Interaction[Any], service: InterviewService, action: str, group_id: str, round_number: int
) -> None:
    """A study group's button: Answer shows the form; the rest go to the service as they are."""
    if action == "answer":
        form = AnswerForm(group_id, round_number)
        with contextlib.suppress(discord.HTTPException):  # a copy of the click, answered already
            await interaction.response.send_modal(form)
        form.stop()  # the submission is read in on_interaction: discord.py need not keep the form in memory
        return

    async def act(service: InterviewService, place: ConversationRef, event_id: str, sender: DiscordReplies) -> object:
        if action == "join":
            return await service.group_join(place, event_id=event_id, sender=sender)
        if action == "leave":
            return await service.group_leave(place, event_id=event_id, sender=sender)
        if action == "start":
            return await service.group_start(place, event_id=event_id, sender=sender)
        return await service.group_control(
            place, action, round_number=round_number or None, event_id=event_id, sender=sender
        )

    await _acted(interaction, service, act)


async def on_rating(
    interaction: discord.Interaction[Any], service: InterviewService, round_number: int, member: str, value: int
) -> None:
    """A rating chosen in a reveal's select: the service takes it for that round only."""

    async def act(service: InterviewService, place: ConversationRef, event_id: str, sender: DiscordReplies) -> object:
        return await service.group_rate(
            place, member, value, round_number=round_number, event_id=event_id, sender=sender
        )

    await _acted(interaction, service, act)


def is_answer_form(interaction: discord.Interaction[Any]) -> bool:
    """Whether the interaction is a study group's answer form sent back."""
    if interaction.type is not discord.InteractionType.modal_submit or not interaction.data:
        return False
    return read_form_id(str(interaction.data.get("custom_id") or "")) is not None


async def on_answer_form(interaction: discord.Interaction[Any], service: InterviewService) -> None:
    """An answer typed in the form: the member's answer to the open round (the service refuses a stale one)."""
    data: Mapping[str, Any] = interaction.data or {}
    text = form_values(data.get("components") or []).get(ANSWER, "")

    async def act(service: InterviewService, place: ConversationRef, event_id: str, sender: DiscordReplies) -> object:
        return await service.group_answer(place, text, event_id=event_id, sender=sender)

    await _acted(interaction, service, act)


async def open_group(
    interaction: discord.Interaction[Any], service: InterviewService, *, role: str, questions: int | None,
    minutes: int | None,
) -> None:  # fmt: skip
    """`/mock-interview group:True`: a public thread off this text channel with the study group's lobby in it, or
    a private word on why not (no thread opens then)."""
    problem = texts.GROUP_ONLY_IN_SERVER if interaction.guild_id is None else None
    problem = problem or service.group_problem(role, questions, minutes) or place_problem(interaction, private=False)
    if problem is not None:
        await _say(interaction, problem)
        return
    channel = interaction.channel
    assert isinstance(channel, discord.TextChannel)  # place_problem said so
    if not await acknowledge(interaction):
        return
    user = interaction.user
    place = ConversationRef(PLATFORM, str(channel.guild.id), str(channel.id), None, str(user.id))
    # The gate claims the interaction, so a copy delivered anyway opens no second thread.
    if (await service.open_start(place, event_id=str(interaction.id), one_per_channel=False)).verdict is not Gate.OPEN:
        return
    pack = service.catalog.resolve(role)
    try:
        thread = await channel.create_thread(
            name=texts.group_thread_name(role_title=pack.title, host=user.display_name),
            type=discord.ChannelType.public_thread,
            auto_archive_duration=THREAD_ARCHIVE_MINUTES,
            reason=f"Study group hosted by {user}",
        )
    except discord.Forbidden:
        await interaction.edit_original_response(
            content=texts.missing_permissions(["Create Public Threads"]), allowed_mentions=NO_PINGS
        )
        return
    conv = thread_conv(guild_id=channel.guild.id, parent_id=channel.id, thread_id=thread.id, user_id=user.id)
    sender = DiscordReplies(routed(interaction.client), candidate_id=user.id)
    await service.group_open(conv, role=pack.id, questions=questions, minutes=minutes, sender=sender)
    notice = texts.group_started(host_mention=user.mention, role_title=pack.title, thread_mention=thread.mention)
    await interaction.edit_original_response(content=notice, allowed_mentions=NO_PINGS)
