"""The practice loop: questions out, answers in (keyboard, or one answer per line from a pipe)."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from collections.abc import Callable
from typing import TextIO

from bots.terminal.render import TerminalStyle, render_reply
from core.models import ConversationRef
from core.replies import Reply
from core.service import InterviewService

# Words that leave the terminal without ending the interview; it stays open to resume later.
LEAVE_WORDS = {"quit", "exit", ":q"}
SAVED_NOTE = "Your interview is saved. Run `mock-interview practice` again to pick up where you left off."


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
    style: TerminalStyle,
    out: TextIO = sys.stdout,
    on_wait: Callable[[], None] | None = None,
) -> int:
    """Run one practice interview to its scorecard; exit status 0, or 2 if it could not start."""
    conv = terminal_conversation(user_id)

    def show(replies: list[Reply]) -> None:
        for reply in replies:
            print(render_reply(reply, style), file=out, flush=True)

    print(style.dim(f"Mock Interview Coach · {service.mode} · `help` for commands, `quit` to leave"), file=out)
    replies = await service.start(conv, role=role, questions=questions, level=level, replace=new)
    show(replies)
    if not any(r.interview_id for r in replies):
        return 2  # unknown role or bad count: the reply said why
    while True:
        line = await reader.read()
        if line is None or line.strip().lower() in LEAVE_WORDS:
            print(style.dim("\n" + SAVED_NOTE), file=out)
            return 0
        if on_wait:
            on_wait()
        show(await service.answer(conv, line))
        if await service.store.get_open_interview(conv) is None:
            return 0
