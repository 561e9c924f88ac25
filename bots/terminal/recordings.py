"""`@path` answers: which lines name a recording, and reading one from disk. Only a regular file is read, at most the
size limit the core gives, in a daemon thread that Ctrl-C does not wait for: a named pipe, a device (a link to
/dev/zero), a folder or a socket is refused before anything is read, with what to do instead."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

from bots.terminal.background import in_daemon_thread
from core.ports import AudioUnavailable, FetchAudio

AUDIO_SUFFIXES = {".ogg", ".oga", ".opus", ".webm", ".m4a", ".mp4", ".mp3", ".wav", ".flac"}
STILL_OPEN = "Your question is still open."
_CHUNK = 1 << 20
# Opening a named pipe for reading waits for a writer unless non-blocking (which regular files ignore); a terminal
# device must not become the controlling one. Flags a platform lacks count as none.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
_KINDS = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISSOCK, "a socket"),
)


def voice_file_path(line: str) -> Path | None:
    """The recording an `@path` answer names, or None for a typed answer (such as "@Transactional marks...")."""
    text = line.strip()
    if not text.startswith("@") or len(text) < 2 or "\0" in text:
        return None
    path = Path(text[1:].strip().strip("'\""))
    try:
        path = path.expanduser()
        is_file = path.is_file()  # a pipe or a device named like a recording is taken below, and refused when read
    except (OSError, RuntimeError):  # a name too long for the system; ~someone with no home directory
        is_file = False
    if is_file or (" " not in text and path.suffix.lower() in AUDIO_SUFFIXES):
        return path
    return None


def file_reader(path: Path) -> FetchAudio:
    """How to read a recording from disk, once the core has decided the answer can be taken."""

    async def read(limit: int) -> bytes:
        stop = threading.Event()
        try:
            return await in_daemon_thread(lambda: read_recording(path, limit, stop))
        finally:
            stop.set()  # cancelled (Ctrl-C): the thread stops at its next chunk instead of reading on

    return read


def read_recording(path: Path, limit: int, stop: threading.Event | None = None) -> bytes:
    """The bytes of the regular file at path, at most limit of them; AudioUnavailable, saying why, otherwise."""
    shown = _shown(path)
    try:
        _check(os.stat(path), shown, limit)  # follows links: a link to /dev/zero is a device
        fd = os.open(path, _OPEN_FLAGS)
    except (FileNotFoundError, NotADirectoryError):
        raise AudioUnavailable(f"There is no file at {shown}. {STILL_OPEN}") from None
    except OSError as exc:
        raise AudioUnavailable(f"Could not read {shown} ({exc.strerror or type(exc).__name__}). {STILL_OPEN}") from None
    try:
        _check(os.fstat(fd), shown, limit)  # what was opened: the path may have been swapped for a pipe meanwhile
        data = bytearray()
        while len(data) <= limit:
            if stop is not None and stop.is_set():
                raise AudioUnavailable(f"Reading {shown} was stopped. {STILL_OPEN}")
            chunk = os.read(fd, min(_CHUNK, limit + 1 - len(data)))
            if not chunk:
                return bytes(data)
            data += chunk
        raise _too_large(shown, len(data), limit)  # it grew while it was read
    except OSError as exc:
        raise AudioUnavailable(f"Could not read {shown} ({exc.strerror or type(exc).__name__}). {STILL_OPEN}") from None
    finally:
        os.close(fd)


def _check(found: os.stat_result, shown: str, limit: int) -> None:
    for test, kind in _KINDS:
        if test(found.st_mode):
            raise AudioUnavailable(
                f"{shown} is not a regular file (it is {kind}), so it cannot be a recording. Answer with `@` and the "
                f"path of an audio file saved on disk, or type your answer. {STILL_OPEN}"
            )
    if not stat.S_ISREG(found.st_mode):
        raise AudioUnavailable(f"{shown} is not a regular file, so it cannot be a recording. {STILL_OPEN}")
    if found.st_size > limit:  # not read into memory at all
        raise _too_large(shown, found.st_size, limit)


def _too_large(shown: str, size: int, limit: int) -> AudioUnavailable:
    return AudioUnavailable(
        f"{shown} is {_size(size)}: too large to use as an answer (the limit is {_size(limit)}). Record a shorter "
        f"answer, or type it. {STILL_OPEN}"
    )


def _size(count: int) -> str:
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} bytes"


def _shown(path: Path) -> str:
    """The path as the person typed it, its middle cut when it is too long to read."""
    text = str(path)
    return text if len(text) <= 80 else f"{text[:40]}…{text[-30:]}"
