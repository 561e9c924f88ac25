"""`/mock-interview`: start an interview in a new thread, or help, roles, history, report, end and delete-my-data."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bots.slack import render
from bots.slack.erasure import DataErasure
from bots.slack.inbound import (
    DELETE_MY_DATA,
    PLATFORM,
    BadCommand,
    StartRequest,
    SubCommand,
    parse_command_text,
)
from bots.slack.start_guard import StartGuard
from bots.slack.threads import ThreadOwners, open_interview_in_channel, parent_metadata, post_replies, update_parent
from core.domain import messages
from core.domain.models import ConversationRef
from core.domain.roles import UnknownRole
from core.interview.records import InterviewNotFound
from core.interview.service import InterviewService

log = logging.getLogger(__name__)

Respond = Callable[..., Awaitable[Any]]

CANNOT_POST = (
    "I can't post in this conversation. Add me to the channel first (`/invite @Mock Interview Coach`), "
    "or run `/mock-interview` in a DM with me."
)
FAILED = "Something went wrong on my side. Nothing you typed was lost: please try again in a moment."
STARTING = (
    "You are already starting an interview in this channel: its thread will appear in a moment. "
    "Finish it with `/mock-interview end` if you want a different one."
)


@dataclass(frozen=True)
class Invocation:
    """Where and by whom the command was given, and how to answer them privately."""

    team: str
    channel: str
    user: str
    client: AsyncWebClient
    tell: Callable[[str], Awaitable[None]]
    respond: Respond  # for private answers with blocks


class SlashCommands:
    """Handles `/mock-interview` after it was acknowledged."""

    def __init__(self, service: InterviewService, owners: ThreadOwners, erasure: DataErasure) -> None:
        self.service = service
        self.owners = owners
        self.erasure = erasure
        self.starts = StartGuard(service)

    async def handle(self, command: dict[str, Any], *, client: AsyncWebClient, respond: Respond) -> None:
        """Act on one slash command (already acknowledged), answering privately where nobody else needs to see."""
        # Slack never retries a slash command, but a Socket Mode reconnect can redeliver one: once per trigger.
        trigger = command.get("trigger_id")
        if trigger and not await self.service.store.claim_event(PLATFORM, f"command:{trigger}"):
            return
        parsed = parse_command_text(command.get("text") or "")

        async def tell(text: str) -> None:
            await respond(text=text, response_type="ephemeral", replace_original=False)

        at = Invocation(
            command.get("team_id", ""), command.get("channel_id", ""), command.get("user_id", ""), client, tell, respond
        )
        try:
            if isinstance(parsed, BadCommand):
                await tell(parsed.message)
            elif isinstance(parsed, StartRequest):
                await self.start(parsed, at)
            else:
                await self.sub_command(parsed, at)
        except Exception:
            log.exception("slash command failed")
            await tell(FAILED)

    async def start(self, request: StartRequest, at: Invocation) -> None:
        """Post the parent message and run the new interview in its thread."""
        team, channel, user, tell = at.team, at.channel, at.user, at.tell
        try:
            pack = self.service.catalog.resolve(request.role)
        except UnknownRole as exc:
            await tell(render.defuse(messages.unknown_role(exc.name, self.service.catalog)))
            return
        claim = await self.starts.claim(team=team, channel=channel, user=user)
        if claim is None:  # the same person's other command, sent together with this one, is starting one
            await tell(STARTING)
            return
        try:
            await self._start_claimed(request, at, pack_id=pack.id, role_title=pack.title)
        finally:
            await self.starts.finished(claim)

    async def _start_claimed(self, request: StartRequest, at: Invocation, *, pack_id: str, role_title: str) -> None:
        """Start the interview once the claim is won."""
        team, channel, user, client, tell = at.team, at.channel, at.user, at.client, at.tell
        existing = await open_interview_in_channel(self.service, team_id=team, channel_id=channel, user_id=user)
        if existing is not None:
            title = self.service.records.role_title(existing.role)
            await tell(
                f"You already have a *{render.defuse(title)}* interview open in this channel: answer in its thread, "
                "or finish it with `/mock-interview end` first."
            )
            return
        thread_ts = await self._post_parent(at, role_title=role_title)
        if thread_ts is None:
            await tell(CANNOT_POST)
            return
        self.owners.remember(channel, thread_ts, user)
        conv = ConversationRef(PLATFORM, team, channel, thread_ts, user)
        replies = await self.service.start(
            conv, role=pack_id, questions=request.questions, level=request.level, language=request.language
        )
        started = any(r.is_question for r in replies)
        status = "reply in this thread to answer :thread:" if started else "could not start"
        await update_parent(client, conv, role_title=role_title, status=status)
        await post_replies(client, conv, replies, service=self.service)

    async def _post_parent(self, at: Invocation, *, role_title: str) -> str | None:
        """Post the line the interview thread hangs from; its ts, or None where the app cannot post."""
        text = render.parent_text(user_id=at.user, role_title=role_title, status=":hourglass_flowing_sand: setting up…")
        for attempt in (1, 2):
            try:
                parent = await at.client.chat_postMessage(
                    channel=at.channel, text=text, metadata=parent_metadata(at.user)
                )
                return str(parent["ts"])
            except SlackApiError as exc:
                error = exc.response.get("error")
                log.info("cannot post the parent message: %s", error)
                if attempt == 2 or error != "not_in_channel" or not await self._join(at):
                    return None
        return None

    async def _join(self, at: Invocation) -> bool:
        """Join a public channel: Slack only sends the app the answers in threads of channels it is a member of."""
        try:
            await at.client.conversations_join(channel=at.channel)
            return True
        except SlackApiError as exc:  # private channels cannot be joined: someone has to /invite the app
            log.info("cannot join the channel: %s", exc.response.get("error"))
            return False

    async def sub_command(self, command: SubCommand, at: Invocation) -> None:
        """help, roles, history, report, end and delete-my-data."""
        team, channel, user, client, tell = at.team, at.channel, at.user, at.client, at.tell
        if command.name == "help":
            await tell(render.SLACK_HELP)
        elif command.name == "roles":
            packs = [(p.id, p.title, p.aliases) for p in self.service.catalog.packs.values()]
            await tell(render.roles_text(packs))
        elif command.name == "history":
            rows = await self.service.records.history(user_id=user, platform=PLATFORM, workspace_id=team, limit=15)
            titles = {rid: p.title for rid, p in self.service.catalog.packs.items()}
            await tell(render.history_text(rows, titles))
        elif command.name == "report":
            await self.report(command.arg, at)
        elif command.name == "end":
            interview = await open_interview_in_channel(self.service, team_id=team, channel_id=channel, user_id=user)
            if interview is None:
                await tell("You have no open interview in this channel.")
                return
            replies = await self.service.command(interview.conv, "end")
            await post_replies(client, interview.conv, replies, service=self.service)
            await tell("Your interview is finished: the scorecard is in its thread.")
        elif command.name == DELETE_MY_DATA:
            await self.erasure.ask(team=team, user=user, respond=at.respond)

    async def report(self, id_prefix: str, at: Invocation) -> None:
        """Upload one of the user's interviews as a Markdown file (ephemeral messages cannot carry files)."""
        channel, user, client, tell = at.channel, at.user, at.client, at.tell
        # Only this person's interviews in this workspace: a full id of anyone else's is "not found", the same
        # words as for an id that does not exist, so nothing is given away about other interviews.
        mine = {"user_id": user, "platform": PLATFORM, "workspace_id": at.team}
        try:
            interview = await self.service.records.find(id_prefix, **mine)
            document = await self.service.records.report(interview.id, fmt="md", **mine)
        except InterviewNotFound as exc:
            await tell(render.defuse(str(exc)))
            return
        assert isinstance(document, str)
        short = interview.id[:8]
        try:
            await client.files_upload_v2(
                channel=channel,
                content=document,
                filename=f"mock-interview-{short}.md",
                title=f"Mock interview {short}",
                initial_comment=f"Report of mock interview `{short}`, as asked by {render.mention(user)}.",
            )
        except SlackApiError as exc:
            log.info("report upload failed: %s", exc.response.get("error"))
            await tell(
                f"I couldn't upload the report here ({CANNOT_POST}) Its beginning:\n```"
                + render.cap(render.defuse(document), 2500)
                + "```"
            )
