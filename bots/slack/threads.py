"""Interview threads on Slack: posting replies into them, progress reactions, and who owns a thread."""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bots.slack.inbound import PLATFORM
from bots.slack.render import parent_text, reply_messages
from core.coaching.scorecard import format_score
from core.domain.models import ConversationRef, Interview
from core.domain.replies import Reply, ReplyKind
from core.interview.finishing import NO_ANSWERS
from core.interview.service import InterviewService
from core.ports import OutboxItem

log = logging.getLogger(__name__)

WORKING = "hourglass_flowing_sand"  # the reaction shown on an answer while the interviewer works
METADATA_EVENT = "mock_interview_started"
REPLY_METADATA = "mock_interview_reply"  # tags each reply with its outbox item, so a resend can skip what landed
_FIRST_MENTION = re.compile(r"<@([A-Z0-9]+)>")
_OWNER_CACHE_SIZE = 10_000


async def post_replies(
    client: AsyncWebClient, conv: ConversationRef, replies: Sequence[Reply], *, service: InterviewService
) -> None:
    """Post the core's replies in the interview's thread, in order, through the outbox."""
    await service.outbox.deliver(conv, replies, ThreadPoster(client, service).send)


class ThreadPoster:
    """Posts outbox items into interview threads, each message tagged with its item, so a worker that takes over
    an item after a crash can tell what was posted before it was marked sent."""

    def __init__(self, client: AsyncWebClient, service: InterviewService) -> None:
        self._client = client
        self._service = service

    async def send(self, item: OutboxItem) -> str | None:
        """Post every message of the item; the first one's ts."""
        return await self._post(item, posted={})

    async def send_unless_posted(self, item: OutboxItem) -> str | None:
        """Post the item's messages that are not in the thread yet (a crash can fall between posting and marking)."""
        return await self._post(item, posted=await self._posted_parts(item))

    async def _post(self, item: OutboxItem, *, posted: dict[int, str]) -> str | None:
        conv, reply = item.conv, item.reply
        first: str | None = None
        for part, message in enumerate(reply_messages(reply)):
            ts = posted.get(part)
            if ts is None:
                response = await self._client.chat_postMessage(
                    channel=conv.channel_id,
                    thread_ts=conv.thread_id,
                    text=message.text,
                    blocks=message.blocks,
                    metadata={"event_type": REPLY_METADATA, "event_payload": {"item": item.ref, "part": part}},
                    unfurl_links=False,
                    unfurl_media=False,
                )
                ts = response.get("ts")
            first = first or ts
        await self._mark_parent(conv, reply)
        return first

    async def _posted_parts(self, item: OutboxItem) -> dict[int, str]:
        """The parts of item already in its thread, by part number."""
        conv = item.conv
        if not conv.thread_id:
            return {}
        try:
            page = await self._client.conversations_replies(
                channel=conv.channel_id, ts=conv.thread_id, limit=200, include_all_metadata=True
            )
        except SlackApiError as exc:
            log.warning("could not read the thread to resend a reply: %s", exc.response.get("error"))
            raise
        parts = {}
        for message in page.get("messages") or []:
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if metadata.get("event_type") == REPLY_METADATA and payload.get("item") == item.ref:
                parts[int(payload.get("part", 0))] = message.get("ts")
        return parts

    async def _mark_parent(self, conv: ConversationRef, reply: Reply) -> None:
        """On a scorecard (or an interview ended unanswered), show the end on the thread's parent message."""
        if not conv.thread_id:
            return
        if reply.kind is ReplyKind.SCORECARD and reply.scorecard is not None:
            card = reply.scorecard
            status = f"finished · overall *{format_score(card.overall_score)}*"
            await update_parent(self._client, conv, role_title=card.role_title, status=status)
        elif reply.text == NO_ANSWERS and reply.interview_id:
            interview = await self._service.store.get_interview(reply.interview_id)
            title = self._service.records.role_title(interview.role) if interview else "Mock"
            await update_parent(self._client, conv, role_title=title, status="ended before any answer")


async def update_parent(client: AsyncWebClient, conv: ConversationRef, *, role_title: str, status: str) -> None:
    """Rewrite the thread's parent message with a new status (best effort: the thread matters more)."""
    try:
        await client.chat_update(
            channel=conv.channel_id,
            ts=conv.thread_id or "",
            text=parent_text(user_id=conv.user_id, role_title=role_title, status=status),
            metadata=parent_metadata(conv.user_id),
        )
    except SlackApiError as exc:
        log.warning("could not update the parent message: %s", exc.response.get("error"))


def parent_metadata(owner: str) -> dict[str, Any]:
    """Message metadata naming the candidate, so any worker can tell whose thread this is."""
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


class ThreadOwners:
    """Who started each interview thread; remembered here, else read from the thread's parent message."""

    def __init__(self) -> None:
        # Owners never change, so caching them is safe across workers; the bound keeps memory flat.
        self._known: OrderedDict[tuple[str, str], str | None] = OrderedDict()

    def remember(self, channel: str, thread_ts: str, owner: str | None) -> None:
        """Record a thread's owner (None: not an interview thread)."""
        self._known[(channel, thread_ts)] = owner
        self._known.move_to_end((channel, thread_ts))
        while len(self._known) > _OWNER_CACHE_SIZE:
            self._known.popitem(last=False)

    async def owner(
        self, client: AsyncWebClient, channel: str, thread_ts: str, *, bot_user_id: str | None
    ) -> str | None:
        """The candidate whose interview this thread is, or None when it is not one of our interview threads."""
        key = (channel, thread_ts)
        if key in self._known:
            return self._known[key]
        try:
            page = await client.conversations_replies(
                channel=channel, ts=thread_ts, limit=1, inclusive=True, include_all_metadata=True
            )
        except SlackApiError as exc:
            log.warning("could not read thread parent: %s", exc.response.get("error"))
            return None  # not cached: the next message asks again
        messages = page.get("messages") or []
        parent = messages[0] if messages else {}
        owner = parent_owner(parent, bot_user_id=bot_user_id)
        self.remember(channel, thread_ts, owner)
        return owner


def parent_owner(parent: dict[str, Any], *, bot_user_id: str | None) -> str | None:
    """The owner named by one of our parent messages (metadata first, then its first mention)."""
    if bot_user_id is not None and parent.get("user") != bot_user_id:
        return None
    metadata = parent.get("metadata") or {}
    if metadata.get("event_type") == METADATA_EVENT:
        owner = (metadata.get("event_payload") or {}).get("owner")
        if owner:
            return str(owner)
    match = _FIRST_MENTION.search(parent.get("text") or "")
    return match.group(1) if match and parent.get("text", "").startswith(":briefcase:") else None


async def open_interview_in_channel(
    service: InterviewService, *, team_id: str, channel_id: str, user_id: str
) -> Interview | None:
    """The user's open interview in this channel (in any of its threads), if there is one."""
    rows = await service.records.history(user_id=user_id, platform=PLATFORM, workspace_id=team_id, limit=200)
    for row in rows:
        if not row.status.is_open:
            continue
        interview = await service.store.get_interview(row.id)
        if interview is not None and interview.status.is_open and interview.conv.channel_id == channel_id:
            return interview
    return None
