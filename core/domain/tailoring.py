"""What a learner brings to tailor an interview (a job posting, a résumé: pasted text or a file), and the `tailor`
words typed beside an uploaded file."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Upload:
    """A file as a platform hands it over: its name (which says what it claims to be) and its bytes."""

    name: str
    data: bytes


Source = str | Upload  # pasted text, or a file to read


@dataclass(frozen=True)
class TailorRequest:
    """A tailored start: a posting, a résumé or both, and optionally the role and the number of main questions."""

    posting: Source | None = None
    resume: Source | None = None
    role: str | None = None
    questions: int | None = None


@dataclass(frozen=True)
class TailorWords:
    """`tailor [resume] [ROLE]` typed with a file: whether the file is a résumé, and the role named, if any."""

    resume: bool = False
    role: str | None = None


_WORDS = re.compile(r"^\s*tailor\b(.*)$", re.IGNORECASE | re.DOTALL)
_RESUME_WORDS = frozenset({"resume", "résumé", "cv", "lebenslauf"})
_POSTING_WORDS = frozenset({"jd", "job", "posting", "description", "ad"})
# File names that say "résumé", so `tailor` with a file called cv.pdf needs no second word.
_RESUME_NAME = re.compile(r"(?i)(?:^|[^a-z])(?:cv|resume|résumé|lebenslauf)(?:[^a-z]|$)")


def parse_tailor_words(text: str) -> TailorWords | None:
    """The `tailor` command typed beside a file, or None when the message is not one."""
    match = _WORDS.match(text or "")
    if not match:
        return None
    words = match.group(1).split()
    resume = any(w.lower() in _RESUME_WORDS for w in words)
    rest = [w for w in words if w.lower() not in _RESUME_WORDS | _POSTING_WORDS]
    return TailorWords(resume=resume, role=" ".join(rest) or None)


def looks_like_resume(name: str) -> bool:
    """Whether a file's name says it is a résumé (cv.pdf, Jane_Doe_Resume.docx)."""
    return bool(_RESUME_NAME.search(name))


def sort_uploads(uploads: list[Upload], words: TailorWords) -> TailorRequest:
    """Which of the files sent with `tailor` is the posting and which the résumé: a file named like a résumé is
    the résumé, the other one the posting; one file alone is the posting unless the words or its name say résumé."""
    resumes = [u for u in uploads if looks_like_resume(u.name)]
    others = [u for u in uploads if not looks_like_resume(u.name)]
    if len(uploads) == 1 and words.resume:
        return TailorRequest(resume=uploads[0], role=words.role)
    return TailorRequest(posting=others[0] if others else None, resume=resumes[0] if resumes else None, role=words.role)
