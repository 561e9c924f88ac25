"""Messages in DMs and in interview threads: typed answers, voice messages, and `start`/`roles`/`help`/`daily`/`tailor`
in DMs."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Iterator

import aiohttp
import discord

from bots.discord import texts
from bots.discord.daily import answer_daily
from bots.discord.download import DownloadFailed, ForeignHost, Origin, TooLarge, allowed_origins, download
from bots.discord.group_clicks import DirectReplies, routed
from bots.discord.inbound import (
    PLATFORM,
    Answer,
    AudioNote,
    DeleteMyData,
    Intent,
    NotAnAnswer,
    ShowHelp,
    ShowHistory,
    ShowProgress,
    ShowReport,
    ShowRoles,
    StartRequest,
    VoiceAnswer,
    dm_conv,
    read_message,
    thread_conv,
)
from bots.discord.progress import progress_messages
from bots.discord.render import erase_confirmation, history_message, report_message
from bots.discord.replies import DiscordReplies, fixed
from bots.discord.tailor_dm import answer_tailor
from core.domain import messages
from core.domain.models import ConversationRef
from core.interview.reading import InterviewNotFound
from core.interview.service import InterviewService
from core.ports import AudioUnavailable, FetchAudio

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
    return conv if await service.is_open(conv) else None


async def handle_message(
    message: discord.Message,
    *,
    service: InterviewService,
    session: aiohttp.ClientSession,
    bot_user_id: int,
    in_flight: InFlight,
    client: discord.Client,
) -> None:
    """Answer one message if it is the candidate's, exactly once however often Discord delivers it."""
    with in_flight.hold(message.id) as first:
        if first:
            await _handle(message, service=service, session=session, bot_user_id=bot_user_id, client=client)


async def _handle(
    message: discord.Message,
    *,
    service: InterviewService,
    session: aiohttp.ClientSession,
    bot_user_id: int,
    client: discord.Client,
) -> None:
    conv = await conversation_of(message, service=service, bot_user_id=bot_user_id)
    if conv is None:
        return
    in_dm = message.guild is None
    intent = read_message(
        message.content, message.attachments, flags=message.flags.value, in_dm=in_dm, catalog=service.catalog
    )
    event_id = str(message.id)
    no_interview = texts.NO_INTERVIEW_DM
    if isinstance(intent, Answer) and intent.maybe_start is not None and intent.maybe_start.role:
        no_interview = messages.unknown_role(intent.maybe_start.role, service.catalog)  # a mistyped role
    sender = DiscordReplies(
        fixed(message.channel.send),
        candidate_id=message.author.id,
        reply_to=None if in_dm else message,
        no_interview=no_interview,
    )
    try:
        async with typing(message.channel):
            if in_dm and await answer_tailor(
                message, conv=conv, event_id=event_id, service=service, session=session, sender=sender
            ):
                return
            if (
                in_dm
                and isinstance(intent, VoiceAnswer)
                and await _group_voice(intent, conv, event_id, service, session, client)
            ):
                return
            daily = await service.daily_words(conv, intent.text) if in_dm and isinstance(intent, Answer) else None
            if daily is not None:
                await answer_daily(daily, conv=conv, event_id=event_id, service=service, sender=sender)
                return
            await respond(intent, conv=conv, event_id=event_id, service=service, session=session, sender=sender)
    except Exception:
        log.exception("handling Discord message %s failed", message.id)
        await service.note(conv, texts.SOMETHING_WENT_WRONG, event_id=None, sender=sender, problem=True)


