"""The shared documents: staff add them (checked by content, stored outside the public
media), members download them, nobody else; staff delete them with their file."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from maillage.community import documents, files
from maillage.community.models import Document
from tests.community.samples import CSV, PDF, office, stored_files, upload
from tests.pages import text

pytestmark = pytest.mark.django_db

NEW = reverse("community:staff_document")
LIST = reverse("community:documents")
FORM = {"title": "Statuts type d'une SCIC", "category": "statutes", "description": ""}


def stored() -> list[str]:
    """The files in the documents' storage."""
    storage = stored_files()
    return storage.listdir("documents")[1] if storage.exists("documents") else []


def download_url(document) -> str:
    return reverse("community:download", args=[document.pk])


def add(staff, title="Étude", category="studies", content=PDF, name="etude.pdf"):
    return documents.add_document(
        staff, title=title, category=category, upload=upload(name, content)
    )


def test_staff_share_a_document_from_their_page(client, staff_user):
    client.force_login(staff_user)
    answer = client.post(NEW, {**FORM, "file": upload("mes statuts (Léa).pdf", PDF)}, follow=True)
    assert "Le document « Statuts type d'une SCIC » est partagé." in text(answer)
    document = Document.objects.get()
    assert (document.kind, document.size_bytes, document.uploaded_by) == (
        "pdf",
        len(PDF),
        staff_user,
    )
    # Stored under a name the platform gave, with the kind's extension: nothing typed.
    assert document.file.name.startswith("documents/") and document.file.name.endswith(".pdf")
    assert "Léa" not in document.file.name
    assert stored() == [document.file.name.removeprefix("documents/")]


def test_members_download_the_file_as_an_attachment(client, staff_user, lea, sofia):
    document = add(
        staff_user, title="Étude : télétravail 2026", content=office("xl/"), name="a.xlsx"
    )
    for person in (lea, sofia, staff_user):
        client.force_login(person)
        page = text(client.get(LIST))
        assert "Étude : télétravail 2026" in page and "(XLSX," in page
        answer = client.get(download_url(document))
        assert answer.status_code == 200
        assert b"".join(answer.streaming_content) == office("xl/")
        assert answer["Content-Type"] == files.KINDS["xlsx"].content_type
        assert answer["Content-Disposition"] == (
            'attachment; filename="etude-teletravail-2026.xlsx"'
        )
        assert answer["Cache-Control"] == "private, no-store"


def test_nobody_else_reads_or_downloads_them(client, staff_user, booker):
    document = add(staff_user)
    for path in (LIST, download_url(document)):
        assert client.get(path)["Location"].startswith(reverse("accounts:login"))
    client.force_login(booker)
    assert client.get(LIST).status_code == 403
    assert client.get(download_url(document)).status_code == 403
    client.force_login(staff_user)
    assert client.get(reverse("community:download", args=[document.pk + 1])).status_code == 404


def test_documents_are_listed_by_section(client, staff_user, lea):
    add(staff_user, title="Trame de convention", category="templates")
    add(staff_user, title="Étude d'implantation", category="companies", content=CSV, name="e.csv")
    client.force_login(lea)
    page = text(client.get(LIST))
    assert page.index("Modèles et trames") < page.index("Pour les entreprises")
    assert "Ajouter un document" not in page and "Supprimer" not in page
    only = text(client.get(LIST, {"rubrique": "companies"}))
    assert "Étude d'implantation" in only and "Trame de convention" not in only
    unknown = client.get(LIST, {"rubrique": "inconnue"})
    assert unknown.status_code == 400  # no document under a section that looks chosen
    assert "cette rubrique n'existe pas" in text(unknown) and "Trame de convention" not in text(
        unknown
    )
    assert "Aucun document" not in text(unknown)


@pytest.mark.parametrize(
    ("data", "file", "field", "message"),
    [
        ({**FORM, "title": ""}, ("a.pdf", PDF), "title", "Ce champ est obligatoire."),
        ({**FORM, "category": "secret"}, ("a.pdf", PDF), "category", "Sélectionnez un choix"),
        (FORM, None, "file", "Ce champ est obligatoire."),
        (FORM, ("photo.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 20), "file", "pas d'un format accepté"),
        (FORM, ("macro.docm", office("word/", "word/vbaProject.bin")), "file", "macros"),
        (FORM, ("vide.pdf", b""), "file", "Le fichier soumis est vide."),
        ({**FORM, "title": "A\r\nB"}, ("a.pdf", PDF), "title", "Le titre ne peut pas contenir"),
    ],
)
def test_a_bad_document_is_refused_naming_the_field(client, staff_user, data, file, field, message):
    client.force_login(staff_user)
    answer = client.post(NEW, {**data, **({"file": upload(*file)} if file else {})})
    assert answer.status_code == 400
    errors = answer.context["form"].errors[field]
    assert any(message in error for error in errors), errors
    assert "Fichier : " in text(answer) or field != "file"
    assert not Document.objects.exists()
    assert stored() == []


def test_a_file_over_the_limit_is_refused(client, staff_user, monkeypatch):
    monkeypatch.setattr(files, "MAX_BYTES", len(PDF) - 1)
    client.force_login(staff_user)
    answer = client.post(NEW, {**FORM, "file": upload("gros.pdf", PDF)})
    assert answer.status_code == 400
    assert "le fichier dépasse 20 Mo" in answer.context["form"].errors["file"][0]
    assert not Document.objects.exists() and stored() == []


def test_only_staff_share_and_delete(client, staff_user, lea):
    document = add(staff_user)
    client.force_login(lea)
    assert client.post(NEW, {**FORM, "file": upload("a.pdf", PDF)}).status_code == 403
    delete = reverse("community:staff_delete_document", args=[document.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"confirmer": "oui"}).status_code == 403
    with pytest.raises(PermissionDenied):
        add(lea)
    assert list(Document.objects.all()) == [document]


def test_staff_delete_a_document_and_its_file_once_confirmed(
    client, staff_user, lea, django_capture_on_commit_callbacks
):
    document = add(staff_user)
    delete = reverse("community:staff_delete_document", args=[document.pk])
    client.force_login(staff_user)
    assert f'href="{delete}"' in text(client.get(LIST))
    # Asked first: the page, or a POST without the confirmation, deletes nothing.
    assert "Supprimer le document « Étude » ?" in text(client.get(delete))
    assert "Supprimer le document « Étude » ?" in text(client.post(delete))
    assert Document.objects.exists() and len(stored()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(delete, {"confirmer": "oui"}, follow=True)
    assert "Le document « Étude » est supprimé." in text(answer)
    assert not Document.objects.exists() and stored() == []
    assert client.get(download_url(document)).status_code == 404
