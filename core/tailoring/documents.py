"""Reading a document a learner sends (a job posting or a résumé): text, Markdown, PDF or Word, as plain text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from core.domain.text import clean_text
from core.tailoring import problems
from core.tailoring.docx_text import docx_text
from core.tailoring.pdf_text import pdf_text
from core.tailoring.sniffing import READABLE, Kind, claimed_kind, display_name, extension, sniff

_TEXT_KINDS = frozenset({Kind.TEXT, Kind.MARKDOWN})
_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")


@dataclass(frozen=True)
class Document:
    """A document's text, as read: what kind it was, its pages (PDF only) and whether the text was cut."""

    name: str  # the file's name as it may be shown (display_name)
    kind: Kind
    text: str
    pages: int | None = None
    truncated: bool = False  # the text was cut at MAX_CHARS; a caller may say "I read the first 40,000 characters"


def read_document(data: bytes, filename: str) -> Document:
    """The text of a document given as bytes and its file name; DocumentProblem with a friendly message otherwise.

    Parsing a PDF or a Word file is CPU-bound and synchronous (up to a second or so for 20 pages): an async caller
    runs this in a worker thread (asyncio.to_thread), never on the event loop. The last few files read are
    remembered, since a start reads its file to check it and again to begin (core/interview/start_methods.py)."""
    name = display_name(filename)
    if not data:
        raise problems.empty(name)
    if len(data) > problems.MAX_BYTES:
        raise problems.too_large(name, len(data))
    read = _read_once(data, filename)
    if isinstance(read, problems.DocumentProblem):
        raise read.with_traceback(None)
    return read


@lru_cache(maxsize=4)  # at most 4 files of MAX_BYTES held: 20 MB
def _read_once(data: bytes, filename: str) -> Document | problems.DocumentProblem:
    try:
        return _read(data, filename)
    except problems.DocumentProblem as exc:
        return exc


def _read(data: bytes, filename: str) -> Document:
    name = display_name(filename)
    actual = sniff(data)
    claimed = claimed_kind(filename)
    if claimed is not None and not _same_kind(claimed, actual):
        raise problems.mismatch(name, claimed, actual)
    if actual not in READABLE and claimed is not Kind.DOCX:
        raise problems.unsupported(name, actual, extension(filename))
    if extension(filename) and claimed is None:  # .html, .json, .csv: text, but not something we read well
        raise problems.unsupported(name, None, extension(filename))
    # The name tells text from Markdown, and a .docx that is a broken ZIP is read as Word to be called damaged.
    kind = claimed if claimed is not None and (claimed in _TEXT_KINDS or claimed is Kind.DOCX) else actual
    pages: int | None = None
    if kind is Kind.PDF:
        raw, pages = pdf_text(data, name, char_budget=problems.MAX_CHARS)
    elif kind is Kind.DOCX:
        raw = docx_text(data, name)
    else:
        raw = decode_text(data)
    text = tidy(raw)
    if not text:
        raise problems.no_text(name)
    cut, truncated = truncate(text, problems.MAX_CHARS)
    return Document(name=name, kind=kind, text=cut, pages=pages, truncated=truncated)


def _same_kind(claimed: Kind, actual: Kind) -> bool:
    """Whether the bytes may be what the name claims: Markdown is text by its bytes, and a .docx that is a ZIP but
    not Word's is read as one, to be called damaged rather than "a ZIP archive" (what no learner meant to send)."""
    return (
        claimed == actual
        or (claimed in _TEXT_KINDS and actual in _TEXT_KINDS)
        or (claimed is Kind.DOCX and actual is Kind.ZIP)
    )


def decode_text(data: bytes) -> str:
    """Text bytes as a string: UTF-8 (with or without a BOM), UTF-16 with a BOM, else Windows-1252.

    Windows-1252 because a text file that is not UTF-8 was almost surely saved by an older Windows editor; a wrong
    guess garbles a few accented letters, which the questions can live with."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def tidy(text: str) -> str:
    """text without control or invisible characters, trailing spaces, runs of blank lines or a NUL from a PDF."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = "\n".join(clean_text(line) for line in text.split("\n"))
    text = _TRAILING_SPACE.sub("\n", text)
    return _BLANK_LINES.sub("\n\n", text).strip()


def truncate(text: str, limit: int) -> tuple[str, bool]:
    """text cut to at most limit characters, at a line break (else a space) in its last tenth; and whether it was."""
    if len(text) <= limit:
        return text, False
    head = text[:limit]
    for mark in ("\n", " "):
        at = head.rfind(mark)
        if at >= limit * 9 // 10:
            return head[:at].rstrip(), True
    return head, True
