"""`/mock-interview`: start an interview in a new thread, or help, roles, history, report, end, tailor (a form), group
(a study group in a new thread) and delete-my-data."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bots.slack import render, texts
from bots.slack.chart import share_progress_chart
from bots.slack.daily import change_daily
from bots.slack.erasure import DataErasure
from bots.slack.groups import StudyGroups
from bots.slack.home import dm_channel_of, parse_start
from bots.slack.inbound import DELETE_MY_DATA, PLATFORM, BadCommand, StartRequest, SubCommand, parse_command_text
from bots.slack.replies import Respond, SlackReplies, one_client
from bots.slack.tailoring import TailoredStarts
from bots.slack.threads import Invocation, NewThread, ThreadStarts, nowhere
from core.domain import messages
from core.domain.commands import Command
from core.domain.daily import USAGE as DAILY_USAGE
from core.domain.daily import DailyProblem, parse_daily
from core.domain.models import ConversationRef
from core.domain.replies import Reply
from core.domain.roles import UnknownRole
from core.interview.progress import progress_markdown
from core.interview.reading import InterviewNotFound
from core.interview.service import InterviewService

log = logging.getLogger(__name__)


class SlashCommands:
    """Handles `/mock-interview` after it was acknowledged."""

    def __init__(
        self,
        service: InterviewService,
        erasure: DataErasure,
        threads: ThreadStarts,
        tailored: TailoredStarts,
        groups: StudyGroups,
    ) -> None:
        self.service = service
        self.erasure = erasure
        self.threads = threads
        self.tailored = tailored
        self.groups = groups

    async def handle(self, command: dict[str, Any], *, client: AsyncWebClient, respond: Respond | None) -> None:
        """Act on one slash command (already acknowledged), answering privately where nobody else needs to see."""
        trigger = command.get("trigger_id")
        parsed = parse_command_text(command.get("text") or "")
        respond = respond or nowhere  # bolt gives no respond() without a response_url

        async def tell(text: str) -> None:
            await respond(text=text, response_type="ephemeral", replace_original=False)

        at = Invocation(
            command.get("team_id") or "",
            command.get("channel_id") or "",
            command.get("user_id") or "",
            client,
            tell,
            respond,
            f"command:{trigger}" if trigger else None,
            trigger,
        )
        if not (at.team and at.channel and at.user):
            # Slack always sends these; without them an interview would be stored under empty ids.
            log.info("refused a slash command without its workspace, channel or user")
            await tell(texts.NO_PLACE)
            return
        try:
            if isinstance(parsed, StartRequest):
                await self.start(parsed, at)
            elif isinstance(parsed, SubCommand) and parsed.name == "end":
                await self.end(at)
            elif not await self._first(at):  # the rest only read: the claim alone keeps a copy quiet
                return
            elif isinstance(parsed, BadCommand):
                await tell(parsed.message)
            else:
                await self.sub_command(parsed, at)
        except Exception:
            log.exception("slash command failed")
            await tell(texts.COMMAND_FAILED)

    async def start_from_home(self, body: dict[str, Any], *, client: AsyncWebClient) -> None:
        """A Start click on the Home tab: the interview, in the person's DM with the app."""
        actions = body.get("actions") or []
        start = parse_start(actions[0]) if actions else None
        user = (body.get("user") or {}).get("id") or ""
        team = (body.get("user") or {}).get("team_id") or (body.get("team") or {}).get("id") or ""
        if start is None or not user or not team or self.service.start_problem(start[0]) is not None:
            return
        role, channel = start
        title = self.service.catalog.resolve(role).title
        channel = channel or await dm_channel_of(client, user, f"Starting your {title} interview here.") or ""
        if not channel:
            return

        async def tell(text: str) -> None:  # the Home tab has no response_url: the DM is private enough
            await client.chat_postMessage(channel=channel, text=text)

        trigger = body.get("trigger_id")
        at = Invocation(team, channel, user, client, tell, nowhere, f"home:{trigger}" if trigger else None)
        await self.start(StartRequest(role), at)

    async def _first(self, at: Invocation) -> bool:
        """Whether this is the command's first delivery."""
        return at.event_id is None or await self.service.claim_event(PLATFORM, at.event_id)

    async def start(self, request: StartRequest, at: Invocation) -> None:
        """`/mock-interview ROLE` (or a Start click): the interview in a new thread, unless the role, the count or
        the review schedule stops it (said privately, once)."""
        problem = self.service.start_problem(request.role)
        if problem is None and request.review:
            problem = await self.service.review_refusal(platform=PLATFORM, user_id=at.user, role=request.role)
        if problem is not None:
            if await self._first(at):
                await at.tell(render.defuse(problem))
            return

        async def begin(conv: ConversationRef, sender: SlackReplies) -> list[Reply]:
            return await self.service.start(
                conv,
                role=request.role,
                questions=request.questions,
                level=request.level,
                language=request.language,
                sender=sender,
                review=request.review,
            )

        await self.threads.start_in_thread(at, NewThread(begin, self.service.catalog.resolve(request.role).title))

    async def end(self, at: Invocation) -> None:
        """`end`: finish the person's open interview in this channel, scorecard in its thread."""
        conv = await self.service.open_in_channel(at.place)
        if conv is None:
            if await self._first(at):
                await at.tell(texts.NOTHING_OPEN)
            return
        sender = SlackReplies(one_client(at.client), self.service)
        if await self.service.command(conv, Command.END, event_id=at.event_id, sender=sender):
            await at.tell(texts.ENDED)

    async def sub_command(self, command: SubCommand, at: Invocation) -> None:
        """help, roles, history, progress, report, daily, tailor, group and delete-my-data."""
        if command.name == "help":
            await at.tell(texts.SLACK_HELP)
        elif command.name == "roles":
            packs = [(p.id, p.title, p.aliases) for p in self.service.catalog.packs.values()]
            await at.tell(render.roles_text(packs))
        elif command.name == "history":
            rows = await self.service.history(user_id=at.user, platform=PLATFORM, workspace_id=at.team, limit=15)
            titles = self.service.catalog.titles
            await at.tell(render.history_text(rows, titles))
        elif command.name == "report":
            await self.report(command.arg, at)
        elif command.name == "progress":
            await self.progress(command.arg, at)
        elif command.name == "daily":
            parsed = parse_daily(f"daily {command.arg}") or DailyProblem(DAILY_USAGE)
            await change_daily(self.service, parsed, client=at.client, place=at.place, tell=at.tell)
        elif command.name == "tailor":
            await self.tailored.open_form(command.arg, at)
        elif command.name == "group":
            await self.groups.open(command.arg, at)
        elif command.name == DELETE_MY_DATA:
            await self.erasure.ask(team=at.team, user=at.user, respond=at.respond)

    async def progress(self, role: str, at: Invocation) -> None:
        """The person's progress on Slack, as an ephemeral message; its chart in their DM with the app (an ephemeral
        message cannot carry a file)."""
        catalog = self.service.catalog
        try:
            progress = await self.service.progress(user_id=at.user, platform=PLATFORM, role=role or None)
        except UnknownRole as exc:
            await at.tell(render.mrkdwn(messages.unknown_role(exc.name, catalog)))
            return
        await at.tell(render.cap(render.mrkdwn(progress_markdown(progress, catalog.titles))))
        await share_progress_chart(at.client, self.service, progress, user=at.user, channel=at.channel)

    async def report(self, id_prefix: str, at: Invocation) -> None:
        """Upload one of the user's interviews as a Markdown file (ephemeral messages cannot carry files)."""
        # Only this person's interviews in this workspace: a full id of anyone else's is "not found", the same
        # words as for an id that does not exist, so nothing is given away about other interviews.
        try:
            report = await self.service.report(
                id_prefix, fmt="md", user_id=at.user, platform=PLATFORM, workspace_id=at.team
            )
        except InterviewNotFound as exc:
            await at.tell(render.defuse(str(exc)))
            return
        document = str(report.document)
        short = report.interview_id[:8]
        try:
            await at.client.files_upload_v2(
                channel=at.channel,
                content=document,
                filename=f"mock-interview-{short}.md",
                title=f"Mock interview {short}",
                initial_comment=f"Report of mock interview `{short}`, as asked by {render.mention(at.user)}.",
            )
        except SlackApiError as exc:
            log.info("report upload failed: %s", exc.response.get("error"))
            await at.tell(
                f"I couldn't upload the report here ({texts.CANNOT_POST}) Its beginning:\n```"
                + render.cap(render.defuse(document), 2500)
                + "```"
            )
