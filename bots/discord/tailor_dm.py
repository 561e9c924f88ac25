"""`tailor`, `tailor resume` or `tailor ROLE` typed in a DM with a job posting or a résumé attached (PDF, Word or
text): the files downloaded from Discord, sorted into posting and résumé, and an interview tailored to them started
in the DM. The core reads and checks the files and says what is wrong with one."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import aiohttp
import discord

from bots.discord import texts
from bots.discord.download import DownloadFailed, ForeignHost, TooLarge, allowed_origins, download
from bots.discord.inbound import VOICE_MESSAGE_FLAG, AttachmentLike
from bots.discord.replies import DiscordReplies
from core.domain.models import ConversationRef
from core.domain.tailoring import TailorWords, Upload, parse_tailor_words, sort_uploads
from core.interview.service import InterviewService

log = logging.getLogger(__name__)

MAX_FILES = 2  # a posting and a résumé
# The core reads files of up to 5 MB and says so for a larger one; reading a little past that lets it say so with
# the file's size, while a file far larger is refused by its declared size without being downloaded at all.
DOWNLOAD_LIMIT = 6 * 1024 * 1024


@dataclass(frozen=True)
class Unfetched:
    """Why a file could not be had, in words for the person; final unless sending the message again can work."""

    text: str
    final: bool = True


@dataclass(frozen=True)
class TailorFiles:
    """`tailor …` typed with files: what the words say, and the files (at most MAX_FILES)."""

    words: TailorWords
    files: tuple[AttachmentLike, ...]


def read_tailor(content: str, attachments: Sequence[AttachmentLike], *, flags: int) -> TailorFiles | TailorWords | None:
    """The `tailor` command of a DM message: with its files, alone (TailorWords: no file came with it), or None."""
    if flags & VOICE_MESSAGE_FLAG:
        return None  # a recording is an answer, whatever its caption
    words = parse_tailor_words(content)
    if words is None:
        return None
    return TailorFiles(words, tuple(attachments[:MAX_FILES])) if attachments else words


async def answer_tailor(
    message: discord.Message,
    *,
    conv: ConversationRef,
    event_id: str,
    service: InterviewService,
    session: aiohttp.ClientSession,
    sender: DiscordReplies,
) -> bool:
    """Act on a `tailor` message in the DM conv; False when the message is something else (an answer that begins
    with "tailor", typed while a question is open, included)."""
    parsed = read_tailor(message.content, message.attachments, flags=message.flags.value)
    if parsed is None:
        return False
    if isinstance(parsed, TailorWords):
        if await service.is_open(conv):
            return False
        await service.note(conv, texts.TAILOR_HOW, event_id=event_id, sender=sender)
        return True
    uploads: list[Upload] = []
    for file in parsed.files:
        got = await _fetch(file, session, service)
        if isinstance(got, Unfetched):  # a copy of the message says it again only when sending it again can work
            await service.note(conv, got.text, event_id=event_id if got.final else None, sender=sender, problem=True)
            return True
        uploads.append(got)
    # An interview open here already is the core's answer (it says so); the files are never taken as an answer.
    await service.tailor(conv, sort_uploads(uploads, parsed.words), event_id=event_id, sender=sender)
    return True


async def _fetch(file: AttachmentLike, session: aiohttp.ClientSession, service: InterviewService) -> Upload | Unfetched:
    """The attachment as an upload, or what to tell the person instead."""
    try:
        if file.size > DOWNLOAD_LIMIT:
            raise TooLarge(file.size)
        allowed = allowed_origins(service.settings.discord_api_url)
        return Upload(file.filename, await download(session, file.url, limit=DOWNLOAD_LIMIT, allowed=allowed))
    except TooLarge as exc:
        return Unfetched(texts.document_too_large(exc.size))
    except ForeignHost as exc:
        log.warning("tailoring file refused: %s", exc)
        return Unfetched(texts.DOCUMENT_NOT_FROM_DISCORD)
    except DownloadFailed as exc:
        log.warning("tailoring file download failed: %s", exc)
        return Unfetched(texts.DOCUMENT_DOWNLOAD_FAILED, final=False)
