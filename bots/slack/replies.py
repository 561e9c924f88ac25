"""Slack's ReplySender: replies posted into interview and study group threads (each tagged with its outbox item, so a
worker that takes one over after a crash posts only what is not in the thread yet) or a person's DM with the app,
private notes as ephemeral messages, and a reaction on the message being worked on."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bots.slack import render, texts
from bots.slack.chart import has_chart, share_chart
from bots.slack.group_render import group_messages, is_group_reply
from bots.slack.home import publish_home
from core.coaching.scorecard import format_score
from core.domain.groups import DIRECT_CHANNEL
from core.domain.models import ConversationRef
from core.domain.replies import Reply, ReplyCode, ReplyKind
from core.interview.service import InterviewService
from core.ports import OutboxItem

log = logging.getLogger(__name__)

WORKING = "hourglass_flowing_sand"  # the reaction shown on an answer while the interviewer works
METADATA_EVENT = "mock_interview_started"
REPLY_METADATA = "mock_interview_reply"  # tags each reply with its outbox item, so a resend can skip what landed
CHART_PART = -1  # where _posted_parts notes a scorecard chart already shared in the thread

ClientFor = Callable[[str], Awaitable[AsyncWebClient | None]]  # a Web API client for a workspace
Respond = Callable[..., Awaitable[Any]]  # bolt's respond(): a private answer through the event's response_url


@dataclass(frozen=True)
class Origin:
    """The message an event came from: where progress is shown and to whom a private note goes."""

    team_id: str
    channel_id: str
    ts: str  # the message that gets the working reaction
    user_id: str  # who gets private notes
    thread_ts: str | None = None


def one_client(client: AsyncWebClient) -> ClientFor:
    """The client bolt gave an event (authorized for its workspace), whatever workspace is asked for."""

    async def client_for(_team_id: str) -> AsyncWebClient:
        return client

    return client_for


class SlackReplies:
    """Shows the core's replies on Slack, for one event (origin, respond) or for a sweeping worker (neither)."""

    def __init__(
        self,
        clients: ClientFor,
        service: InterviewService,
        *,
        origin: Origin | None = None,
        respond: Respond | None = None,
        on_start: Callable[[], Awaitable[None]] | None = None,
        on_started: Callable[[Reply], Awaitable[None]] | None = None,
    ) -> None:
        self._clients = clients
        self._service = service
        self._origin = origin
        self._respond = respond
        self._on_start = on_start  # when the work starts: e.g. replace the clicked buttons by a note of the choice
        self._on_started = on_started  # before a new interview's first reply: e.g. say so on the thread's parent

    async def _client(self, team_id: str) -> AsyncWebClient:
        client = await self._clients(team_id)
        if client is None:
            raise LookupError(f"no installation for workspace {team_id}")
        return client

    async def send(self, item: OutboxItem) -> str | None:
        """Post every message of the item not in its thread yet; the first one's ts."""
        client = await self._client(item.conv.workspace_id)
        posted = await self._posted_parts(client, item) if item.taken_over else {}
        conv, reply = item.conv, texts.in_thread(item.reply)
        if reply.code is ReplyCode.STARTED and self._on_started is not None:
            await self._on_started(reply)
        first: str | None = None
        messages = group_messages(reply) if is_group_reply(reply) else render.reply_messages(reply)
        for part, message in enumerate(messages):
            ts = posted.get(part)
            if ts is None:
                response = await client.chat_postMessage(
                    # A person's DM (their own scorecard of a study group): Slack takes their user id as the
                    # channel and posts in their DM with the app, as daily.py does, with no im:write scope.
                    channel=conv.user_id if conv.channel_id == DIRECT_CHANNEL else conv.channel_id,
                    thread_ts=conv.thread_id,
                    text=message.text,
                    blocks=message.blocks,
                    metadata={"event_type": REPLY_METADATA, "event_payload": {"item": item.ref, "part": part}},
                    unfurl_links=False,
                    unfurl_media=False,
                )
                ts = response.get("ts")
                if conv.channel_id == DIRECT_CHANNEL:  # the DM's own id, for the rest (and a chart's upload)
                    conv = dataclasses.replace(conv, channel_id=str(response.get("channel") or conv.user_id))
            first = first or ts
        card = reply.scorecard if reply.kind is ReplyKind.SCORECARD else None
        if card is not None and CHART_PART not in posted:
            await share_chart(client, conv, card)
        if card is not None:  # the Home tab shows the new score
            await publish_home(client, self._service, team=conv.workspace_id, user=conv.user_id)
        await self._mark_parent(client, conv, reply)
        return first

    async def tell(self, note: Reply) -> None:
        """A private note: through the event's response_url, or as an ephemeral message in the thread."""
        text = texts.note_text(note)
        if self._respond is not None:
            await self._respond(text=text, response_type="ephemeral", replace_original=False)
            return
        origin = self._origin
        if origin is None:
            return
        try:
            client = await self._client(origin.team_id)
            await client.chat_postEphemeral(
                channel=origin.channel_id, user=origin.user_id, thread_ts=origin.thread_ts, text=text
            )
        except (SlackApiError, LookupError) as exc:
            log.info("could not tell %s privately: %s", origin.user_id, exc)

    async def working(self, on: bool) -> None:
        """The working reaction on the event's message while the core works on it."""
        if on and self._on_start is not None:
            await self._on_start()
        origin = self._origin
        if origin is not None:
            await react(await self._client(origin.team_id), origin.channel_id, origin.ts, on=on)

    async def _posted_parts(self, client: AsyncWebClient, item: OutboxItem) -> dict[int, str]:
        """The parts of item already in its thread, by part number, and a scorecard's chart as CHART_PART (a crash can
        fall between posting and marking)."""
        conv = item.conv
        if not conv.thread_id:
            return {}
        try:
            page = await client.conversations_replies(
                channel=conv.channel_id, ts=conv.thread_id, limit=200, include_all_metadata=True
            )
        except SlackApiError as exc:
            log.warning("could not read the thread to resend a reply: %s", exc.response.get("error"))
            raise
        card = item.reply.scorecard if item.reply.kind is ReplyKind.SCORECARD else None
        parts = {}
        for message in page.get("messages") or []:
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if metadata.get("event_type") == REPLY_METADATA and payload.get("item") == item.ref:
                parts[int(payload.get("part", 0))] = message.get("ts")
            elif card is not None and has_chart(message, card):
                parts[CHART_PART] = message.get("ts")
        return parts

    async def _mark_parent(self, client: AsyncWebClient, conv: ConversationRef, reply: Reply) -> None:
        """On a scorecard (or an interview ended unanswered), show the end on the thread's parent message."""
        if not conv.thread_id:
            return
        if reply.kind is ReplyKind.SCORECARD and reply.scorecard is not None:
            card = reply.scorecard
            status = f"finished · overall *{format_score(card.overall_score)}*"
            await update_parent(client, conv, role_title=card.role_title, status=status)
        elif reply.code is ReplyCode.ENDED_UNANSWERED and reply.interview_id:
            title = await self._service.role_title(reply.interview_id) or "Mock"
            await update_parent(client, conv, role_title=title, status="ended before any answer")


