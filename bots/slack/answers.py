"""Answers in interview threads (text and audio clips) and the Hint / Skip / End / Retry buttons."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bots.slack import render
from bots.slack.clicks import first_delivery
from bots.slack.files import DownloadFailed, FileDownloader, TooLarge
from bots.slack.inbound import (
    PLATFORM,
    AudioClip,
    ButtonPress,
    DirectMessage,
    ThreadMessage,
    audio_clip,
    classify_message,
    parse_button,
    thread_conv,
)
from bots.slack.threads import ThreadOwners, post_replies, react
from core.domain.models import ConversationRef
from core.domain.replies import Reply, ReplyCode, error, info
from core.interview.service import InterviewService

log = logging.getLogger(__name__)

Respond = Callable[..., Awaitable[Any]]

DM_NUDGE = (
    "Hi! Start a mock interview with `/mock-interview ROLE` (try `/mock-interview roles`). "
    "During an interview, answer by replying in its thread."
)
NOT_AN_ANSWER = "I can take text or an audio clip as an answer, not other files. Your question is still open."
FINISHED = "This interview has finished. Start a new one with `/mock-interview ROLE`."
STALE_BUTTON = "That button belongs to a question that has already moved on; use the buttons under the latest one."
FAILED = "Something went wrong on my side. Your answer is kept if it was received: type `retry` to carry on."


def outsider_note(owner: str) -> str:
    """Told once to someone who writes in another person's interview thread."""
    return (
        f"This thread is {render.mention(owner)}'s mock interview, so I'm only taking their answers here. "
        "Start your own with `/mock-interview ROLE`."
    )


