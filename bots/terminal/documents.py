"""`practice --jd FILE --resume FILE`: the files read from disk as uploads for the core, which reads and checks them.

Only a regular file is read; the core gives the limits (5 MB, 20 pages) their message, so here the only bound is
one far above them, so that a mistaken path to a disk image is not read into memory."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from core.domain.tailoring import TailorRequest, Upload

_SANITY_BYTES = 64 * 1024 * 1024


def read_upload(path: Path) -> Upload | str:
    """The file at path as an upload, or what is wrong with it."""
    try:
        found = os.stat(path)
        if not stat.S_ISREG(found.st_mode):
            return f"{path} is not a regular file: give the path of a .txt, .md, .pdf or .docx file."
        if found.st_size > _SANITY_BYTES:
            return f"{path} is {found.st_size // 2**20} MB: far too large for a job posting or a résumé."
        return Upload(path.name, path.read_bytes())
    except (FileNotFoundError, NotADirectoryError):
        return f"There is no file at {path}."
    except OSError as exc:
        return f"Could not read {path} ({exc.strerror or type(exc).__name__})."


def tailor_request(
    posting: Path | None, resume: Path | None, *, role: str | None, questions: int | None
) -> TailorRequest | str | None:
    """The tailored start --jd and --resume ask for (None when neither is given), or what is wrong with a file."""
    if posting is None and resume is None:
        return None
    read = {name: read_upload(path) if path else None for name, path in (("posting", posting), ("resume", resume))}
    for upload in read.values():
        if isinstance(upload, str):
            return upload
    jd, cv = read["posting"], read["resume"]
    assert not isinstance(jd, str) and not isinstance(cv, str)
    return TailorRequest(posting=jd, resume=cv, role=role, questions=questions)
