"""Carrying on after a crash on Discord: interviews left mid-turn and replies stored but never marked sent.

Every worker sweeps every few seconds; what a stopped worker held longer than MOCK_INTERVIEW_RECOVER_AFTER is taken
over by one of them. Discord has no message metadata to look a reply up by, so a reply posted in the instant between
Discord accepting it and the database recording it could be posted again; every other crash point sends it once.
"""

from __future__ import annotations

from typing import Any

import discord

from bots.discord.delivery import deliver, send_messages
from bots.discord.inbound import PLATFORM
from bots.discord.render import render_replies
from bots.periodic import Periodic, purging, sweep_interval
from core.domain.models import ConversationRef
from core.interview.service import InterviewService
from core.ports import OutboxItem


class DiscordSweeper:
    """Sends what a stopped worker left unsent and makes the moves it owed."""

    def __init__(self, client: discord.Client, service: InterviewService) -> None:
        self._client = client
        self._service = service
        self._periodic = Periodic("discord-sweeper", purging(service, self.sweep), every_s=sweep_interval(service))

    def start(self) -> None:
        """Sweep in the background until stop()."""
        self._periodic.start()

    async def stop(self) -> None:
        """Stop sweeping."""
        await self._periodic.stop()

    async def sweep(self) -> None:
        """One pass: interviews left mid-turn, then replies never marked sent."""
        for conv, replies in await self._service.recover(PLATFORM):
            channel = await self._channel_of(conv)
            await deliver(self._service, conv, replies, channel.send, candidate_id=int(conv.user_id))
        await self._service.outbox.redeliver(PLATFORM, self._resend)

    async def _resend(self, item: OutboxItem) -> str | None:
        channel = await self._channel_of(item.conv)
        sent = await send_messages(channel.send, render_replies([item.reply]), candidate_id=int(item.conv.user_id))
        return str(sent.id) if getattr(sent, "id", None) is not None else None

    async def _channel_of(self, conv: ConversationRef) -> Any:
        """The interview's thread, or the DM channel."""
        channel_id = int(conv.thread_id or conv.channel_id)
        return self._client.get_channel(channel_id) or await self._client.fetch_channel(channel_id)
