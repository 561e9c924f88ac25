"""Carrying on after a crash on Discord, the daily questions and study groups' clocks: interviews left mid-turn,
replies stored but never marked sent, the daily questions due, and study-group rounds whose time is up.

Every worker sweeps every few seconds; what a stopped worker held longer than MOCK_INTERVIEW_RECOVER_AFTER is taken
over by one of them. Discord has no message metadata to look a reply up by, so a reply posted in the instant between
Discord accepting it and the database recording it could be posted again; every other crash point sends it once.
"""

from __future__ import annotations

import discord

from bots.discord.group_clicks import routed
from bots.discord.inbound import PLATFORM
from bots.discord.replies import DiscordReplies
from bots.periodic import sweeper
from core.interview.service import InterviewService


class DiscordSweeper:
    """Sends what a stopped worker left unsent and makes the moves it owed."""

    def __init__(self, client: discord.Client, service: InterviewService) -> None:
        self._client = client
        self._service = service
        self._replies = DiscordReplies(routed(client))
        self._periodic = sweeper("discord-sweeper", service, self.sweep)

    def start(self) -> None:
        """Sweep in the background until stop()."""
        self._periodic.start()

    async def stop(self) -> None:
        """Stop sweeping."""
        await self._periodic.stop()

    async def sweep(self) -> None:
        """One pass: interviews left mid-turn, the daily questions and study groups' deadlines due, then replies never
        marked sent."""
        await self._service.recover(PLATFORM, self._replies)
        await self._service.send_daily(PLATFORM, self._replies)
        await self._service.send_group_deadlines(PLATFORM, self._replies)
        await self._service.redeliver(PLATFORM, self._replies)
