"""Why a document could not be read, in words shown to the learner in chat, and the limits those words name."""

from __future__ import annotations

from enum import StrEnum

from core.tailoring.sniffing import DESCRIPTIONS, Kind

MAX_BYTES = 5 * 1024 * 1024  # a text-only résumé or posting is well under 1 MB; 5 MB leaves room for a photo
MAX_PAGES = 20  # a posting is 1–3 pages and a résumé 1–4; past 20 it is something else (a thesis, a portfolio)
MAX_CHARS = 40_000  # about 6,000 words: far more than any posting or résumé; the rest is cut, never refused
# Under this many letters per page on average, a PDF's text layer is missing (a scan) or is only page numbers.
MIN_LETTERS_PER_PAGE = 15
SUPPORTED = ".txt, .md, .pdf and .docx"


class Problem(StrEnum):
    """Why a document was refused: for callers that act on the reason, never on the wording."""

    EMPTY = "empty"
    TOO_LARGE = "too_large"
    TOO_MANY_PAGES = "too_many_pages"
    UNSUPPORTED = "unsupported"
    MISMATCH = "mismatch"
    DAMAGED = "damaged"
    PROTECTED = "protected"
    SCANNED = "scanned"
    NO_TEXT = "no_text"


class DocumentProblem(Exception):
    """A document we cannot read; `message` is friendly and may be shown to the learner as it is."""

    def __init__(self, problem: Problem, message: str) -> None:
        self.problem = problem
        self.message = message
        super().__init__(message)


def empty(name: str) -> DocumentProblem:
    """The file has no bytes at all."""
    return DocumentProblem(Problem.EMPTY, f"{name} is empty. Send the file again, or paste the text instead.")


def too_large(name: str, size: int) -> DocumentProblem:
    """The file is over MAX_BYTES."""
    return DocumentProblem(
        Problem.TOO_LARGE,
        f"{name} is {size / 2**20:.1f} MB; I read files of up to {MAX_BYTES // 2**20} MB. "
        "Save it without images, or paste the text instead.",
    )


def too_many_pages(name: str, pages: int) -> DocumentProblem:
    """The PDF has more than MAX_PAGES pages."""
    return DocumentProblem(
        Problem.TOO_MANY_PAGES,
        f"{name} is a {pages}-page document; I read documents of up to {MAX_PAGES} pages. "
        "Send just the job posting or the résumé, or paste the part that matters.",
    )


def unsupported(name: str, kind: Kind | None, ext: str) -> DocumentProblem:
    """A kind (or an extension) we do not read, with what to do instead where there is something better."""
    advice = (
        {
            Kind.OLD_WORD: "Save it as .docx or PDF in Word, or paste the text.",
            Kind.IMAGE: "I can't read text in pictures: send a PDF or Word file with text, or paste the text.",
            Kind.RTF: "Save it as .docx or PDF, or paste the text.",
        }.get(kind)
        if kind
        else None
    )
    what = DESCRIPTIONS[kind] if kind else (f"a .{ext[:10]} file" if ext else "a file of a kind I don't know")
    return DocumentProblem(
        Problem.UNSUPPORTED,
        f"{name} is {what}, which I can't read. {advice or f'I read {SUPPORTED} files; or paste the text.'}",
    )


def mismatch(name: str, claimed: Kind, actual: Kind) -> DocumentProblem:
    """The file's name says one kind and its bytes another."""
    claim = DESCRIPTIONS[claimed].removesuffix(" (.docx)").removesuffix(" (.doc)")
    return DocumentProblem(
        Problem.MISMATCH,
        f"{name} is not {claim}: it looks like {DESCRIPTIONS[actual]}. "
        "Check that you sent the file you meant to, or paste the text.",
    )


def damaged(name: str, kind: Kind) -> DocumentProblem:
    """The parser could not make sense of the file."""
    return DocumentProblem(
        Problem.DAMAGED,
        f"I couldn't read {name}: it looks damaged, or is not a real {_short(kind)} file. "
        "Export it again, or paste the text.",
    )


def protected(name: str) -> DocumentProblem:
    """The PDF needs a password to open."""
    return DocumentProblem(
        Problem.PROTECTED,
        f"{name} is password-protected. Save a copy without the password, or paste the text.",
    )


def scanned(name: str) -> DocumentProblem:
    """A PDF with pages but (almost) no text on them."""
    return DocumentProblem(
        Problem.SCANNED,
        f"{name} has no text I can read: it looks like a scanned image. "
        "Export it from the original with text (\u201cSave as PDF\u201d), or paste the text.",
    )


def no_text(name: str) -> DocumentProblem:
    """A file that opens but has nothing but whitespace in it."""
    return DocumentProblem(Problem.NO_TEXT, f"{name} has no text in it. Send another file, or paste the text.")


def _short(kind: Kind) -> str:
    return {Kind.PDF: "PDF", Kind.DOCX: "Word", Kind.TEXT: "text", Kind.MARKDOWN: "Markdown"}.get(kind, kind.value)
