"""What a tailored start asks for, read and checked before anything starts: the posting's role, seniority and
requirements and the résumé's claims, all from redacted text; or the one problem that stops it, in words to show.

Reading a PDF or Word file is synchronous and CPU-bound: an async caller runs read_brief in a worker thread."""

from __future__ import annotations

from dataclasses import dataclass

from core.domain.commands import Level
from core.domain.roles import RoleCatalog, RolePack, UnknownRole
from core.domain.tailoring import Source, TailorRequest, Upload
from core.domain.text import clean_text
from core.tailoring.documents import read_document, tidy, truncate
from core.tailoring.language import language_name
from core.tailoring.postings import closest_pack, read_posting
from core.tailoring.problems import MAX_CHARS, DocumentProblem
from core.tailoring.redaction import redact
from core.tailoring.resumes import Claim, read_resume


class TailorProblem(Exception):
    """What stops a tailored start, said so the learner knows what happened and what to do."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class Brief:
    """A tailored interview's brief: the pack, the level, what the posting asks for, the résumé's claims, and the
    lines that tell the learner what was read and guessed."""

    pack: RolePack
    level: Level | None
    seniority: str | None
    requirements: tuple[str, ...]
    claims: tuple[Claim, ...]
    about: tuple[str, ...]  # shown with the first question: the role picked, what was cut, what was not found
    has_posting: bool


def _text_of(source: Source, what: str) -> tuple[str, str | None]:
    """The redacted text of a pasted text or a file, and a note when it was cut."""
    if isinstance(source, Upload):
        try:
            document = read_document(source.data, source.name)
        except DocumentProblem as exc:
            raise TailorProblem(exc.message) from exc
        text, cut, name = document.text, document.truncated, document.name
    else:
        text, cut = truncate(tidy(clean_text(source)), MAX_CHARS)
        name = f"the {what}"
        if not text:
            raise TailorProblem(f"The {what} you sent is empty. Paste its text, or send it as a file.")
    note = f"{name} is long: I read its first {MAX_CHARS:,} characters." if cut else None
    return redact(text), note


def _role_list(catalog: RoleCatalog) -> str:
    return ", ".join(f"`{rid}`" for rid in catalog.ids)


def read_brief(request: TailorRequest, catalog: RoleCatalog) -> Brief:
    """The brief of a tailored start; TailorProblem when nothing was sent, a file cannot be read, the posting is
    not in English or fits none of our roles, or a résumé comes with neither a posting nor a role."""
    if request.posting is None and request.resume is None:
        raise TailorProblem("Send me a job posting (pasted, or a PDF, Word or text file), your résumé, or both.")
    about: list[str] = []
    pack: RolePack | None = None
    if request.role:
        try:
            pack = catalog.resolve(request.role)
        except UnknownRole as exc:
            raise TailorProblem(f"I don't know the role “{exc.name}”. Choose one of: {_role_list(catalog)}.") from exc
    level: Level | None = None
    seniority: str | None = None
    requirements: tuple[str, ...] = ()
    if request.posting is not None:
        text, note = _text_of(request.posting, "job posting")
        about += [note] if note else []
        posting = read_posting(text, catalog)
        if not posting.in_english:
            raise TailorProblem(
                f"This posting looks like it is in {language_name(posting.language)}. I can only tailor to postings "
                "in English for now: send an English version of it, or start a plain interview for its role."
            )
        if pack is None:
            if posting.role_id is None:
                raise TailorProblem(
                    "I couldn't tell which of my roles this posting is for. Name the role as well, one of: "
                    f"{_role_list(catalog)}."
                )
            pack = catalog.packs[posting.role_id]
            about.append(f"I picked **{pack.title}** as the closest role for this posting; name another to change it.")
        level, seniority, requirements = posting.level, posting.seniority, posting.requirements
        if not requirements:
            about.append("I found no list of skills or duties in the posting, so the questions are the role's own.")
    claims: tuple[Claim, ...] = ()
    if request.resume is not None:
        text, note = _text_of(request.resume, "résumé")
        about += [note] if note else []
        if pack is None:
            guess, _ = closest_pack(text, catalog)
            hint = f" (it reads like `{guess}`)" if guess else ""
            raise TailorProblem(
                "A résumé alone doesn't tell me which job to interview you for. Send the job posting with it, or "
                f"name the role{hint}, one of: {_role_list(catalog)}."
            )
        claims = tuple(read_resume(text))
        if not claims:
            about.append("I found no projects or results with numbers in your résumé to ask about.")
    assert pack is not None  # a posting or a role named it, or a problem was raised
    return Brief(pack, level, seniority, requirements, claims, tuple(about), request.posting is not None)
