"""Real PDF and Word files for the tailoring tests, made at test time with fpdf2 and python-docx."""

from __future__ import annotations

import io

import docx
from fpdf import FPDF

from core.domain.roles import RoleCatalog, load_catalog

CATALOG: RoleCatalog = load_catalog()


def make_pdf(pages: list[str], *, user_password: str | None = None) -> bytes:
    """A PDF with one page per string, its text in Helvetica (Latin-1 only); encrypted when a password is given."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    if user_password is not None:
        pdf.set_encryption(owner_password="owner", user_password=user_password)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    return bytes(pdf.output())


def make_scanned_pdf(pages: int = 2) -> bytes:
    """A PDF whose pages are only drawings (as a scan is only pictures): no text layer at all."""
    pdf = FPDF()
    for _ in range(pages):
        pdf.add_page()
        pdf.set_fill_color(40, 40, 40)
        for row in range(30):
            pdf.rect(20, 20 + row * 8, 170 - (row % 7) * 12, 3, style="F")  # lines of "print"
    return bytes(pdf.output())


def make_docx(paragraphs: list[str], *, table: list[list[str]] | None = None) -> bytes:
    """A .docx with the paragraphs and then, if given, a table of the rows."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
