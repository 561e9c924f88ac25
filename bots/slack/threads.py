"""Opening an interview's thread: the start gate, the line in the channel the thread hangs from (or the person's
own message), and the interview begun in the thread. Every Slack start goes through ThreadStarts."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bots.slack import render, texts
from bots.slack.inbound import PLATFORM
from bots.slack.replies import Respond, SlackReplies, one_client, parent_metadata, update_parent
from core.domain.models import ConversationRef
from core.domain.replies import Reply, ReplyCode
from core.interview.service import InterviewService
from core.interview.starting import Gate

log = logging.getLogger(__name__)

STARTED_STATUS = "reply in this thread to answer :thread:"


@dataclass(frozen=True)
class Invocation:
    """Where and by whom the command was given, and how to answer them privately."""

    team: str
    channel: str
    user: str
    client: AsyncWebClient
    tell: Callable[[str], Awaitable[None]]
    respond: Respond  # for private answers with blocks
    event_id: str | None  # the command's own id: a Socket Mode reconnect can deliver it twice
    trigger_id: str | None = None  # a command's or a click's: what opening a form needs

    @property
    def place(self) -> ConversationRef:
        """The channel the command was given in, as the person who gave it."""
        return ConversationRef(PLATFORM, self.team, self.channel, None, self.user)


Begin = Callable[[ConversationRef, SlackReplies], Awaitable[list[Reply]]]


@dataclass(frozen=True)
class NewThread:
    """A start that opens a thread: how to begin the interview in it, the role its parent line shows (None when
    only the start knows it, as for a tailored one) and, instead of a parent line of ours, the person's own message
    to hang the thread from (a file sent with `tailor` in the DM)."""

    begin: Begin
    role_title: str | None = None
    under: str | None = None


async def nowhere(**_: Any) -> None:
    """respond() of a command that came without a response_url: there is nowhere to answer privately."""
    log.info("cannot answer a slash command that has no response_url")


class ThreadStarts:
    """Starts interviews in new threads."""

    def __init__(self, service: InterviewService) -> None:
        self.service = service

    async def start_in_thread(self, at: Invocation, new: NewThread) -> None:
        """Open a thread for a new interview and begin it there: one start at a time per person and channel, and one
        open interview each in a channel (the service's gate decides); every start goes through here."""
        gate = await self.service.open_start(at.place, event_id=at.event_id, one_per_channel=True)
        try:
            if gate.verdict is Gate.BUSY:  # the same person's other command, sent together with this one
                await at.tell(texts.STARTING)
            elif gate.verdict is Gate.ALREADY_OPEN:
                await at.tell(texts.already_open(render.defuse(gate.role_title or "mock")))
            elif gate.verdict is Gate.OPEN:
                await self._begin_in_thread(at, new)
        finally:
            await self.service.close_start(gate)

    async def _begin_in_thread(self, at: Invocation, new: NewThread) -> None:
        shown = new.role_title or texts.TAILORED_TITLE
        status = ":hourglass_flowing_sand: setting up…"
        thread_ts = new.under or await self.post_parent(
            at, render.parent_text(user_id=at.user, role_title=shown, status=status)
        )
        if thread_ts is None:
            await at.tell(texts.CANNOT_POST)
            return
        conv = ConversationRef(PLATFORM, at.team, at.channel, thread_ts, at.user)

        async def announce(started: Reply) -> None:  # the "setting up" line, updated before the first question
            title = new.role_title or await self.service.role_title(started.interview_id or "") or shown
            await update_parent(at.client, conv, role_title=title, status=STARTED_STATUS)

        # A thread under the person's own message (a file sent in the DM) has no line of ours to update.
        sender = SlackReplies(one_client(at.client), self.service, on_started=None if new.under else announce)
        replies = await new.begin(conv, sender)
        if not new.under and not any(r.code is ReplyCode.STARTED for r in replies):
            await update_parent(at.client, conv, role_title=shown, status="could not start")

    async def post_parent(self, at: Invocation, text: str) -> str | None:
        """Post the line a thread (an interview's, a study group's) hangs from; its ts, or None where the app cannot
        post (a public channel the app is not in is joined first)."""
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
