"""The discord.py client: intents, the slash command, buttons and message routing to the chat handlers."""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING, Any

import aiohttp
import discord
from discord import app_commands

from bots.discord import erase, group_clicks, texts
from bots.discord.buttons import CommandButton, EraseButton, TryAgainButton
from bots.discord.chat import InFlight, handle_message
from bots.discord.delivery import NO_PINGS
from bots.discord.group_buttons import GroupButton, GroupRating
from bots.discord.inbound import dm_conv, thread_conv
from bots.discord.invite import invite_url
from bots.discord.replies import DiscordReplies, fixed
from bots.discord.shards import ShardPlan
from bots.discord.slash import mock_interview
from bots.discord.sweeper import DiscordSweeper
from bots.discord.tailor_form import is_form_submission, on_form_submission
from core.domain.commands import Command, Press
from core.domain.models import ConversationRef
from core.interview.service import InterviewService

log = logging.getLogger(__name__)


def bot_intents() -> discord.Intents:
    """Exactly the gateway intents the bot uses.

    guilds: threads and channels in the cache; guild_messages and dm_messages: answers; message_content: the text
    and attachments of answers in server threads (privileged; DMs carry content without it).
    """
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    intents.message_content = True
    return intents


class InterviewCommandTree(app_commands.CommandTree[Any]):
    """The slash command tree: /mock-interview, and a friendly word when it fails."""

    async def on_error(self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError) -> None:
        """Log the failure and tell the person, privately."""
        log.error("/mock-interview failed", exc_info=error)
        with contextlib.suppress(discord.HTTPException):
            if interaction.response.is_done():
                await interaction.followup.send(texts.SOMETHING_WENT_WRONG, ephemeral=True)
            else:
                await interaction.response.send_message(texts.SOMETHING_WENT_WRONG, ephemeral=True)


# The mixin is a discord.Client to the type checker (it only ever runs mixed into one), a plain class at run time.
if TYPE_CHECKING:
    _ClientBase = discord.Client
else:
    _ClientBase = object


class InterviewBotMixin(_ClientBase):
    """What both the single-connection and the sharded client add to discord.py."""

    service: InterviewService
    session: aiohttp.ClientSession | None
    tree: app_commands.CommandTree[Any]
    sync_commands: bool
    in_flight: InFlight
    sweeper: DiscordSweeper

    def _setup_interview_bot(self, service: InterviewService, *, sync_commands: bool) -> None:
        self.service = service
        self.session = None
        self.in_flight = InFlight()
        self.sync_commands = sync_commands
        self.tree = InterviewCommandTree(self)
        self.tree.add_command(mock_interview)
        self.sweeper = DiscordSweeper(self, service)

    async def setup_hook(self) -> None:
        """Register the buttons, open the download session and publish the slash command."""
        self.add_dynamic_items(CommandButton, EraseButton, TryAgainButton, GroupButton, GroupRating)
        self.session = aiohttp.ClientSession()
        self.sweeper.start()
        if self.sync_commands:
            # A bulk overwrite is idempotent, so every start publishes the definition; of several shard processes only
            # the one holding shard 0 does (create_bot), since Discord rate-limits command updates per application.
            await self.tree.sync()

    async def on_ready(self) -> None:
        """Say once where the bot is and how to invite it (on_ready repeats after reconnects)."""
        if getattr(self, "_announced", False):
            return
        self._announced = True
        guilds = len(self.guilds)
        app_id = self.application_id  # set by the login that came before READY
        url = invite_url(app_id) if app_id is not None else "(Discord sent no application id)"
        print(f"Connected to Discord as {self.user} in {guilds} server(s). Invite URL: {url}", flush=True)

    async def on_message(self, message: discord.Message) -> None:
        """Route a message to the interview it answers, if any."""
        me = self.user
        if me is None or self.session is None:
            return
        await handle_message(
            message,
            service=self.service,
            session=self.session,
            bot_user_id=me.id,
            in_flight=self.in_flight,
            client=self,
        )

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        """A tailoring form or a study group's answer form sent back (slash commands and buttons have handlers of
        their own)."""
        if is_form_submission(interaction):
            await on_form_submission(interaction, self.service)
        elif group_clicks.is_answer_form(interaction):
            await group_clicks.on_answer_form(interaction, self.service)

    async def on_group_button(
        self, interaction: discord.Interaction[Any], action: str, group_id: str, round_number: int
    ) -> None:
        """A study group's button (Join, Leave, Start, Answer, Skip, Next, End): the service decides."""
        await group_clicks.on_button(interaction, self.service, action, group_id, round_number)

    async def on_group_rating(
        self, interaction: discord.Interaction[Any], group_id: str, round_number: int, member: str, value: int
    ) -> None:
        """A rating chosen under a study group's reveal."""
        await group_clicks.on_rating(interaction, self.service, round_number, member, value)

    async def on_command_button(self, interaction: discord.Interaction[Any], command: str, owner_id: int) -> None:
        """A Hint / Skip / Repeat / End / Retry click: the service decides (only the candidate's count, each click
        once); the click is acknowledged when its work starts."""
        conv = interaction_conv(interaction)
        if conv is None:
            return
        channel = interaction.channel
        send = channel.send if isinstance(channel, discord.abc.Messageable) else interaction.followup.send
        press = Press(Command(command), by=conv, event_id=str(interaction.id), owner_id=str(owner_id))
        sender = DiscordReplies(fixed(send), candidate_id=owner_id, interaction=interaction)
        await self.service.press(press, sender=sender)

    async def on_try_again_button(
        self, interaction: discord.Interaction[Any], interview_id: str, seq: int, owner_id: int
    ) -> None:
        """A "Try answer N again" click under a scorecard: the candidate's own, asked again where it was clicked."""
        conv = interaction_conv(interaction)
        if conv is None:
            return
        if interaction.user.id != owner_id:
            await interaction.response.send_message(texts.NOT_YOUR_SCORECARD, ephemeral=True, allowed_mentions=NO_PINGS)
            return
        channel = interaction.channel
        send = channel.send if isinstance(channel, discord.abc.Messageable) else interaction.followup.send
        sender = DiscordReplies(fixed(send), candidate_id=owner_id, interaction=interaction)
        await self.service.try_again(conv, interview_id, seq, event_id=str(interaction.id), sender=sender)

    async def on_erase_button(self, interaction: discord.Interaction[Any], choice: str, owner_id: int) -> None:
        """A "Delete my data" or "Cancel" click under the request to erase a person's data."""
        await erase.on_click(interaction, choice, owner_id, service=self.service)

    async def close(self) -> None:
        """Close the gateway and the download session."""
        await self.sweeper.stop()
        await super().close()
        if self.session is not None:
            await self.session.close()


