"""Interviews tailored to a job posting or a résumé: `/mock-interview tailor` opens a form to paste the posting
into, and a file sent in the DM with the app with the word `tailor` is downloaded and read. The core says what
stops a start before any thread opens; the start itself goes through ThreadStarts, as every start does."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bots.slack import render, texts
from bots.slack.files import DownloadFailed, FileDownloader, ForeignHost, TooLarge
from bots.slack.inbound import MAX_QUESTIONS, PLATFORM, DirectMessage, thread_conv
from bots.slack.replies import SlackReplies, react
from bots.slack.tailor_form import (
    POSTING_BLOCK,
    QUESTIONS_BLOCK,
    ROLE_BLOCK,
    TailorForm,
    form_errors,
    read_form,
    tailor_view,
)
from bots.slack.threads import Begin, Invocation, NewThread, ThreadStarts, nowhere
from bots.slack.uploads import SharedFile, TailorMessage, shared_file, tailor_message
from core.domain.models import ConversationRef
from core.domain.replies import Reply
from core.domain.tailoring import TailorRequest, Upload, sort_uploads
from core.interview.service import InterviewService

log = logging.getLogger(__name__)

# Far above what a posting or a résumé needs (the core refuses big files in its own words): a mistaken upload of a
# video is not downloaded into memory.
DOWNLOAD_LIMIT = 20 * 1024 * 1024

Ack = Callable[..., Awaitable[Any]]


class TailoredStarts:
    """The form, its submissions, and `tailor` with files in the DM."""

    def __init__(self, service: InterviewService, threads: ThreadStarts, downloader: FileDownloader) -> None:
        self.service = service
        self.threads = threads
        self.downloader = downloader

    # --- the form -------------------------------------------------------------------------------------

    async def open_form(self, role: str, at: Invocation) -> None:
        """`/mock-interview tailor [ROLE]`: the form, opened with the command's trigger (valid for 3 seconds)."""
        service = self.service
        if role and (problem := service.start_problem(role)):
            await at.tell(render.defuse(problem))
            return
        if await service.open_in_channel(at.place) is not None:  # said now, not after the posting is pasted
            await at.tell(texts.OPEN_HERE)
            return
        if not at.trigger_id:
            await at.tell(texts.NO_FORM)
            return
        view = tailor_view(
            [(p.id, p.title) for p in service.catalog.packs.values()],
            channel=at.channel,
            user=at.user,
            role=service.catalog.resolve(role).id if role else None,
            most=min(service.settings.max_pairs, MAX_QUESTIONS),
        )
        try:
            await at.client.views_open(trigger_id=at.trigger_id, view=view)
        except SlackApiError as exc:  # expired_trigger_id when the command took longer than Slack allows
            log.info("could not open the tailoring form: %s", exc.response.get("error"))
            await at.tell(texts.NO_FORM)

    async def on_submission(self, body: dict[str, Any], *, ack: Ack, client: AsyncWebClient) -> None:
        """A submitted form: its problem shown in the form (nothing starts), or the form closed and the interview
        started in a new thread of the channel the command was typed in, once however often Slack delivers it."""
        form = read_form(body)
        if form is None:
            await ack()
            return
        try:
            found = await self._problem(form.request)
        except Exception:
            log.exception("reading a tailoring form failed")
            await ack(**form_errors(POSTING_BLOCK, texts.COMMAND_FAILED))
            return
        if found is not None:
            await ack(**form_errors(*found))
            return
        await ack()
        team = (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id") or ""
        at = Invocation(team, form.channel, form.user, client, _private(client, form), nowhere, f"view:{form.view_id}")
        try:
            await self.threads.start_in_thread(at, NewThread(self._begin(form.request)))
        except Exception:
            log.exception("tailored start failed")
            await at.tell(texts.COMMAND_FAILED)

    async def _problem(self, request: TailorRequest) -> tuple[str, str] | None:
        """(the block of the field to fix, what stops the start), or None. Which field: asked of the core, by
        whether the start could go ahead without the count, or with a role chosen."""
        service = self.service
        problem = await service.tailor_problem(request)
        if problem is None:
            return None
        if request.questions is not None:
            if await service.tailor_problem(dataclasses.replace(request, questions=None)) is None:
                return QUESTIONS_BLOCK, problem
        some_role = next(iter(service.catalog.ids), None)
        if request.role is None and some_role is not None:
            with_role = dataclasses.replace(request, role=some_role, questions=None)
            if await service.tailor_problem(with_role) is None:
                return ROLE_BLOCK, problem
        return POSTING_BLOCK, problem

    def _begin(self, request: TailorRequest) -> Begin:
        async def begin(conv: ConversationRef, sender: SlackReplies) -> list[Reply]:
            return await self.service.tailor(conv, request, sender=sender)

        return begin

    # --- files in the DM ------------------------------------------------------------------------------

    async def on_dm(
        self, event: dict[str, Any], message: DirectMessage, *, client: AsyncWebClient, token: str, sender: SlackReplies
    ) -> bool:
        """Whether a top-level DM is `tailor` (handled here): with files, the interview in a thread under the
        message; without, how to send them. `tailor` typed while the daily question is open there answers it."""
        found = tailor_message(event, message)
        if found is None:
            return False
        conv = thread_conv(message)
        if not found.files:
            if await self.service.is_open(conv):
                return False
            await self.service.note(conv, texts.TAILOR_HOW, event_id=message.message_key, sender=sender)
            return True
        await react(client, message.channel_id, message.ts, on=True)  # downloading and reading take a moment
        try:
            await self._start_from_files(found, conv, client=client, token=token, sender=sender)
        except Exception:
            log.exception("tailored start from files failed")
            await self.service.note(conv, texts.TAILOR_FAILED, event_id=None, sender=sender, problem=True)
            await self.service.claim_event(PLATFORM, message.message_key)  # given up on: not retried by a sweeper
        finally:
            await react(client, message.channel_id, message.ts, on=False)
        return True

    async def _start_from_files(
        self, found: TailorMessage, conv: ConversationRef, *, client: AsyncWebClient, token: str, sender: SlackReplies
    ) -> None:
        message = found.message
        key = message.message_key
        uploads = await self._download(found.files, client=client, token=token)
        if isinstance(uploads, str):
            await self.service.note(conv, uploads, event_id=key, sender=sender, problem=True)
            return
        request = sort_uploads(uploads, found.words)
        if problem := await self.service.tailor_problem(request):
            await self.service.note(conv, problem, event_id=key, sender=sender, problem=True)
            return

        async def tell(text: str) -> None:  # the DM is private already
            await client.chat_postMessage(channel=message.channel_id, text=text)

        at = Invocation(message.team_id, message.channel_id, message.user_id, client, tell, nowhere, key)
        await self.threads.start_in_thread(at, NewThread(self._begin(request), under=message.ts))

    async def _download(
        self, files: tuple[SharedFile, ...], *, client: AsyncWebClient, token: str
    ) -> list[Upload] | str:
        """The files' bytes as uploads for the core, or what stops one of them from being downloaded."""
        uploads = []
        for shared in files:
            if shared.url is None:  # the event left the details out
                try:
                    found = await client.files_info(file=shared.file_id)
                except SlackApiError as exc:
                    return texts.file_unavailable(shared.name, f"Slack answered {exc.response.get('error')}.")
                shared = shared_file(found.get("file") or {})
            if shared.url is None:
                return texts.file_unavailable(shared.name, "Slack gave me no link to it.")
            if shared.size is not None and shared.size > DOWNLOAD_LIMIT:
                return texts.file_too_large(shared.name, shared.size, DOWNLOAD_LIMIT)
            try:
                data = await self.downloader.fetch(shared.url, token=token, limit=DOWNLOAD_LIMIT, what="file")
            except ForeignHost:
                return texts.FOREIGN_FILE
            except TooLarge:
                return texts.file_too_large(shared.name, None, DOWNLOAD_LIMIT)
            except DownloadFailed as exc:
                log.warning("file download failed: %s", exc)
                return texts.file_unavailable(shared.name, str(exc))
            uploads.append(Upload(shared.name, data))
        return uploads


def _private(client: AsyncWebClient, form: TailorForm) -> Callable[[str], Awaitable[None]]:
    """How to tell the person something after their form closed (a submission has no response_url): privately in
    the channel, or in their DM with the app where the app cannot post in the channel."""

    async def tell(text: str) -> None:
        try:
            await client.chat_postEphemeral(channel=form.channel, user=form.user, text=text)
        except SlackApiError as exc:
            log.info("could not tell %s in the channel: %s", form.user, exc.response.get("error"))
            try:
                await client.chat_postMessage(channel=form.user, text=text)
            except SlackApiError as again:
                log.info("could not tell %s in the DM either: %s", form.user, again.response.get("error"))

    return tell
