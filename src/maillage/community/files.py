"""Files of the community's shared documents: which are accepted, judged by their content.
Pure (no Django).

Accepted: PDF, OpenDocument (text, spreadsheet, presentation), Office Open XML (Word, Excel,
PowerPoint) and CSV, of at most MAX_BYTES. The kind is read from the content, never from
the type the browser declared: a PDF starts with `%PDF-`; OpenDocument and Office files are
ZIP archives, told apart by what they hold (OpenDocument's `mimetype` entry, Office's
`[Content_Types].xml` and its `word/`, `xl/` or `ppt/` folder), and refused when they carry
macros (`vbaProject.bin`, OpenDocument's `Basic/` folder); a CSV is a file named `.csv`
holding text (no NUL byte, UTF-8 or Windows-1252). The stored copy is named by the platform
with the detected kind's extension.
"""

import re
import zipfile
from dataclasses import dataclass
from typing import IO

from maillage.core.text import fold, french_number

MAX_BYTES = 20 * 1024 * 1024
MAX_TEXT = "20 Mo"
# The most bytes of an OpenDocument archive's `mimetype` entry read (its value is ~50).
MIMETYPE_MAX_BYTES = 200
CHUNK = 64 * 1024
STEM_MAX = 80


@dataclass(frozen=True)
class Kind:
    """A kind of document: the name people read, the stored copy's extension, the
    content type it is served with."""

    label: str
    extension: str
    content_type: str


KINDS = {
    "pdf": Kind("PDF", "pdf", "application/pdf"),
    "odt": Kind("ODT", "odt", "application/vnd.oasis.opendocument.text"),
    "ods": Kind("ODS", "ods", "application/vnd.oasis.opendocument.spreadsheet"),
    "odp": Kind("ODP", "odp", "application/vnd.oasis.opendocument.presentation"),
    "docx": Kind(
        "DOCX",
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": Kind(
        "XLSX", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
    "pptx": Kind(
        "PPTX",
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    "csv": Kind("CSV", "csv", "text/csv"),
}
ALLOWED_TEXT = "PDF, ODT, ODS, ODP, DOCX, XLSX, PPTX ou CSV"
_OPENDOCUMENT = {kind.content_type: key for key, kind in KINDS.items() if key.startswith("od")}
_OFFICE_FOLDERS = (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx"))


class DocumentRefused(ValueError):
    """The file is not a document the platform accepts; str() says why, in French (the
    form puts the field's name, «Fichier», before it)."""


def size_text(size: int) -> str:
    """A size in bytes as people read it: «2,4 Mo», «350 ko»."""
    if size >= 1024 * 1024:
        return f"{french_number(size / (1024 * 1024), 1)} Mo"
    return f"{french_number(max(1, round(size / 1024)))} ko"


def download_stem(title: str) -> str:
    """The name a downloaded document is saved under, from its title: ASCII letters and
    digits joined by hyphens («Statuts type — SCIC» → «statuts-type-scic»), at most
    STEM_MAX characters; «document» when nothing is left."""
    stem = re.sub(r"[^a-z0-9]+", "-", fold(title)).strip("-")[:STEM_MAX].strip("-")
    return stem or "document"


def _archive_kind(stream: IO[bytes]) -> str | None:
    """The OpenDocument or Office kind of a ZIP archive, None for any other archive;
    DocumentRefused when it carries macros."""
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                if archive.getinfo("mimetype").file_size > MIMETYPE_MAX_BYTES:
                    return None
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                kind = _OPENDOCUMENT.get(mimetype)
                if kind and any(name.startswith("Basic/") for name in names):
                    raise DocumentRefused(_MACROS)
                return kind
            if "[Content_Types].xml" not in names:
                return None
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise DocumentRefused(_MACROS)
            for folder, kind in _OFFICE_FOLDERS:
                if any(name.startswith(folder) for name in names):
                    return kind
            return None
    except DocumentRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError):
        return None  # not an archive Python reads: no document either


_MACROS = (
    "les documents qui contiennent des macros ne sont pas acceptés : enregistrez-le sans "
    "macros (DOCX, XLSX, PPTX, ODT, ODS…)."
)


def _is_text(stream: IO[bytes]) -> bool:
    """Whether the whole stream is text: no NUL byte, and UTF-8 or Windows-1252."""
    content = bytearray()
    while chunk := stream.read(CHUNK):
        if b"\x00" in chunk:
            return False
        content.extend(chunk)
    for encoding in ("utf-8", "cp1252"):
        try:
            bytes(content).decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def check(stream: IO[bytes], size: int | None, name: str) -> str:
    """The kind (a key of KINDS) of an uploaded document, read from its content (the
    stream is left at its start); `size`: the bytes received, `name`: the file's name as
    sent (only a CSV's «.csv» is read from it). DocumentRefused, in French, when it is
    empty, over MAX_BYTES or of no accepted kind."""
    if size is not None and size > MAX_BYTES:
        raise DocumentRefused(
            f"le fichier dépasse {MAX_TEXT} (il fait {size_text(size)}) : réduisez-le "
            "ou découpez-le."
        )
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if not head:
        raise DocumentRefused("le fichier est vide.")
    kind: str | None = None
    if head.startswith(b"%PDF-"):
        kind = "pdf"
    elif head.startswith(b"PK\x03\x04"):
        kind = _archive_kind(stream)
    elif name.lower().endswith(".csv"):
        kind = "csv" if _is_text(stream) else None
    stream.seek(0)
    if kind is None:
        raise DocumentRefused(
            f"d'après son contenu, ce fichier n'est pas d'un format accepté ({ALLOWED_TEXT})."
        )
    return kind
