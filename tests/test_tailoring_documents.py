"""Reading a posting or a résumé: text, Markdown, PDF and Word are read; any other file is refused in plain words."""

from __future__ import annotations

import io
import zipfile

import pytest

from core.tailoring import problems
from core.tailoring.documents import read_document, truncate
from core.tailoring.problems import DocumentProblem, Problem
from core.tailoring.sniffing import Kind, display_name
from tests.tailoring_support import make_docx, make_pdf, make_scanned_pdf

POSTING = "Senior Data Scientist\n\nYou will design A/B tests and build churn models in Python and SQL."


def _refusal(data: bytes, filename: str) -> DocumentProblem:
    with pytest.raises(DocumentProblem) as caught:
        read_document(data, filename)
    return caught.value


def test_a_pdf_is_read_page_by_page() -> None:
    document = read_document(make_pdf([POSTING, "Benefits: a pension and 30 days of holiday."]), "posting.pdf")
    assert document.kind is Kind.PDF and document.pages == 2 and not document.truncated
    assert "churn models in Python and SQL" in document.text
    assert document.text.index("Senior Data Scientist") < document.text.index("30 days of holiday")


def test_a_word_file_is_read_with_its_tables_in_order() -> None:
    data = make_docx(["Jane Doe", "Experience"], table=[["2019-2023", "Analyst at Acme"], ["2023-", "Lead at Beta"]])
    document = read_document(data, "cv.docx")
    assert document.kind is Kind.DOCX and document.pages is None
    rows = ["2019-2023 | Analyst at Acme", "2023- | Lead at Beta"]
    assert document.text.splitlines() == ["Jane Doe", "Experience", *rows]


@pytest.mark.parametrize(
    ("data", "filename", "kind", "text"),
    [
        (b"# Data Scientist\r\n\r\n\r\n\r\n- SQL  \r\n", "posting.md", Kind.MARKDOWN, "# Data Scientist\n\n- SQL"),
        ("\ufeffCafé manager".encode(), "cv.txt", Kind.TEXT, "Café manager"),
        ("Café manager".encode("cp1252"), "cv.txt", Kind.TEXT, "Café manager"),
        ("Ärztin".encode("utf-16"), "cv.txt", Kind.TEXT, "Ärztin"),
        (b"Plain words\x1b[31m in red\x07", "notes", Kind.TEXT, "Plain words in red"),
    ],
)
def test_text_files_are_decoded_and_tidied(data: bytes, filename: str, kind: Kind, text: str) -> None:
    document = read_document(data, filename)
    assert (document.kind, document.text) == (kind, text)


def test_a_pdf_protected_by_an_empty_password_opens_and_one_with_a_password_is_refused() -> None:
    assert "churn models" in read_document(make_pdf([POSTING], user_password=""), "open.pdf").text
    refusal = _refusal(make_pdf([POSTING], user_password="secret"), "locked.pdf")
    assert refusal.problem is Problem.PROTECTED and "locked.pdf is password-protected" in refusal.message


def test_a_scanned_pdf_is_named_as_such() -> None:
    refusal = _refusal(make_scanned_pdf(), "scan.pdf")
    assert refusal.problem is Problem.SCANNED
    assert "it looks like a scanned image" in refusal.message and "paste the text" in refusal.message


def test_a_fifty_page_pdf_is_refused_with_its_page_count() -> None:
    refusal = _refusal(make_pdf([f"Page {n} of a long thesis about churn." for n in range(50)]), "thesis.pdf")
    assert refusal.problem is Problem.TOO_MANY_PAGES
    assert "a 50-page document" in refusal.message and f"up to {problems.MAX_PAGES} pages" in refusal.message
    assert read_document(make_pdf([POSTING] * problems.MAX_PAGES), "ok.pdf").pages == problems.MAX_PAGES


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed() -> None:
    refusal = _refusal(b"%PDF-1.7\n" + b"0" * problems.MAX_BYTES, "huge.pdf")
    assert refusal.problem is Problem.TOO_LARGE
    assert "huge.pdf is 5.0 MB; I read files of up to 5 MB" in refusal.message


def test_too_much_text_is_cut_at_a_line_break_and_says_so() -> None:
    line = "Built dashboards and models for the growth team.\n"
    document = read_document((line * 2000).encode(), "long.txt")
    assert document.truncated and len(document.text) <= problems.MAX_CHARS
    assert document.text.endswith("growth team.") and len(document.text) > problems.MAX_CHARS * 0.9
    assert not read_document(line.encode(), "short.txt").truncated


