"""Answers in interview threads and to the daily question in the DM (text and audio clips), voice notes answering a
study group's question by DM, `daily` and `tailor` messages and stray ones in the DM, messages in study groups'
threads (nobody's answer), and the Hint / Skip / End / Retry buttons."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bots.slack import render, texts
from bots.slack.again import is_try_again
from bots.slack.daily import change_daily
from bots.slack.files import DownloadFailed, FileDownloader, TooLarge
from bots.slack.groups import StudyGroups
from bots.slack.inbound import (
    KEPT_MESSAGE,
    KEPT_NEW,
    PLATFORM,
    AudioClip,
    ButtonPress,
    DirectMessage,
    MessageEvent,
    ThreadMessage,
    audio_clip,
    classify_message,
    parse_button,
    thread_conv,
)
from bots.slack.replies import Origin, Respond, SlackReplies, one_client
from bots.slack.tailoring import TailoredStarts
from core.domain.commands import Command, Press
from core.domain.models import ConversationRef
from core.interview.service import InterviewService
from core.ports import AudioUnavailable, FetchAudio

log = logging.getLogger(__name__)


class ThreadAnswers:
    """Turns thread messages and button clicks into service calls; the service posts what comes of them."""

    def __init__(
        self, service: InterviewService, downloader: FileDownloader, tailored: TailoredStarts, groups: StudyGroups
    ) -> None:
        self.service = service
        self.downloader = downloader
        self.tailored = tailored
        self.groups = groups

    # --- messages -------------------------------------------------------------------------------------

    async def on_message(self, body: dict[str, Any], *, client: AsyncWebClient, context: dict[str, Any]) -> None:
        """One `message` event (already acknowledged, and kept in the inbox when it is a thread message)."""
        event = body.get("event") or {}
        team = body.get("team_id") or event.get("team") or context.get("team_id") or ""
        kept = context.get(KEPT_MESSAGE)
        if isinstance(kept, ThreadMessage) and kept.team_id == team:  # classified by the inbox middleware already
            message: MessageEvent = kept
        else:
            message = classify_message(event, team_id=team, bot_user_id=context.get("bot_user_id"))
        if not isinstance(message, ThreadMessage):
            return
        # The inbox took this delivery as the first of its event: it cannot have been handled before.
        new = message is kept and context.get(KEPT_NEW) is True
        conv = thread_conv(message)
        origin = Origin(team, message.channel_id, message.ts, message.user_id, message.thread_ts)
        sender = SlackReplies(one_client(client), self.service, origin=origin)
        token = context.get("bot_token") or ""
        try:
            if isinstance(message, DirectMessage):
                if await self._group_voice(message, conv, client=client, token=token, sender=sender):
                    return
                if await self.tailored.on_dm(event, message, client=client, token=token, sender=sender):
                    return
                if not await self._answers_in_dm(message, conv, client, sender):
                    return
            elif await self.groups.in_group_thread(message, conv, sender):
                return
            await self._answer(message, conv, client=client, token=token, sender=sender, new=new)
        except Exception:
            log.exception("answer failed")
            await self.service.note(conv, texts.FAILED, event_id=None, sender=sender, problem=True)
            await self.service.claim_event(PLATFORM, message.message_key)  # given up on: not retried by a sweeper

    async def _group_voice(
        self, message: DirectMessage, conv: ConversationRef, *, client: AsyncWebClient, token: str, sender: SlackReplies
    ) -> bool:
        """Whether a voice note in the DM answered the open question of a study group its sender is in."""
        if message.audio is None:
            return False
        fetch = self._fetcher(message.audio, client=client, token=token)
        taken = await self.service.group_voice(
            conv,
            fetch,
            filename=message.audio.name,
            duration_s=message.audio.duration_s,
            event_id=message.message_key,
            sender=sender,
        )
        return taken is not None

    async def _answers_in_dm(
        self, message: DirectMessage, conv: ConversationRef, client: AsyncWebClient, sender: SlackReplies
    ) -> bool:
        """Whether a top-level DM is an answer (to the daily question open there); if not, it is a `daily` command
        or a stray message, answered here once."""
        daily = await self.service.daily_words(conv, message.text) if message.audio is None else None
        if daily is not None:
            if await self.service.claim_event(PLATFORM, message.message_key):

                async def tell(text: str) -> None:
                    await self.service.note(conv, text, event_id=None, sender=sender)

                await change_daily(self.service, daily, client=client, place=conv, tell=tell)
            return False
        if await self.service.is_open(conv):
            return True
        await self.service.note(conv, texts.DM_NUDGE, event_id=message.message_key, sender=sender)
        return False

    async def _answer(
        self,
        message: ThreadMessage,
        conv: ConversationRef,
        *,
        client: AsyncWebClient,
        token: str,
        sender: SlackReplies,
        new: bool = False,
    ) -> None:
        key = message.message_key
        if message.audio is not None:
            fetch = self._fetcher(message.audio, client=client, token=token)
            await self.service.voice(
                conv,
                fetch,
                filename=message.audio.name,
                mime=message.audio.mimetype,
                duration_s=message.audio.duration_s,
                event_id=key,
                sender=sender,
            )
            return
        unreadable = message.has_other_files and not message.text.strip()
        await self.service.answer(
            conv, message.text, event_id=key, sender=sender, unreadable_file=unreadable, new_event=new
        )

    def _fetcher(self, clip: AudioClip, *, client: AsyncWebClient, token: str) -> FetchAudio:
        """How to download a clip, once the core has decided the answer can be taken."""

        async def fetch(limit: int) -> bytes:
            full = clip
            if full.url is None:  # the event left the details out
                found = await client.files_info(file=clip.file_id)
                full = audio_clip(found.get("file") or {}) or clip
                if full.url is None:
                    raise AudioUnavailable(texts.NOT_AN_ANSWER)
            too_large = texts.clip_too_large(limit)
            if full.size is not None and full.size > limit:
                raise AudioUnavailable(too_large)
            try:
                return await self.downloader.fetch(full.url or "", token=token, limit=limit)
            except TooLarge:
                raise AudioUnavailable(too_large) from None
            except DownloadFailed as exc:
                log.warning("clip download failed: %s", exc)
                raise AudioUnavailable(f"{exc} {texts.SEND_AGAIN}") from None

        return fetch

    # --- buttons --------------------------------------------------------------------------------------

    async def on_button(self, body: dict[str, Any], *, client: AsyncWebClient, respond: Respond) -> None:
        """A click on one of our buttons (already acknowledged)."""
        user = (body.get("user") or {}).get("id", "")
        actions = body.get("actions") or []
        press = parse_button(actions[0], user_id=user) if actions else None
        if press is None or (press.command not in set(Command) and not is_try_again(press.command)):
            return
        team = (body.get("team") or {}).get("id") or body.get("team_id") or ""
        channel = (body.get("channel") or {}).get("id") or ""
        clicked = body.get("message") or {}
        thread_ts = clicked.get("thread_ts")
        trigger = body.get("trigger_id")
        origin = Origin(team, channel, clicked["ts"], user, thread_ts) if channel and clicked.get("ts") else None
        event_id = f"click:{trigger}" if trigger else None  # Socket Mode redelivers a click whose ack was lost
        if is_try_again(press.command):  # the question again, in the scorecard's thread
            sender = SlackReplies(one_client(client), self.service, origin=origin, respond=respond)
            conv = ConversationRef(PLATFORM, team, channel, thread_ts, user)
            await self.service.try_again(conv, press.interview_id, press.seq, event_id=event_id, sender=sender)
            return

        async def mark_clicked() -> None:
            await self._mark_clicked(body, press, client=client)

        sender = SlackReplies(one_client(client), self.service, origin=origin, respond=respond, on_start=mark_clicked)
        request = Press(
            command=Command(press.command),
            by=ConversationRef(PLATFORM, team, channel, thread_ts, user),
            event_id=event_id,
            interview_id=press.interview_id,
            seq=press.seq,
        )
        try:
            await self.service.press(request, sender=sender)
        except Exception:
            log.exception("button failed")
            await respond(text=texts.FAILED, response_type="ephemeral", replace_original=False)

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
