"""Messages in DMs and in interview threads: typed answers, voice messages, and `start`/`roles`/`help` in DMs."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Iterator

import aiohttp
import discord

from bots.discord import texts
from bots.discord.delivery import Outgoing, deliver
from bots.discord.download import DownloadFailed, TooLarge, download
from bots.discord.inbound import (
    PLATFORM,
    Answer,
    DeleteMyData,
    Intent,
    NotAnAnswer,
    ShowHelp,
    ShowHistory,
    ShowReport,
    ShowRoles,
    StartRequest,
    VoiceAnswer,
    dm_conv,
    read_message,
    thread_conv,
)
from bots.discord.render import erase_confirmation, history_message, report_message
from core.domain import messages
from core.domain.models import ConversationRef
from core.domain.replies import Reply, ReplyCode, error, info
from core.interview.records import InterviewNotFound
from core.interview.service import InterviewService

log = logging.getLogger(__name__)

# Only what people type: system messages (pins, thread renames, joins) are never answers.
_ANSWER_TYPES = (discord.MessageType.default, discord.MessageType.reply)


class InFlight:
    """Message ids being handled in this process: a copy that arrives meanwhile is dropped before any work.

    The database decides exactly-once across processes; this only spares a concurrent duplicate a download and a
    "typing…" indicator.
    """

    def __init__(self) -> None:
        self._ids: set[int] = set()

    @contextlib.contextmanager
    def hold(self, message_id: int) -> Iterator[bool]:
        """True for the first holder of message_id, False for a copy while the first is still running."""
        if message_id in self._ids:
            yield False
            return
        self._ids.add(message_id)
        try:
            yield True
        finally:
            self._ids.discard(message_id)


def is_no_interview(replies: list[Reply]) -> bool:
    """Whether the core said there is no interview in this conversation."""
    return len(replies) == 1 and replies[0].code is ReplyCode.NO_INTERVIEW


@contextlib.asynccontextmanager
async def typing(channel: discord.abc.Messageable) -> AsyncIterator[None]:
    """Show "typing…" while the interviewer works; a failure to show it must not cost the answer."""
    try:
        indicator = channel.typing()
        await indicator.__aenter__()
    except (discord.HTTPException, AttributeError):
        yield
        return
    try:
        yield
    finally:
        with contextlib.suppress(discord.HTTPException):
            await indicator.__aexit__(None, None, None)


async def conversation_of(
    message: discord.Message, *, service: InterviewService, bot_user_id: int
) -> ConversationRef | None:
    """The interview conversation a message belongs to, or None when the bot should stay out of it.

    DMs always belong to their author. In a server the bot only listens in threads it opened, and only to the
    candidate of an open interview there: everybody else in a study-group thread is talking among themselves.
    """
    if message.author.bot or message.type not in _ANSWER_TYPES:
        return None
    if message.guild is None:
        return dm_conv(channel_id=message.channel.id, user_id=message.author.id)
    channel = message.channel
    if not isinstance(channel, discord.Thread) or channel.owner_id != bot_user_id or channel.parent_id is None:
        return None
    conv = thread_conv(
        guild_id=message.guild.id, parent_id=channel.parent_id, thread_id=channel.id, user_id=message.author.id
    )
    if await service.store.get_open_interview(conv) is None:
        return None
    return conv


async def handle_message(
    message: discord.Message,
    *,
    service: InterviewService,
    session: aiohttp.ClientSession,
    bot_user_id: int,
    in_flight: InFlight,
) -> None:
    """Answer one message if it is the candidate's, exactly once however often Discord delivers it."""
    with in_flight.hold(message.id) as first:
        if first:
            await _handle(message, service=service, session=session, bot_user_id=bot_user_id)


async def _handle(
    message: discord.Message, *, service: InterviewService, session: aiohttp.ClientSession, bot_user_id: int
) -> None:
    conv = await conversation_of(message, service=service, bot_user_id=bot_user_id)
    if conv is None:
        return
    in_dm = message.guild is None
    intent = read_message(
        message.content, message.attachments, flags=message.flags.value, in_dm=in_dm, catalog=service.catalog
    )
    try:
        async with typing(message.channel):
            out = await respond(intent, conv=conv, event_id=str(message.id), service=service, session=session)
    except Exception:
        log.exception("handling Discord message %s failed", message.id)
        out = [error(texts.SOMETHING_WENT_WRONG)]
    reply_to = None if in_dm else message
    await deliver(service, conv, out, message.channel.send, candidate_id=message.author.id, reply_to=reply_to)


