"""Discord's ReplySender: the core's replies sent as messages (the first of an event's may answer the candidate's
message or mention them), private notes as ephemeral answers to a click, and a click acknowledged when its work
starts."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Any

import discord

from bots.discord import texts
from bots.discord.delivery import NO_PINGS, Sender, acknowledge, send_messages
from bots.discord.inbound import NOT_AUDIO
from bots.discord.render import OutMessage, render_replies, with_chart
from core.domain.models import ConversationRef, utcnow
from core.domain.replies import Reply, ReplyCode, ReplyKind
from core.interview.charts import scorecard_png
from core.ports import OutboxItem

log = logging.getLogger(__name__)

SenderFor = Callable[[ConversationRef], Awaitable[Sender]]  # how to send into a conversation's thread or DM


def fixed(send: Sender) -> SenderFor:
    """The one way an event's replies are sent, whatever the conversation."""

    async def sender_for(_conv: ConversationRef) -> Sender:
        return send

    return sender_for


class DiscordReplies:
    """Shows the core's replies on Discord, for one event (fixed(send), reply_to, interaction) or for a sweeper."""

    def __init__(
        self,
        sender_for: SenderFor,
        *,
        candidate_id: int | None = None,
        reply_to: discord.Message | None = None,
        mention_candidate: bool = False,
        interaction: discord.Interaction[Any] | None = None,
        no_interview: str = texts.NO_INTERVIEW_DM,
    ) -> None:
        self._sender_for = sender_for
        self._candidate_id = candidate_id
        self._reply_to = reply_to
        self._mention = mention_candidate
        self._interaction = interaction
        self._no_interview = no_interview  # what "nothing is open here" reads as where this event came from
        self._first = True

    async def send(self, item: OutboxItem) -> str | None:
        """Send every message of one reply; the first one's id."""
        send = await self._sender_for(item.conv)
        first = self._first
        self._first = False
        plain = render_replies([self._worded(item.reply)])
        card = item.reply.scorecard if item.reply.kind is ReplyKind.SCORECARD else None
        messages = plain
        if card is not None:
            png = await asyncio.to_thread(scorecard_png, card, day=utcnow().date())
            messages = with_chart(plain, png, name=card.chart_name)

        async def deliver(out: list[OutMessage]) -> Any:
            return await send_messages(
                send,
                out,
                candidate_id=self._candidate_id or int(item.conv.user_id),
                reply_to=self._reply_to if first else None,
                mention_candidate=self._mention and first,
            )

        try:
            sent = await deliver(messages)
        except discord.Forbidden:
            if messages is plain:
                raise
            # No Attach Files here: the scorecard goes without its chart. Nothing was posted, so nothing doubles.
            log.info("scorecard chart refused (no Attach Files?); sending the scorecard without it")
            sent = await deliver(plain)
        return str(sent.id) if getattr(sent, "id", None) is not None else None

    async def post_own(self, conv: ConversationRef, messages: Sequence[OutMessage]) -> None:
        """Send messages only Discord makes (a history table, a report file, the erase buttons) straight away."""
        first = self._first
        self._first = False
        await send_messages(
            await self._sender_for(conv),
            messages,
            candidate_id=self._candidate_id or int(conv.user_id),
            reply_to=self._reply_to if first else None,
        )

    def _worded(self, reply: Reply) -> Reply:
        if reply.code is ReplyCode.NO_INTERVIEW:
            return replace(reply, text=self._no_interview)
        if reply.code is ReplyCode.NOT_AN_ANSWER:
            return replace(reply, text=NOT_AUDIO)
        return reply

    async def tell(self, note: Reply) -> None:
        """A private note answers the click it refuses; anywhere else the bot keeps quiet (a study group's chatter
        in an interview thread is none of its business)."""
        interaction = self._interaction
        if interaction is None:
            return
        text = texts.ONLY_CANDIDATE if note.code is ReplyCode.NOT_YOUR_INTERVIEW else note.text
        with contextlib.suppress(discord.HTTPException):
            if interaction.response.is_done():
                await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_PINGS)
            else:
                await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_PINGS)

    async def working(self, on: bool) -> None:
        """When a click's work starts: acknowledge it (the next question can take longer than Discord's 3 seconds)
        and take the pressed question's buttons away."""
        interaction = self._interaction
        if not on or interaction is None or interaction.response.is_done():
            return
        if await acknowledge(interaction):
            with contextlib.suppress(discord.HTTPException):
                await interaction.edit_original_response(view=None)
