"""Study groups in Slack threads: `/mock-interview group ROLE` opens one in a new thread of the channel, the buttons
and rating selects under its messages and the Answer form act on it, and messages typed in its thread are nobody's
answer. The core decides everything; this reads Slack's payloads and asks it."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bots.slack import render, texts
from bots.slack.group_inbound import (
    CONTROLS,
    GroupAction,
    answer_view,
    parse_group,
    parse_group_action,
    read_answer,
)
from bots.slack.inbound import PLATFORM, ThreadMessage
from bots.slack.replies import Origin, Respond, SlackReplies, one_client
from bots.slack.threads import Invocation, ThreadStarts
from core.domain.models import ConversationRef
from core.domain.replies import ReplyCode, private_note

log = logging.getLogger(__name__)

Ack = Callable[..., Awaitable[Any]]


class StudyGroups:
    """Opens study groups and turns clicks, selects, Answer forms and thread messages into the service's calls."""

    def __init__(self, threads: ThreadStarts) -> None:
        self.threads = threads
        self.service = threads.service

    async def open(self, words: str, at: Invocation) -> None:
        """`/mock-interview group ROLE [questions=N] [minutes=M]` (its first delivery): the problem privately, or a
        line in the channel and the lobby in its thread."""
        parsed = parse_group(words)
        if isinstance(parsed, str):
            await at.tell(parsed)
            return
        if at.channel.startswith("D"):  # a DM has nobody to study with
            await at.tell(texts.GROUP_IN_CHANNEL)
            return
        if problem := self.service.group_problem(parsed.role, parsed.questions, parsed.minutes):
            await at.tell(render.defuse(problem))
            return
        title = self.service.catalog.resolve(parsed.role).title
        thread_ts = await self.threads.post_parent(at, texts.group_parent(at.user, render.defuse(title)))
        if thread_ts is None:
            await at.tell(texts.CANNOT_POST)
            return
        place = ConversationRef(PLATFORM, at.team, at.channel, thread_ts, at.user)
        sender = SlackReplies(one_client(at.client), self.service, respond=at.respond)
        await self.service.group_open(
            place,
            role=parsed.role,
            questions=parsed.questions,
            minutes=parsed.minutes,
            event_id=f"group-open:{at.event_id}" if at.event_id else None,
            sender=sender,
        )

    async def on_action(self, body: dict[str, Any], *, client: AsyncWebClient, respond: Respond) -> None:
        """A click on a group's button, or a rating chosen (already acknowledged)."""
        user = (body.get("user") or {}).get("id") or ""
        actions = body.get("actions") or []
        action = parse_group_action(actions[0], user_id=user) if actions else None
        team = (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id") or ""
        channel = (body.get("channel") or {}).get("id") or ""
        clicked = body.get("message") or {}
        thread_ts = clicked.get("thread_ts") or ""
        if action is None or not (team and channel and thread_ts):
            return
        place = ConversationRef(PLATFORM, team, channel, thread_ts, user)
        origin = Origin(team, channel, str(clicked.get("ts") or thread_ts), user, thread_ts)
        sender = SlackReplies(one_client(client), self.service, origin=origin, respond=respond)
        # action_ts is the click's own: a redelivered click carries it again, the next click a new one.
        event_id = action.event_id(str(actions[0].get("action_ts") or clicked.get("ts") or ""))
        try:
            if action.name == "answer":
                await self._answer_form(body, action, place, client=client, sender=sender)
            else:
                await self._act(action, place, event_id, sender)
        except Exception:
            log.exception("group action failed")
            await respond(text=texts.COMMAND_FAILED, response_type="ephemeral", replace_original=False)

    async def _act(self, action: GroupAction, place: ConversationRef, event_id: str, sender: SlackReplies) -> None:
        service = self.service
        if action.name == "rate":
            await service.group_rate(
                place, action.rated, action.value, round_number=action.round_number, event_id=event_id, sender=sender
            )
        elif action.name in CONTROLS:
            # End ends whatever is open; Skip and Next act only on the question they were shown under.
            number = None if action.name == "end" else action.round_number
            await service.group_control(place, action.name, event_id=event_id, sender=sender, round_number=number)
        elif action.name == "join":
            await service.group_join(place, event_id=event_id, sender=sender)
        elif action.name == "leave":
            await service.group_leave(place, event_id=event_id, sender=sender)
        elif action.name == "start":
            await service.group_start(place, event_id=event_id, sender=sender)

    async def _answer_form(
        self, body: dict[str, Any], action: GroupAction, place: ConversationRef, *, client: AsyncWebClient,
        sender: SlackReplies,
    ) -> None:  # fmt: skip
        """Answer: the form to write it in (the core takes or refuses it at submission)."""
        trigger = body.get("trigger_id")
        clicked = body.get("message") or {}
        sections = [b["text"]["text"] for b in clicked.get("blocks") or [] if b.get("type") == "section"]
        heading = sections[0] if sections else str(clicked.get("text") or "")
        view = answer_view(
            channel=place.channel_id, thread_ts=place.thread_id or "", round_number=action.round_number,
            heading=heading,
        )  # fmt: skip
        try:
            if not trigger:
                raise LookupError("no trigger_id")
            await client.views_open(trigger_id=trigger, view=view)
        except (SlackApiError, LookupError) as exc:  # an expired trigger: the click took longer than Slack allows
            log.info("could not open the answer form: %s", exc)
            await sender.tell(private_note(texts.NO_ANSWER_FORM, ReplyCode.GROUP_NOTE))

    async def on_submission(self, body: dict[str, Any], *, ack: Ack, client: AsyncWebClient) -> None:
        """A submitted Answer form: closed at once, the answer given to the core (its confirmation or refusal told
        privately in the thread), once however often Slack delivers it."""
        await ack()
        form = read_answer(body)
        if form is None:
            return
        team = (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id") or ""
        place = ConversationRef(PLATFORM, team, form.channel, form.thread_ts, form.user)
        origin = Origin(team, form.channel, form.thread_ts, form.user, form.thread_ts)
        sender = SlackReplies(one_client(client), self.service, origin=origin)
        try:
            await self.service.group_answer(
                place, form.text, event_id=f"view:{form.view_id}", sender=sender, round_number=form.round_number
            )
        except Exception:
            log.exception("group answer failed")
            await sender.tell(private_note(texts.COMMAND_FAILED, ReplyCode.GROUP_NOTE))

    async def in_group_thread(self, message: ThreadMessage, conv: ConversationRef, sender: SlackReplies) -> bool:
        """Whether a thread message was typed in a study group's thread: then it is nobody's answer, and its writer
        is told once, privately, how to answer."""
        if message.thread_ts is None or not await self.service.group_here(conv):
            return False
        if await self.service.claim_event(PLATFORM, message.message_key):  # kept by the inbox: handled now
            await sender.tell(private_note(texts.GROUP_THREAD, ReplyCode.GROUP_NOTE))
        return True
