"""The text of a Word (.docx) file with python-docx: paragraphs and tables in document order."""

from __future__ import annotations

import io
import zipfile
from typing import TYPE_CHECKING

from core.tailoring import problems
from core.tailoring.sniffing import Kind

if TYPE_CHECKING:
    from docx.table import Table

# A .docx is a ZIP of XML. Its text part is small; a part that unpacks past this is a decompression bomb, refused
# before python-docx (and lxml) would expand it in memory.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024


def docx_text(data: bytes, name: str) -> str:
    """The text of a .docx file's body, tables as rows of cells; DocumentProblem when it cannot be read."""
    import docx  # here, not at the top: every CLI command would load it (0.13 s) to read no Word file
    from docx.table import Table

    _check_unpacked_size(data, name)
    try:
        document = docx.Document(io.BytesIO(data))
        blocks = [
            _table_text(block) if isinstance(block, Table) else block.text for block in document.iter_inner_content()
        ]
    except Exception as exc:  # python-docx and lxml raise many types (KeyError, XMLSyntaxError...) on broken files
        raise problems.damaged(name, Kind.DOCX) from exc
    return "\n".join(blocks)


def _table_text(table: Table) -> str:
    """A table as lines of cells joined by " | ", a merged cell once (python-docx repeats it in each grid slot)."""
    lines: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = cell.text.strip()
            if text and (not cells or cells[-1] != text):
                cells.append(text)
        if cells:
            lines.append(" | ".join(cells))
    return "\n".join(lines)


def _check_unpacked_size(data: bytes, name: str) -> None:
    """Refuses a .docx whose members would unpack to more than MAX_UNPACKED_BYTES (as declared in the archive)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise problems.damaged(name, Kind.DOCX) from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise problems.damaged(name, Kind.DOCX)