def interaction_conv(interaction: discord.Interaction[Any]) -> ConversationRef | None:
    """The interview conversation a button press belongs to: the DM, or the thread it was pressed in."""
    if interaction.guild_id is None:
        return dm_conv(channel_id=interaction.channel_id or 0, user_id=interaction.user.id)
    channel = interaction.channel
    if isinstance(channel, discord.Thread) and channel.parent_id is not None:
        return thread_conv(
            guild_id=interaction.guild_id,
            parent_id=channel.parent_id,
            thread_id=channel.id,
            user_id=interaction.user.id,
        )
    return None


class InterviewBot(InterviewBotMixin, discord.Client):
    """One gateway connection: enough for most bots."""

    def __init__(self, service: InterviewService, *, sync_commands: bool = True, **options: Any) -> None:
        super().__init__(intents=bot_intents(), max_messages=None, chunk_guilds_at_startup=False, **options)
        self._setup_interview_bot(service, sync_commands=sync_commands)


class ShardedInterviewBot(InterviewBotMixin, discord.AutoShardedClient):
    """Several shards in this process (all of DISCORD_SHARD_COUNT, or its DISCORD_SHARD_IDS); the database is the only
    state they share, with each other and with other processes."""

    def __init__(
        self,
        service: InterviewService,
        *,
        shard_count: int | None,
        shard_ids: list[int] | None = None,
        sync_commands: bool = True,
        **options: Any,
    ) -> None:
        if shard_ids is not None:  # discord.py takes a list or no shard_ids at all (every shard of the count)
            options["shard_ids"] = shard_ids
        super().__init__(
            intents=bot_intents(),
            max_messages=None,
            chunk_guilds_at_startup=False,
            shard_count=shard_count,
            **options,
        )
        self._setup_interview_bot(service, sync_commands=sync_commands)


def create_bot(service: InterviewService, plan: ShardPlan) -> discord.Client:
    """The client for a shard plan: one plain connection, or an AutoShardedClient opening the plan's shards."""
    # The bot never joins voice channels (voice messages are plain attachments), so discord.py's warnings about
    # missing voice-channel libraries would only mislead whoever reads the log.
    discord.VoiceClient.warn_nacl = False
    discord.VoiceClient.warn_dave = False
    if not plan.sharded:
        return InterviewBot(service)
    ids = list(plan.ids) if plan.ids is not None else None  # discord.py indexes it and wants a list
    return ShardedInterviewBot(service, shard_count=plan.count, shard_ids=ids, sync_commands=plan.holds_shard_0)
