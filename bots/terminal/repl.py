"""The practice loop: questions out, answers in (keyboard, or one answer per line from a pipe)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

from bots.terminal.lines import LineReader, OverLong
from bots.terminal.recordings import file_reader, voice_file_path
from bots.terminal.render import TerminalStyle, render_reply
from core.domain import messages
from core.domain.models import ConversationRef
from core.domain.replies import Reply, ReplyKind, error
from core.domain.tailoring import TailorRequest
from core.interview.service import InterviewService
from core.ports import OutboxItem

__all__ = ["LEAVE_WORDS", "SAVED_NOTE", "LineReader", "TerminalReplies", "run_practice", "terminal_conversation"]

# Words that leave the terminal without ending the interview; it stays open to resume later.
LEAVE_WORDS = {"quit", "exit", ":q"}
SAVED_NOTE = "Your interview is saved. Run `mock-interview practice` again to pick up where you left off."


def terminal_conversation(user_id: str) -> ConversationRef:
    """The conversation a terminal user's practice interviews live in."""
    return ConversationRef(platform="terminal", workspace_id="", channel_id="cli", thread_id=None, user_id=user_id)


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
    review: bool = False,
    retry: tuple[str, int] | None = None,
    tailor: TailorRequest | None = None,
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
    if retry is not None:  # one question of a finished interview, asked again
        tried = await service.try_again(conv, retry[0], retry[1], sender=replies)
        if not any(r.interview_id for r in tried):
            return 2  # not found, not finished, no such answer, or another interview is open: the reply said which
    # After a stop mid-turn: what was never shown is shown, and the turn is finished.
    elif new or not await service.resume(conv, replies):
        if tailor is not None:
            started = await service.tailor(conv, tailor, replace=new, sender=replies)
        else:
            started = await service.start(
                conv,
                role=role,
                questions=questions,
                level=level,
                language=language,
                replace=new,
                sender=replies,
                review=review,
            )
        if not any(r.interview_id for r in started):
            # An unknown role or a bad count (2), or a review with nothing due (0): the reply said which.
            return 2 if any(r.kind is ReplyKind.ERROR for r in started) else 0
    limit = service.settings.max_answer_chars
    while True:
        line = await reader.read(limit)
        if line is None or (isinstance(line, str) and line.strip().lower() in LEAVE_WORDS):
            print(style.dim("\n" + SAVED_NOTE), file=out)
            return 0
        if isinstance(line, OverLong):  # refused here: the reader kept only its length
            await replies.tell(error(messages.too_long(line.length, limit)))
            continue
        if on_wait:
            on_wait()
        recording = voice_file_path(line)
        if recording:
            await service.voice(conv, file_reader(recording), filename=recording.name, sender=replies)
        else:
            await service.answer(conv, line, sender=replies)
        if not await service.is_open(conv):
            return 0
