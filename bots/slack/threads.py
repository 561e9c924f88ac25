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
from core.finishing import NO_ANSWERS
from core.models import ConversationRef, Interview
from core.replies import Reply, ReplyKind
from core.scorecard import format_score
from core.service import InterviewService

log = logging.getLogger(__name__)

WORKING = "hourglass_flowing_sand"  # the reaction shown on an answer while the interviewer works
METADATA_EVENT = "mock_interview_started"
_FIRST_MENTION = re.compile(r"<@([A-Z0-9]+)>")
_OWNER_CACHE_SIZE = 10_000


async def post_replies(
    client: AsyncWebClient, conv: ConversationRef, replies: Sequence[Reply], *, service: InterviewService
) -> None:
    """Post the core's replies in the interview's thread, in order; on a scorecard, mark the parent finished."""
    for reply in replies:
        for message in reply_messages(reply):
            await client.chat_postMessage(
                channel=conv.channel_id,
                thread_ts=conv.thread_id,
                text=message.text,
                blocks=message.blocks,
                unfurl_links=False,
                unfurl_media=False,
            )
        if reply.kind is ReplyKind.SCORECARD and reply.scorecard is not None and conv.thread_id:
            card = reply.scorecard
            status = f"finished · overall *{format_score(card.overall_score)}*"
            await update_parent(client, conv, role_title=card.role_title, status=status)
        elif reply.text == NO_ANSWERS and reply.interview_id and conv.thread_id:
            interview = await service.store.get_interview(reply.interview_id)
            title = service.records.role_title(interview.role) if interview else "Mock"
            await update_parent(client, conv, role_title=title, status="ended before any answer")


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
