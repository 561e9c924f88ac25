"""The practice loop: questions out, answers in (keyboard, or one answer per line from a pipe)."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from bots.terminal.render import TerminalStyle, render_reply
from core.domain.models import ConversationRef
from core.domain.replies import Reply
from core.interview.service import InterviewService
from core.ports import AudioUnavailable, FetchAudio, OutboxItem

# Words that leave the terminal without ending the interview; it stays open to resume later.
LEAVE_WORDS = {"quit", "exit", ":q"}
SAVED_NOTE = "Your interview is saved. Run `mock-interview practice` again to pick up where you left off."
_AUDIO_SUFFIXES = {".ogg", ".oga", ".opus", ".webm", ".m4a", ".mp4", ".mp3", ".wav", ".flac"}


def terminal_conversation(user_id: str) -> ConversationRef:
    """The conversation a terminal user's practice interviews live in."""
    return ConversationRef(platform="terminal", workspace_id="", channel_id="cli", thread_id=None, user_id=user_id)


class LineReader:
    """Reads one answer at a time without blocking the event loop."""

    def __init__(self, stream: TextIO, *, interactive: bool, out: TextIO) -> None:
        self._stream = stream
        self._interactive = interactive
        self._out = out

    async def read(self) -> str | None:
        """The next answer, or None at end of input."""
        # A daemon thread, not the default executor: on Ctrl-C asyncio.run would wait for a pending input().
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[str | None] = loop.create_future()

        def deliver(value: str | None) -> None:
            if not answer.done():
                answer.set_result(value)

        def read_in_thread() -> None:
            value = self._read_blocking()
            with contextlib.suppress(RuntimeError):  # the loop is gone: the program is exiting
                loop.call_soon_threadsafe(deliver, value)

        threading.Thread(target=read_in_thread, daemon=True).start()
        return await answer

    def _read_blocking(self) -> str | None:
        if self._interactive:
            try:
                return input("\n> ")
            except EOFError:
                return None
        line = self._stream.readline()
        if not line:
            return None
        line = line.rstrip("\n")
        print(f"\n> {line}", file=self._out)  # echo, so a piped transcript reads like a conversation
        return line


class TerminalReplies:
    """The terminal's ReplySender: every reply printed as it comes."""

    def __init__(self, style: TerminalStyle, out: TextIO) -> None:
        self._style = style
        self._out = out

    async def send(self, item: OutboxItem) -> str | None:
        """Print one reply; a terminal line has no id."""
        print(render_reply(item.reply, self._style), file=self._out, flush=True)
        return None

    async def tell(self, note: Reply) -> None:
        """Print a private note (the terminal has one person)."""
        print(render_reply(note, self._style), file=self._out, flush=True)

    async def working(self, on: bool) -> None:
        """Nothing to show: the practice loop prints its own "…" while a model works."""


async def run_practice(
    service: InterviewService,
    *,
    user_id: str,
    role: str,
    questions: int | None,
    level: str | None,
    new: bool,
    reader: LineReader,
    language: str | None = None,
    style: TerminalStyle,
    out: TextIO = sys.stdout,
    on_wait: Callable[[], None] | None = None,
) -> int:
    """Run one practice interview to its scorecard; exit status 0, or 2 if it could not start."""
    conv = terminal_conversation(user_id)
    replies = TerminalReplies(style, out)
    print(
        style.dim(
            f"Mock Interview Coach · {service.mode} · `help` for commands, `@answer.ogg` answers with a recording, "
            "`quit` to leave"
        ),
        file=out,
    )
    # After a stop mid-turn: what was never shown is shown, and the turn is finished.
    if new or not await service.resume(conv, replies):
        started = await service.start(
            conv, role=role, questions=questions, level=level, language=language, replace=new, sender=replies
        )
        if not any(r.interview_id for r in started):
            return 2  # unknown role or bad count: the reply said why
    while True:
        line = await reader.read()
        if line is None or line.strip().lower() in LEAVE_WORDS:
            print(style.dim("\n" + SAVED_NOTE), file=out)
            return 0
        if on_wait:
            on_wait()
        recording = voice_file_path(line)
        if recording:
            await service.voice(conv, _file_reader(recording), filename=recording.name, sender=replies)
        else:
            await service.answer(conv, line, sender=replies)
        if not await service.is_open(conv):
            return 0


def voice_file_path(line: str) -> Path | None:
    """The recording an `@path` answer names, or None for a typed answer (such as "@Transactional marks...")."""
    text = line.strip()
    if not text.startswith("@") or len(text) < 2:
        return None
    path = Path(text[1:].strip().strip("'\"")).expanduser()
    if path.is_file() or (" " not in text and path.suffix.lower() in _AUDIO_SUFFIXES):
        return path
    return None


def _file_reader(path: Path) -> FetchAudio:
    """How to read a recording from disk, once the core has decided the answer can be taken."""

    async def read(limit: int) -> bytes:
        try:
            size = (await asyncio.to_thread(path.stat)).st_size
            if size > limit:  # not read into memory at all
                raise AudioUnavailable(f"{path.name} is {size / 1_048_576:.0f} MB: too large to use as an answer.")
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            raise AudioUnavailable(f"There is no file at {path}. Your question is still open.") from None
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise AudioUnavailable(f"Could not read {path} ({reason}). Your question is still open.") from None

    return read
