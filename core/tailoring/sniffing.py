"""What a file is, told by its bytes (magic numbers) and by its name, and the words a learner knows it by."""

from __future__ import annotations

import io
import zipfile
from enum import StrEnum

from core.domain.text import clean_text, shorten


class Kind(StrEnum):
    """What a file is; the first four are the kinds we read."""

    TEXT = "text"
    MARKDOWN = "markdown"
    PDF = "pdf"
    DOCX = "docx"
    OLD_WORD = "doc"
    SPREADSHEET = "spreadsheet"
    SLIDES = "slides"
    OPEN_DOCUMENT = "odf"
    ZIP = "zip"
    RTF = "rtf"
    IMAGE = "image"
    BINARY = "binary"


READABLE = frozenset({Kind.TEXT, Kind.MARKDOWN, Kind.PDF, Kind.DOCX})

# How a learner would name each kind, after "it looks like".
DESCRIPTIONS: dict[Kind, str] = {
    Kind.TEXT: "a plain text file",
    Kind.MARKDOWN: "a Markdown file",
    Kind.PDF: "a PDF",
    Kind.DOCX: "a Word document (.docx)",
    Kind.OLD_WORD: "an old-style Word document (.doc)",
    Kind.SPREADSHEET: "a spreadsheet",
    Kind.SLIDES: "a slide deck",
    Kind.OPEN_DOCUMENT: "an OpenDocument file",
    Kind.ZIP: "a ZIP archive",
    Kind.RTF: "a Rich Text (.rtf) file",
    Kind.IMAGE: "an image",
    Kind.BINARY: "a binary file",
}

_BY_EXTENSION: dict[str, Kind] = {
    "txt": Kind.TEXT,
    "text": Kind.TEXT,
    "md": Kind.MARKDOWN,
    "markdown": Kind.MARKDOWN,
    "pdf": Kind.PDF,
    "docx": Kind.DOCX,
    "doc": Kind.OLD_WORD,
    "xlsx": Kind.SPREADSHEET,
    "xls": Kind.SPREADSHEET,
    "pptx": Kind.SLIDES,
    "ppt": Kind.SLIDES,
    "odt": Kind.OPEN_DOCUMENT,
    "ods": Kind.OPEN_DOCUMENT,
    "odp": Kind.OPEN_DOCUMENT,
    "zip": Kind.ZIP,
    "rtf": Kind.RTF,
    **dict.fromkeys(("png", "jpg", "jpeg", "gif", "webp", "heic", "tif", "tiff", "bmp"), Kind.IMAGE),
}

_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*", b"BM")
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .doc, .xls and .ppt
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header; or the end record of an empty archive
# The PDF header may follow some junk; readers look for it in the first kilobyte, and so do we.
_PDF_HEADER_WINDOW = 1024
_NAME_LIMIT = 60


def display_name(filename: str) -> str:
    """The file's name as we may show it: its last path part, without control characters, at most 60 characters."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    shown = shorten(clean_text(base), _NAME_LIMIT)
    return shown or "the file"


def extension(filename: str) -> str:
    """The file's extension, lowercased and without the dot ("pdf"); "" when it has none."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if "." not in base.strip("."):
        return ""
    return base.rsplit(".", 1)[-1].strip().lower()


def claimed_kind(filename: str) -> Kind | None:
    """The kind a file's extension claims; None with no extension or one we do not know."""
    return _BY_EXTENSION.get(extension(filename))


def sniff(data: bytes) -> Kind:
    """The kind a file's bytes are, whatever its name says; TEXT for anything that decodes as text."""
    head = data[:_PDF_HEADER_WINDOW]
    if b"%PDF-" in head:
        return Kind.PDF
    if data.startswith(_ZIP_MAGIC):
        return _zip_kind(data)
    if data.startswith(_OLE2_MAGIC):
        return Kind.OLD_WORD
    if data.startswith(b"{\\rtf"):
        return Kind.RTF
    if data.startswith(_IMAGE_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return Kind.IMAGE
    return Kind.TEXT if looks_like_text(data) else Kind.BINARY


def _zip_kind(data: bytes) -> Kind:
    """Which Office (or other) format a ZIP archive is, by the names of its members."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return Kind.ZIP  # a damaged archive: still a ZIP by its bytes; reading it will say it is damaged
    if "word/document.xml" in names:
        return Kind.DOCX
    if any(name.startswith("xl/") for name in names):
        return Kind.SPREADSHEET
    if any(name.startswith("ppt/") for name in names):
        return Kind.SLIDES
    if "mimetype" in names:
        return Kind.OPEN_DOCUMENT
    return Kind.ZIP


def looks_like_text(data: bytes) -> bool:
    """Whether bytes are text: UTF-16 with a byte-order mark, or no NUL and hardly any control characters."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    sample = data[:4096]
    if b"\x00" in sample:
        return False
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13))
    return controls <= 2 + len(sample) // 100  # a stray escape or bell is text; a binary format has many