async def respond(
    intent: Intent,
    *,
    conv: ConversationRef,
    event_id: str,
    service: InterviewService,
    session: aiohttp.ClientSession,
    sender: DiscordReplies,
) -> None:
    """Hand one intent to the service (which sends its replies), or answer what only Discord shows; a copy of an
    event answered already gets nothing."""
    if isinstance(intent, ShowRoles | ShowHistory | ShowProgress) and await service.is_open(conv):
        intent = Answer(intent.text)  # one word can answer a question ("History."): the open question comes first
    if isinstance(intent, Answer | NotAnAnswer):
        text = intent.text if isinstance(intent, Answer) else ""
        await service.answer(
            conv, text, event_id=event_id, sender=sender, unreadable_file=isinstance(intent, NotAnAnswer)
        )
    elif isinstance(intent, VoiceAnswer):
        note = intent.note
        await service.voice(
            conv,
            _fetcher(note, session, allowed_origins(service.settings.discord_api_url)),
            filename=note.filename,
            mime=note.mime,
            duration_s=note.duration_s,
            event_id=event_id,
            sender=sender,
        )
    elif isinstance(intent, StartRequest) and intent.role is not None:
        await service.start(
            conv,
            role=intent.role,
            questions=intent.questions,
            level=intent.level,
            event_id=event_id,
            sender=sender,
            review=intent.review,
        )
    elif isinstance(intent, StartRequest | ShowRoles | ShowHelp):
        text = texts.DM_HELP if isinstance(intent, ShowHelp) else texts.roles_list(service.catalog)
        await service.note(conv, text, event_id=event_id, sender=sender)
    elif await service.claim_event(PLATFORM, event_id):  # the rest is Discord's own, answered once
        await _send_own(intent, conv=conv, service=service, sender=sender)


async def _send_own(
    intent: Intent, *, conv: ConversationRef, service: InterviewService, sender: DiscordReplies
) -> None:
    """History, progress, a report or the erase confirmation: messages only Discord makes, sent straight away."""
    if isinstance(intent, DeleteMyData):
        message = erase_confirmation(texts.CONFIRM_DELETE)  # nothing goes before the buttons are pressed
    elif isinstance(intent, ShowHistory):
        rows = await service.history(user_id=conv.user_id, platform=PLATFORM, limit=20)
        message = history_message(rows, service.catalog.titles)
    elif isinstance(intent, ShowProgress):
        await sender.post_own(conv, await progress_messages(service, conv.user_id))
        return
    else:
        assert isinstance(intent, ShowReport)
        try:
            report = await service.report(intent.interview_id, fmt="md", user_id=conv.user_id, platform=PLATFORM)
        except InterviewNotFound as exc:
            await service.note(conv, str(exc), event_id=None, sender=sender, problem=True)
            return
        message = report_message(str(report.document), interview_id=report.interview_id)
    await sender.post_own(conv, [message])


async def _group_voice(
    intent: VoiceAnswer, conv: ConversationRef, event_id: str, service: InterviewService,
    session: aiohttp.ClientSession, client: discord.Client,
) -> bool:  # fmt: skip
    """A voice message by DM answering the sender's open study-group question: True when it was that (its notes,
    "I heard …" among them, are messages of the DM; a reveal it brings goes to the group's thread)."""
    note = intent.note
    fetch = _fetcher(note, session, allowed_origins(service.settings.discord_api_url))
    sender = DirectReplies(routed(client), conv)
    taken = await service.group_voice(
        conv, fetch, filename=note.filename, duration_s=note.duration_s, event_id=event_id, sender=sender
    )
    return taken is not None


def _fetcher(note: AudioNote, session: aiohttp.ClientSession, allowed: frozenset[Origin]) -> FetchAudio:
    """How to download a voice message, once the core has decided the answer can be taken: only from Discord."""

    async def fetch(limit: int) -> bytes:
        try:
            if note.size > limit:
                raise TooLarge(note.size)
            return await download(session, note.url, limit=limit, allowed=allowed)
        except TooLarge as exc:
            raise AudioUnavailable(texts.too_large(exc.size, limit)) from None
        except ForeignHost as exc:  # the same message delivered again names the same host: told once
            log.warning("voice message refused: %s", exc)
            raise AudioUnavailable(texts.NOT_FROM_DISCORD) from None
        except DownloadFailed as exc:
            log.warning("voice message download failed: %s", exc)
            raise AudioUnavailable(texts.DOWNLOAD_FAILED, final=False) from None  # sending it again can work

    return fetch
