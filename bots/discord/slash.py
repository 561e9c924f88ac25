"""`/mock-interview role:<choice> questions:<n> private:<bool> tailor:<bool> group:<bool> minutes:<n>`: a thread in a
server, or the DM it is used in; with tailor:True, a form for a job posting first; with group:True, a study group's
thread."""

from __future__ import annotations

import logging
from typing import Any, Literal, Optional

import discord
from discord import app_commands

from bots.discord import erase, texts
from bots.discord.delivery import NO_PINGS, message_kwargs
from bots.discord.group_clicks import open_group
from bots.discord.inbound import PLATFORM, PROGRESS, command_choices, is_delete_request
from bots.discord.opening import start_where_used
from bots.discord.progress import progress_messages
from bots.discord.replies import DiscordReplies
from bots.discord.tailor_form import show_form
from core.domain.models import ConversationRef
from core.interview.service import InterviewService
from core.settings import MAX_PAIRS_LIMIT

log = logging.getLogger(__name__)


def _service(interaction: discord.Interaction[Any]) -> InterviewService:
    return interaction.client.service


@app_commands.command(name="mock-interview", description="Start a mock job interview with follow-ups and a scorecard")
@app_commands.describe(
    role="The job to interview for (or progress to see yours, or delete-my-data to erase your interviews)",
    questions="How many main questions (default 5)",
    private="Only you (and the bot) see the thread; default: public, so a study group can follow along",
    level="The seniority to interview at",
    review="Ask again the questions you answered worst, when they are due (1, 3, then 7 days later)",
    tailor="Paste a job posting (and your résumé) in a form: questions for that job; the role becomes optional",
    group="Open a study group in a thread: members join, answer each question privately, then see and rate them all",
    minutes="Study group only: minutes to answer each question (default 5)",
)
@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
@app_commands.allowed_installs(guilds=True, users=False)
async def mock_interview(
    interaction: discord.Interaction[Any],
    role: Optional[str] = None,  # noqa: UP045 - discord.py reads it
    questions: Optional[app_commands.Range[int, 1, MAX_PAIRS_LIMIT]] = None,  # noqa: UP045
    private: bool = False,
    level: Optional[Literal["junior", "mid", "senior"]] = None,  # noqa: UP045
    review: bool = False,
    tailor: bool = False,
    group: bool = False,
    minutes: Optional[app_commands.Range[int, 1, 15]] = None,  # noqa: UP045
) -> None:
    """Start an interview: a thread in a server channel, or right here in a DM; or ask to delete one's data."""
    service = _service(interaction)
    if role is not None and is_delete_request(role):
        await erase.ask_by_slash_command(interaction)
        return
    if role is not None and role.strip().lower() == PROGRESS:
        await _send_progress(interaction, service)
        return
    if group:
        await _open_group(interaction, service, role=role, questions=questions, minutes=minutes, alone=tailor or review)
        return
    if tailor:
        await show_form(interaction, service, role=role, questions=questions, private=private, review=review)
        return
    if role is None:
        await interaction.response.send_message(texts.ROLE_NEEDED, ephemeral=True)
        return
    problem = service.start_problem(role, questions)
    if problem is None and review:
        problem = await service.review_refusal(platform=PLATFORM, user_id=str(interaction.user.id), role=role)
    if problem is not None:
        await interaction.response.send_message(problem, ephemeral=True)
        return
    pack = service.catalog.resolve(role)

    async def begin(conv: ConversationRef, sender: DiscordReplies, event_id: str | None) -> object:
        return await service.start(
            conv, role=pack.id, questions=questions, level=level, event_id=event_id, sender=sender, review=review
        )

    await start_where_used(interaction, service, title=pack.title, private=private, begin=begin)


@mock_interview.autocomplete("role")
async def _role_autocomplete(interaction: discord.Interaction[Any], current: str) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=n, value=v) for n, v in command_choices(_service(interaction).catalog, current)]


async def _open_group(
    interaction: discord.Interaction[Any], service: InterviewService, *, role: str | None, questions: int | None,
    minutes: int | None, alone: bool,
) -> None:  # fmt: skip
    """`/mock-interview group:True`: a study group's thread, or a private word on what is missing."""
    problem = texts.GROUP_NOT_TAILORED if alone else texts.GROUP_ROLE_NEEDED if role is None else None
    if problem is not None:
        await interaction.response.send_message(problem, ephemeral=True)
        return
    assert role is not None
    await open_group(interaction, service, role=role, questions=questions, minutes=minutes)


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