class ThreadAnswers:
    """Turns thread messages and button clicks into core calls and posts what comes back."""

    def __init__(self, service: InterviewService, owners: ThreadOwners, downloader: FileDownloader) -> None:
        self.service = service
        self.owners = owners
        self.downloader = downloader

    # --- messages -------------------------------------------------------------------------------------

    async def on_message(self, body: dict[str, Any], *, client: AsyncWebClient, context: dict[str, Any]) -> None:
        """One `message` event (already acknowledged)."""
        event = body.get("event") or {}
        team = body.get("team_id") or event.get("team") or context.get("team_id") or ""
        message = classify_message(event, team_id=team, bot_user_id=context.get("bot_user_id"))
        if isinstance(message, DirectMessage):
            if await self.service.store.claim_event(PLATFORM, message.message_key):
                await client.chat_postMessage(channel=message.channel_id, text=DM_NUDGE)
            return
        if not isinstance(message, ThreadMessage):
            return
        owner = await self.owners.owner(
            client, message.channel_id, message.thread_ts, bot_user_id=context.get("bot_user_id")
        )
        # An event the core sees is marked handled in the kept inbox by the transaction recording it; the others
        # are marked here, so the sweeper only takes over events whose worker stopped mid-way.
        if owner is None:
            await self.service.store.inbox_done(PLATFORM, message.message_key)
            return
        if message.user_id != owner:
            await self.service.store.inbox_done(PLATFORM, message.message_key)
            await self._outsider(message, owner, client=client)
            return
        conv = thread_conv(message)
        try:
            replies = await self._answer(message, conv, client=client, token=context.get("bot_token") or "")
        except Exception:
            log.exception("answer failed")
            await self.service.store.inbox_done(PLATFORM, message.message_key)
            replies = [error(FAILED, actions=())]
        await post_replies(client, conv, replies, service=self.service)

    async def _answer(
        self, message: ThreadMessage, conv: ConversationRef, *, client: AsyncWebClient, token: str
    ) -> list[Reply]:
        if message.audio is None and message.has_other_files and not message.text.strip():
            return await self._refuse(message, info(NOT_AN_ANSWER))
        # A redelivered event whose answer is stored already: no reaction, no download, no reply.
        if await self.service.store.event_seen(PLATFORM, message.message_key):
            return []
        await react(client, message.channel_id, message.ts, on=True)
        try:
            if message.audio is not None:
                replies = await self._voice(message, message.audio, conv, client=client, token=token)
            else:
                replies = await self.service.answer(conv, message.text, event_id=message.message_key)
        finally:
            await react(client, message.channel_id, message.ts, on=False)
        # The core's wording for "nothing open here" suggests starting one; in Slack a thread is one interview.
        return [info(FINISHED) if r.code is ReplyCode.NO_INTERVIEW else r for r in replies]

    async def _voice(
        self, message: ThreadMessage, clip: AudioClip, conv: ConversationRef, *, client: AsyncWebClient, token: str
    ) -> list[Reply]:
        limit = self.service.limits.max_download_bytes
        if clip.url is None:  # the event left the details out
            found = await client.files_info(file=clip.file_id)
            full = audio_clip(found.get("file") or {})
            if full is None or full.url is None:
                return await self._refuse(message, info(NOT_AN_ANSWER))
            clip = full
        too_large = error(
            f"That clip is too large for me (the limit is {limit // (1024 * 1024)} MB). "
            "Please send a shorter one: your question is still open.",
            interview_id=None,
        )
        if clip.size is not None and clip.size > limit:
            return await self._refuse(message, too_large)
        try:
            audio = await self.downloader.fetch(clip.url or "", token=token, limit=limit)
        except TooLarge:
            return await self._refuse(message, too_large)
        except DownloadFailed as exc:
            log.warning("clip download failed: %s", exc)
            again = error(f"{exc} Please send it again, or type your answer: your question is still open.")
            return await self._refuse(message, again)
        return await self.service.voice(
            conv,
            audio,
            filename=clip.name,
            mime=clip.mimetype,
            duration_s=clip.duration_s,
            event_id=message.message_key,
        )

    async def _refuse(self, message: ThreadMessage, reply: Reply) -> list[Reply]:
        """A message that cannot be taken as an answer: say why once, however often the event is delivered."""
        return [reply] if await self.service.store.claim_event(PLATFORM, message.message_key) else []

    async def _outsider(self, message: ThreadMessage, owner: str, *, client: AsyncWebClient) -> None:
        key = f"outsider:{message.channel_id}:{message.thread_ts}:{message.user_id}"
        if not await self.service.store.claim_event(PLATFORM, key):
            return  # told once already
        try:
            await client.chat_postEphemeral(
                channel=message.channel_id, user=message.user_id, thread_ts=message.thread_ts, text=outsider_note(owner)
            )
        except SlackApiError as exc:
            log.info("could not tell an outsider: %s", exc.response.get("error"))

    # --- buttons --------------------------------------------------------------------------------------

    async def on_button(self, body: dict[str, Any], *, client: AsyncWebClient, respond: Respond) -> None:
        """A click on one of our buttons (already acknowledged)."""
        user = (body.get("user") or {}).get("id", "")
        actions = body.get("actions") or []
        press = parse_button(actions[0], user_id=user) if actions else None
        if press is None or not await first_delivery(self.service, body):
            return

        async def tell(text: str) -> None:
            await respond(text=text, response_type="ephemeral", replace_original=False)

        try:
            await self._press(press, body, client=client, tell=tell)
        except Exception:
            log.exception("button failed")
            await tell(FAILED)

    async def _press(
        self,
        press: ButtonPress,
        body: dict[str, Any],
        *,
        client: AsyncWebClient,
        tell: Callable[[str], Awaitable[None]],
    ) -> None:
        interview = await self.service.store.get_interview(press.interview_id)
        if interview is None or interview.conv.platform != PLATFORM:
            await tell("I can't find that interview any more.")
            return
        conv = interview.conv
        if press.user_id != conv.user_id:
            await tell(outsider_note(conv.user_id))
            return
        if not interview.status.is_open:
            await tell(FINISHED)
            return
        current = interview.current_turn
        if press.command in ("hint", "skip") and (current is None or current.seq != press.seq):
            await tell(STALE_BUTTON)
            return
        # A double click, or a redelivered interaction, acts once.
        if not await self.service.store.claim_event(
            PLATFORM, f"button:{press.interview_id}:{press.seq}:{press.command}"
        ):
            return
        await self._mark_clicked(body, press, client=client)
        clicked = (body.get("message") or {}).get("ts")
        if clicked:  # progress while a hint or the scorecard is being written
            await react(client, conv.channel_id, clicked, on=True)
        try:
            replies = await self.service.command(conv, press.command)
        finally:
            if clicked:
                await react(client, conv.channel_id, clicked, on=False)
        await post_replies(client, conv, replies, service=self.service)

    async def _mark_clicked(self, body: dict[str, Any], press: ButtonPress, *, client: AsyncWebClient) -> None:
        """Replace the clicked buttons by a note of the choice, so they cannot be pressed again."""
        message = body.get("message") or {}
        channel = (body.get("channel") or {}).get("id")
        if not channel or not message.get("ts"):
            return
        blocks = render.clicked_blocks(message.get("blocks") or [], user_id=press.user_id, command=press.command)
        try:
            await client.chat_update(channel=channel, ts=message["ts"], text=message.get("text") or "", blocks=blocks)
        except SlackApiError as exc:
            log.info("could not update the clicked message: %s", exc.response.get("error"))
