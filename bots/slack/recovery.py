"""Nothing lost to a crash: answers kept before Slack gets its acknowledgement, and a sweeper that carries on.

Slack delivers an event once it is acknowledged, never again; bolt acknowledges before our listener runs. So a
person's thread message is kept (service.keep_event) by a middleware before the acknowledgement. The sweeper, in
every worker, takes over what a dead worker left: kept events never handled (dispatched again), interviews left
mid-turn (their move made, their answers graded) and replies stored but never marked sent (posted, unless the
thread shows they landed). It also sends the daily questions that are due (core/interview/daily.py) and keeps study
groups' time: a round whose deadline passed is closed, a rating window that ran out moves on.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bots.periodic import sweeper
from bots.slack.inbound import KEPT_MESSAGE, KEPT_NEW, PLATFORM, ThreadMessage, classify_message
from bots.slack.replies import ClientFor, SlackReplies
from core.interview.service import InterviewService

log = logging.getLogger(__name__)


def kept_answer(body: dict[str, Any], *, bot_user_id: str | None) -> ThreadMessage | None:
    """The thread message (a possible answer) an event body carries, or None."""
    if body.get("type") != "event_callback":
        return None
    event = body.get("event") or {}
    if event.get("type") != "message":
        return None
    team = body.get("team_id") or event.get("team") or ""
    message = classify_message(event, team_id=team, bot_user_id=bot_user_id)
    return message if isinstance(message, ThreadMessage) else None


def add_inbox(app: AsyncApp, service: InterviewService) -> None:
    """Keep every thread message before bolt acknowledges it (a redelivery is kept once)."""

    @app.middleware
    async def keep_before_ack(req: AsyncBoltRequest, resp: BoltResponse, next: Callable[[], Awaitable[Any]]) -> Any:
        message = kept_answer(req.body, bot_user_id=req.context.bot_user_id)
        if message is not None:
            # If this fails the request fails, and Slack delivers the event again: better than losing it.
            new = await service.keep_event(PLATFORM, message.message_key, user_id=message.user_id, body=req.body)
            req.context[KEPT_MESSAGE], req.context[KEPT_NEW] = message, new
        return await next()


class Sweeper:
    """Carries on what a stopped worker left, every few seconds."""

    def __init__(self, app: AsyncApp, service: InterviewService, client_for: ClientFor) -> None:
        self._app = app
        self._service = service
        self._replies = SlackReplies(client_for, service)  # no event of its own: nothing private to tell
        self._periodic = sweeper("slack-sweeper", service, self.sweep)

    def start(self) -> None:
        """Sweep in the background until stop()."""
        self._periodic.start()

    async def stop(self) -> None:
        """Stop sweeping."""
        await self._periodic.stop()

    async def sweep(self) -> None:
        """One pass: stalled events, interviews left mid-turn, the daily questions due, study groups' deadlines,
        replies never marked sent."""
        for body in await self._service.stalled_events(PLATFORM):
            log.info("handling an event its worker did not finish")
            # Socket Mode requests skip the signature check: this body was checked when it first arrived.
            await self._app.async_dispatch(AsyncBoltRequest(body=body, mode="socket_mode"))
        await self._service.recover(PLATFORM, self._replies)
        await self._service.send_daily(PLATFORM, self._replies)
        await self._service.send_group_deadlines(PLATFORM, self._replies)
        await self._service.redeliver(PLATFORM, self._replies)