def test_truncate_falls_back_to_a_space_then_to_a_hard_cut() -> None:
    assert truncate("aaaa bbbb cccc dddd", 16) == ("aaaa bbbb cccc", True)
    assert truncate("aaaa\nbbbb cccc dddd", 16) == ("aaaa\nbbbb cccc", True)  # the line break: too early
    assert truncate("x" * 50, 20) == ("x" * 20, True)
    assert truncate("short", 20) == ("short", False)


@pytest.mark.parametrize(
    ("data", "filename", "problem", "says"),
    [
        (b"", "cv.pdf", Problem.EMPTY, "cv.pdf is empty"),
        (b" \n\t\n ", "cv.txt", Problem.NO_TEXT, "cv.txt has no text in it"),
        (b"%PDF-1.4\nnot really a pdf", "cv.pdf", Problem.DAMAGED, "it looks damaged, or is not a real PDF file"),
        (b"PK\x03\x04 broken zip", "cv.docx", Problem.DAMAGED, "is not a real Word file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "cv.png", Problem.UNSUPPORTED, "can't read text in pictures"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "cv.doc", Problem.UNSUPPORTED, "Save it as .docx or PDF"),
        (b"<html><body>Job</body></html>", "job.html", Problem.UNSUPPORTED, "I read .txt, .md, .pdf and .docx"),
        (b"{\\rtf1\\ansi Hello}", "cv.rtf", Problem.UNSUPPORTED, "a Rich Text (.rtf) file"),
        (bytes(range(256)) * 4, "blob", Problem.UNSUPPORTED, "a binary file"),
    ],
)
def test_files_we_cannot_read_are_refused_in_plain_words(
    data: bytes, filename: str, problem: Problem, says: str
) -> None:
    refusal = _refusal(data, filename)
    assert refusal.problem is problem and says in refusal.message, refusal.message


@pytest.mark.parametrize(
    ("data", "filename", "says"),
    [
        (make_docx(["Jane Doe"]), "cv.pdf", "cv.pdf is not a PDF: it looks like a Word document (.docx)"),
        (b"Jane Doe, analyst", "cv.pdf", "cv.pdf is not a PDF: it looks like a plain text file"),
        (make_pdf([POSTING]), "cv.docx", "cv.docx is not a Word document: it looks like a PDF"),
        (make_pdf([POSTING]), "cv.txt", "cv.txt is not a plain text file: it looks like a PDF"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "cv.pdf", "cv.pdf is not a PDF: it looks like an image"),
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_named_for_what_it_is(data: bytes, filename: str, says: str) -> None:
    refusal = _refusal(data, filename)
    assert refusal.problem is Problem.MISMATCH and refusal.message.startswith(says), refusal.message


def test_office_archives_other_than_word_are_told_apart() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert "it looks like a spreadsheet" in _refusal(out.getvalue(), "cv.docx").message


def test_a_word_file_that_would_unpack_into_a_bomb_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b" " * (60 * 1024 * 1024))
    assert len(out.getvalue()) < problems.MAX_BYTES  # small on the wire: only unpacking would find it out
    assert _refusal(out.getvalue(), "cv.docx").problem is Problem.DAMAGED


def test_a_file_name_is_shown_short_and_without_its_path_or_control_characters() -> None:
    assert display_name("C:\\Users\\jane\\Documents\\cv.pdf") == "cv.pdf"
    assert display_name("/tmp/\u202ecv\x1b[2J.pdf") == "cv.pdf"
    shown = display_name("a" * 500 + ".pdf")
    assert len(shown) <= 60 and shown.endswith("…")
    refusal = _refusal(b"", "x" * 5000 + ".pdf")
    assert len(refusal.message) < 200


def test_a_file_read_again_is_not_parsed_again() -> None:
    # A start reads its file to check it, then again to begin: the second read is the first one's result.
    data = make_pdf([POSTING])
    assert read_document(data, "posting.pdf") is read_document(data, "posting.pdf")
    scanned = make_scanned_pdf()
    first, second = _refusal(scanned, "scan.pdf"), _refusal(scanned, "scan.pdf")  # a problem is remembered too
    assert first is second and str(first) == str(_refusal(make_scanned_pdf(), "scan.pdf"))
