"""The practice loop: questions out, answers in (keyboard, or one answer per line from a pipe)."""

from __future__ import annotations

import asyncio
import contextlib
import mimetypes
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from bots.terminal.render import TerminalStyle, render_reply
from core.domain.models import ConversationRef
from core.domain.replies import Reply, error
from core.interview.outbox import Send
from core.interview.service import InterviewService
from core.ports import OutboxItem

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

    async def send(item: OutboxItem) -> str | None:
        print(render_reply(item.reply, style), file=out, flush=True)
        return None  # a terminal line has no id

    async def show(replies: list[Reply]) -> None:
        await service.outbox.deliver(conv, replies, send)

    print(
        style.dim(
            f"Mock Interview Coach · {service.mode} · `help` for commands, `@answer.ogg` answers with a recording, "
            "`quit` to leave"
        ),
        file=out,
    )
    if new or not await resume_after_stop(service, conv, send):
        replies = await service.start(conv, role=role, questions=questions, level=level, language=language, replace=new)
        await show(replies)
        if not any(r.interview_id for r in replies):
            return 2  # unknown role or bad count: the reply said why
    while True:
        line = await reader.read()
        if line is None or line.strip().lower() in LEAVE_WORDS:
            print(style.dim("\n" + SAVED_NOTE), file=out)
            return 0
        if on_wait:
            on_wait()
        recording = voice_file_path(line)
        await show(await answer_with_file(service, conv, recording) if recording else await service.answer(conv, line))
        if await service.store.get_open_interview(conv) is None:
            return 0


async def resume_after_stop(service: InterviewService, conv: ConversationRef, send: Send) -> bool:
    """After the program was stopped mid-turn: finish that turn and show what was never shown; whether it did."""
    shown = await service.outbox.send_pending(conv, send)  # stored but never shown: oldest first
    carried = await service.recover_conversation(conv)  # grades what was left ungraded, makes the owed move
    await service.outbox.deliver(conv, carried, send)
    return shown > 0 or bool(carried)


def voice_file_path(line: str) -> Path | None:
    """The recording an `@path` answer names, or None for a typed answer (such as "@Transactional marks...")."""
    text = line.strip()
    if not text.startswith("@") or len(text) < 2:
        return None
    path = Path(text[1:].strip().strip("'\"")).expanduser()
    if path.is_file() or (" " not in text and path.suffix.lower() in _AUDIO_SUFFIXES):
        return path
    return None


async def answer_with_file(service: InterviewService, conv: ConversationRef, path: Path) -> list[Reply]:
    """Send a recording from disk as a voice answer."""
    try:
        size = (await asyncio.to_thread(path.stat)).st_size
        if size > service.limits.max_download_bytes:  # not read into memory at all
            return [error(f"{path.name} is {size / 1_048_576:.0f} MB: too large to use as an answer.")]
        audio = await asyncio.to_thread(path.read_bytes)
    except FileNotFoundError:
        return [error(f"There is no file at {path}. Your question is still open.")]
    except OSError as exc:
        return [error(f"Could not read {path} ({exc.strerror or type(exc).__name__}). Your question is still open.")]
    mime, _ = mimetypes.guess_type(path.name)
    return await service.voice(conv, audio, filename=path.name, mime=mime)
