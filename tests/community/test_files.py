"""Which documents the shared space accepts, judged by content (community.files)."""

import io

import pytest

from maillage.community import files
from tests.community.samples import CSV, PDF, archive, office, opendocument


def kind(content: bytes, name: str = "document.bin", size: int | None = None) -> str:
    return files.check(io.BytesIO(content), len(content) if size is None else size, name)


def refusal(content: bytes, name: str = "document.bin", size: int | None = None) -> str:
    with pytest.raises(files.DocumentRefused) as error:
        kind(content, name, size)
    return str(error.value)


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (PDF, "statuts.bin", "pdf"),  # the content decides, not the name
        (opendocument("application/vnd.oasis.opendocument.text"), "a.zip", "odt"),
        (opendocument("application/vnd.oasis.opendocument.spreadsheet"), "a", "ods"),
        (opendocument("application/vnd.oasis.opendocument.presentation"), "a", "odp"),
        (office("word/"), "a.pdf", "docx"),
        (office("xl/"), "a", "xlsx"),
        (office("ppt/"), "a", "pptx"),
        (CSV, "chiffres.CSV", "csv"),  # Windows-1252, as a spreadsheet writes it
        ("lieu,ville\nLa Ruche,Sèvres\n".encode(), "c.csv", "csv"),
    ],
)
def test_each_accepted_kind_is_recognised_by_content(content, name, expected):
    stream = io.BytesIO(content)
    assert files.check(stream, len(content), name) == expected
    assert stream.tell() == 0  # left at its start, to be stored


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "image.pdf"),
        (b"MZ\x90\x00" + b"\x00" * 32, "programme.docx"),
        (b"<html><script>alert(1)</script></html>", "page.html"),
        (b"lieu\x00ville\n", "binaire.csv"),  # a NUL byte: not text
        (b"\x81\x8d\x8f\x90\x9d", "table.csv"),  # neither UTF-8 nor Windows-1252
        (b"lieu,ville\n", "texte.txt"),  # text, but not named .csv
        (archive({"photo.jpg": b"x"}), "archive.zip"),  # a ZIP, but no document
        (archive({"mimetype": b"application/epub+zip"}), "livre.odt"),
        (archive({"mimetype": b"x" * 500}), "gros.odt"),
        (archive({"[Content_Types].xml": b"<Types/>"}), "vide.docx"),
        (b"PK\x03\x04 not really an archive", "faux.docx"),
    ],
)
def test_other_files_are_refused_naming_the_formats(content, name):
    assert refusal(content, name) == (
        "d'après son contenu, ce fichier n'est pas d'un format accepté "
        "(PDF, ODT, ODS, ODP, DOCX, XLSX, PPTX ou CSV)."
    )


@pytest.mark.parametrize(
    "content",
    [
        office("word/", "word/vbaProject.bin"),
        office("xl/", "xl/VBAPROJECT.BIN"),
        opendocument("application/vnd.oasis.opendocument.text", "Basic/Standard/Module1.xml"),
    ],
)
def test_documents_with_macros_are_refused(content):
    assert refusal(content).startswith("les documents qui contiennent des macros")


def test_an_empty_file_is_refused():
    assert refusal(b"", "vide.pdf") == "le fichier est vide."


def test_a_file_over_the_limit_is_refused_with_its_size():
    assert refusal(PDF, size=files.MAX_BYTES + 1) == (
        "le fichier dépasse 20 Mo (il fait 20,0 Mo) : réduisez-le ou découpez-le."
    )
    assert kind(PDF, size=files.MAX_BYTES) == "pdf"


@pytest.mark.parametrize(
    ("size", "text"),
    [(1, "1 ko"), (350 * 1024, "350 ko"), (2_500_000, "2,4 Mo"), (20 * 1024 * 1024, "20,0 Mo")],
)
def test_sizes_read_in_french(size, text):
    assert files.size_text(size) == text


@pytest.mark.parametrize(
    ("title", "stem"),
    [
        ("Statuts type — SCIC", "statuts-type-scic"),
        ("Étude : télétravail 2026", "etude-teletravail-2026"),
        ("../../etc/passwd", "etc-passwd"),
        ("«»—", "document"),
        ("a" * 200, "a" * files.STEM_MAX),
    ],
)
def test_download_names_are_plain(title, stem):
    assert files.download_stem(title) == stem
