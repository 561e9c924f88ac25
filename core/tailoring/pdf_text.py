"""The text of a PDF, page by page, with pypdf: refused when protected, too long, damaged or a scan."""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING

from core.tailoring import problems
from core.tailoring.sniffing import Kind

if TYPE_CHECKING:
    from pypdf import PdfReader


def pdf_text(data: bytes, name: str, *, char_budget: int) -> tuple[str, int]:
    """The text of a PDF's pages and its page count; DocumentProblem when it cannot be read.

    Extraction stops once char_budget characters are in hand: the rest would be cut anyway."""
    from pypdf import PdfReader  # here, not at the top: every CLI command would load it (0.2 s) to read no PDF

    try:
        reader = PdfReader(io.BytesIO(data))
        _open_encrypted(reader, name)
        count = len(reader.pages)
    except problems.DocumentProblem:
        raise
    except Exception as exc:  # pypdf raises many types (PdfReadError, KeyError, ValueError...) on broken files
        raise problems.damaged(name, Kind.PDF) from exc
    if count == 0:
        raise problems.no_text(name)
    if count > problems.MAX_PAGES:
        raise problems.too_many_pages(name, count)
    texts: list[str] = []
    held = 0
    for index in range(count):
        try:
            page = reader.pages[index].extract_text() or ""
        except Exception as exc:  # a broken page stream: the whole file is suspect, say so rather than guess
            raise problems.damaged(name, Kind.PDF) from exc
        texts.append(page)
        held += len(page)
        if held > char_budget:
            break
    text = "\n\n".join(texts)
    # Judged on the pages read: a scan whose text layer is only page numbers or a short stamp still counts as one.
    if sum(ch.isalpha() for ch in text) < problems.MIN_LETTERS_PER_PAGE * len(texts):
        raise problems.scanned(name)
    return text, count


def _open_encrypted(reader: PdfReader, name: str) -> None:
    """Opens a PDF encrypted with an empty password (common: "no copying" PDFs); refuses one that needs a password."""
    if not reader.is_encrypted:
        return
    try:
        opened = reader.decrypt("")
    except Exception as exc:  # AES needs the optional cryptography package; without it, as good as locked
        logging.getLogger(__name__).info("cannot decrypt a PDF: %s", type(exc).__name__)
        raise problems.protected(name) from exc
    if not opened:
        raise problems.protected(name)
