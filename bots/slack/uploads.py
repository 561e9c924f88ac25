"""A `tailor` message in the person's DM with the app, with the files sent beside it (a job posting, a résumé):
read from the `message` event exactly as Slack sends it, as plain values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bots.slack.inbound import DirectMessage
from core.domain.tailoring import TailorWords, parse_tailor_words

MAX_FILES = 2  # a posting and a résumé; Slack lets a message carry ten


@dataclass(frozen=True)
class SharedFile:
    """A file shared with a message: its id, its name, its size and where to download it (None: ask files.info)."""

    file_id: str
    name: str
    size: int | None
    url: str | None


@dataclass(frozen=True)
class TailorMessage:
    """`tailor [resume] [ROLE]` typed in the DM with the app, and the files sent with it (maybe none)."""

    message: DirectMessage
    words: TailorWords
    files: tuple[SharedFile, ...]


def tailor_message(event: dict[str, Any], message: DirectMessage) -> TailorMessage | None:
    """The `tailor` command a top-level DM is, with its files; None when it is something else."""
    words = parse_tailor_words(message.text)
    if words is None:
        return None
    files = [shared_file(f) for f in event.get("files") or [] if isinstance(f, dict)]
    return TailorMessage(message, words, tuple(f for f in files if f.file_id)[:MAX_FILES])


def shared_file(file: dict[str, Any]) -> SharedFile:
    """A file object of a message event (or of files.info): a partial one, whose details Slack left out, has no url."""
    partial = file.get("file_access") == "check_file_info"
    size = file.get("size")
    return SharedFile(
        file_id=str(file.get("id") or ""),
        name=str(file.get("name") or file.get("title") or "file"),
        size=size if isinstance(size, int) else None,
        url=None if partial else (file.get("url_private_download") or file.get("url_private")),
    )