async def respond(
    intent: Intent, *, conv: ConversationRef, event_id: str, service: InterviewService, session: aiohttp.ClientSession
) -> list[Outgoing]:
    """What answers one intent (the core's replies, or messages only Discord makes); [] for a duplicate delivery."""
    in_dm = conv.thread_id is None
    if isinstance(intent, ShowRoles | ShowHistory) and await service.store.get_open_interview(conv) is not None:
        intent = Answer(intent.text)  # one word can answer a question ("History."): the open question comes first
    if isinstance(intent, Answer):
        replies = await service.answer(conv, intent.text, event_id=event_id)
        if in_dm and is_no_interview(replies):
            if intent.maybe_start is not None and intent.maybe_start.role:
                replies = [error(messages.unknown_role(intent.maybe_start.role, service.catalog))]
            else:
                replies = [info(texts.NO_INTERVIEW_DM)]
        return replies
    if isinstance(intent, VoiceAnswer):
        return await _voice(intent, conv=conv, event_id=event_id, service=service, session=session)
    # Everything else stores nothing in the core, so this event is claimed here: a redelivery gets no reply.
    if not await service.store.claim_event(PLATFORM, event_id):
        return []
    if isinstance(intent, StartRequest):
        if intent.role is None:
            return [info(texts.roles_list(service.catalog))]
        replies = await service.start(conv, role=intent.role, questions=intent.questions, level=intent.level)
        return replies
    if isinstance(intent, ShowRoles):
        return [info(texts.roles_list(service.catalog))]
    if isinstance(intent, ShowHelp):
        return [info(texts.DM_HELP)]
    if isinstance(intent, DeleteMyData):
        return [erase_confirmation(texts.CONFIRM_DELETE)]  # nothing goes before the buttons are pressed
    if isinstance(intent, ShowHistory):
        rows = await service.records.history(user_id=conv.user_id, platform=PLATFORM, limit=20)
        return [history_message(rows, {rid: pack.title for rid, pack in service.catalog.packs.items()})]
    if isinstance(intent, ShowReport):
        try:
            found = await service.records.find(intent.interview_id, user_id=conv.user_id, platform=PLATFORM)
            markdown = await service.records.report(found.id, fmt="md", user_id=conv.user_id, platform=PLATFORM)
        except InterviewNotFound as exc:
            return [error(str(exc))]
        return [report_message(str(markdown), interview_id=found.id)]
    assert isinstance(intent, NotAnAnswer)
    return [error(intent.text)]


async def _voice(
    intent: VoiceAnswer,
    *,
    conv: ConversationRef,
    event_id: str,
    service: InterviewService,
    session: aiohttp.ClientSession,
) -> list[Outgoing]:
    note = intent.note
    limit = service.limits.max_download_bytes
    # A redelivered voice message is answered already: don't download it again to find that out.
    if await service.store.event_seen(PLATFORM, event_id):
        return []
    try:
        if note.size > limit:
            raise TooLarge(note.size)
        audio = await download(session, note.url, limit=limit)
    except TooLarge as exc:
        return await _refusal(texts.too_large(exc.size, limit), event_id=event_id, service=service)
    except DownloadFailed as exc:
        log.warning("voice message download failed: %s", exc)
        return [error(texts.DOWNLOAD_FAILED)]  # not claimed: sending it again can work
    replies = await service.voice(
        conv, audio, filename=note.filename, mime=note.mime, duration_s=note.duration_s, event_id=event_id
    )
    if conv.thread_id is None and is_no_interview(replies):
        replies = [info(texts.NO_INTERVIEW_DM)]
    return replies


async def _refusal(text: str, *, event_id: str, service: InterviewService) -> list[Outgoing]:
    if not await service.store.claim_event(PLATFORM, event_id):
        return []
    return [error(text)]