async def update_parent(client: AsyncWebClient, conv: ConversationRef, *, role_title: str, status: str) -> None:
    """Rewrite the thread's parent message with a new status (best effort: the thread matters more)."""
    try:
        await client.chat_update(
            channel=conv.channel_id,
            ts=conv.thread_id or "",
            text=render.parent_text(user_id=conv.user_id, role_title=role_title, status=status),
            metadata=parent_metadata(conv.user_id),
        )
    except SlackApiError as exc:
        error = exc.response.get("error")
        # A thread under the person's own message (a file sent with `tailor` in the DM) has no line of ours.
        (log.info if error == "cant_update_message" else log.warning)("could not update the parent message: %s", error)


def parent_metadata(owner: str) -> dict[str, Any]:
    """Message metadata naming the candidate (for people reading the thread's history, and other apps)."""
    return {"event_type": METADATA_EVENT, "event_payload": {"owner": owner}}


async def react(client: AsyncWebClient, channel: str, ts: str, *, on: bool) -> None:
    """Show (or clear) the working reaction on a message; failures only cost the progress hint."""
    try:
        if on:
            await client.reactions_add(channel=channel, timestamp=ts, name=WORKING)
        else:
            await client.reactions_remove(channel=channel, timestamp=ts, name=WORKING)
    except SlackApiError as exc:
        log.debug("reaction %s failed: %s", "add" if on else "remove", exc.response.get("error"))
