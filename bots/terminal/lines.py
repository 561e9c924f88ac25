"""Answers read a line at a time, bounded: an over-long line is skipped and only its length kept, an input without
line ends (`practice < /dev/zero`) stops the reading, and bytes that are not UTF-8 are replaced, not fatal."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TextIO

from bots.terminal.background import in_daemon_thread
from core.domain.text import clean_text

# The rest of an over-long line is read in pieces this large (characters), and skipped.
_PIECE = 1 << 20
# A line is skipped this far at most: beyond it the input is no typed answers, and reading stops.
ENDLESS_LINE = 128_000_000
ENDLESS_NOTE = (
    f"! This input has no line end in its first {ENDLESS_LINE:,} characters, so it is not answers typed as text: "
    "reading stops here. Send one answer a line."
)


@dataclass(frozen=True)
class OverLong:
    """A line longer than the limit it was read with: only its length is kept."""

    length: int
    start: str = field(default="", compare=False)  # its first characters, to show which line it was


class _Endless(Exception):
    """The line went on past ENDLESS_LINE."""


class LineReader:
    """Reads one answer at a time without blocking the event loop, each line at most a limit long."""

    def __init__(self, stream: TextIO, *, interactive: bool, out: TextIO) -> None:
        self._stream = stream
        self._interactive = interactive
        self._out = out

    async def read(self, limit: int) -> str | OverLong | None:
        """The next answer; OverLong for a line of more than limit characters; None at end of input."""
        return await in_daemon_thread(lambda: self._read_blocking(limit))

    def _read_blocking(self, limit: int) -> str | OverLong | None:
        if self._interactive:
            try:
                typed = input("\n> ")  # a terminal bounds what one line can hold
            except EOFError:
                return None
            return OverLong(len(typed)) if len(typed) > limit else typed
        try:
            line = self._next_line(limit)
        except _Endless:
            print(ENDLESS_NOTE, file=self._out)
            return None
        # Echoed, so a piped transcript reads like a conversation; an over-long line only by its start and length.
        if isinstance(line, OverLong):
            print(f"\n> {line.start}… ({line.length:,} characters)", file=self._out)
        elif line is not None:
            print(f"\n> {line}", file=self._out)
        return line

    def _next_line(self, limit: int) -> str | OverLong | None:
        # First as much as a line of limit characters can take, then the rest (if any) in pieces, counted only.
        pieces = self._pieces(first=limit + 1)
        head = next(pieces)
        if not head:
            return None
        length, last = len(head), head
        for piece in pieces:
            length, last = length + len(piece), piece
            if length > ENDLESS_LINE:
                raise _Endless
        length -= len(last) - len(last.rstrip("\r\n")) if last.endswith("\n") else 0
        if length <= limit:  # then the first piece holds the whole line
            return head[:length]
        return OverLong(length, start=clean_text(head[:60]))

    def _pieces(self, *, first: int) -> Iterator[str]:
        """The next line in pieces, the first at most first characters long; the last ends the line (or the input)."""
        raw = getattr(self._stream, "buffer", None)  # bytes, decoded here: invalid UTF-8 is replaced, not fatal
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        # UTF-8 takes at most 4 bytes a character: a first piece of 4 * first bytes holds any line of first characters.
        size, byte_size = first, 4 * first
        while True:
            if raw is not None:
                data = raw.readline(byte_size)
                done = not data or data.endswith(b"\n")
                piece = decoder.decode(data, final=done)
            else:
                piece = self._stream.readline(size)
                done = not piece or piece.endswith("\n")
            yield piece
            if done:
                return
            size = byte_size = _PIECE
