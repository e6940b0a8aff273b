"""Files beyond MAILLAGE_MAX_UPLOAD_BYTES are refused with a French 413 before anything is
stored, on any page taking files; under the limit the page reads them as before."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from maillage.community.models import Document
from tests.factories import StaffFactory
from tests.pages import text

pytestmark = pytest.mark.django_db


@override_settings(MAILLAGE_MAX_UPLOAD_BYTES=6 * 1024 * 1024)
def test_files_over_the_limit_are_refused_before_they_are_stored(client):
    client.force_login(StaffFactory())
    big = SimpleUploadedFile("etude.pdf", b"%PDF-1.4\n" + b"0" * (6 * 1024 * 1024))
    response = client.post(
        reverse("community:staff_document"),
        {"title": "Étude", "category": "studies", "file": big},
    )
    assert response.status_code == 413
    assert "Les fichiers envoyés dépassent 6 Mo : rien n'a été enregistré." in text(response)
    assert not Document.objects.exists()


@override_settings(MAILLAGE_MAX_UPLOAD_BYTES=6 * 1024 * 1024)
def test_a_file_under_the_limit_reaches_the_form(client):
    client.force_login(StaffFactory())
    small = SimpleUploadedFile("etude.pdf", b"not a pdf")
    response = client.post(
        reverse("community:staff_document"),
        {"title": "Étude", "category": "studies", "file": small},
    )
    assert response.status_code == 400  # the form's own rule on the file's kind
    assert not Document.objects.exists()
