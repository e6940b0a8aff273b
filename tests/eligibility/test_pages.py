"""«Mes droits»: the person's page, asking with a proof, adding a child; bad input answered
in French with nothing written."""

import io
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from maillage.eligibility import services
from maillage.eligibility.models import (
    AccessAction,
    ChildProfile,
    EligibilityStatus,
    State,
    stored_proofs,
)
from tests.factories import StaffFactory, UserFactory, VerifiedUserFactory
from tests.fixtures.eligibility import PDF

pytestmark = pytest.mark.django_db

MY_RIGHTS = reverse("eligibility:my_rights")
ASK = reverse("eligibility:ask")
ADD_CHILD = reverse("eligibility:add_child")


@pytest.fixture
def person(categories):
    return VerifiedUserFactory(email="camille@exemple.test")


@pytest.fixture
def signed_in(client, person):
    client.force_login(person)
    return client


def test_the_account_page_links_to_my_rights(signed_in):
    assert MY_RIGHTS in signed_in.get(reverse("accounts:account")).content.decode()


def test_anonymous_visitors_are_sent_to_the_login(client):
    for url in (MY_RIGHTS,):
        response = client.get(url)
        assert response.status_code == 302 and "/connexion/" in response["Location"]
    response = client.post(ASK)
    assert response.status_code == 302 and "/connexion/" in response["Location"]


def test_my_rights_shows_my_statuses_validity_and_who_saw_them(signed_in, person, status_factory):
    today = timezone.localdate()
    verified = status_factory("rsa", person=person, valid_until=today + timedelta(days=20))
    status_factory("handicap", person=person, valid_until=today - timedelta(days=2))
    services.record_accesses(
        StaffFactory(first_name="Inès", last_name="Agent"), [verified], AccessAction.DECISION
    )
    page = signed_in.get(MY_RIGHTS).content.decode()
    assert "Bénéficiaire du RSA" in page and "Vérifié" in page
    assert "RQTH, AAH ou CMI" in page and "Expiré" in page
    assert "Inès Agent (instruction des statuts du Département)" in page
    assert "A consulté la demande — Bénéficiaire du RSA" in page


def test_my_rights_shows_nobody_else_s_statuses(signed_in, status_factory):
    status_factory("handicap", person=VerifiedUserFactory())
    response = signed_in.get(MY_RIGHTS)
    assert response.context["statuses"] == []
    assert "Vous n'avez encore demandé aucun statut." in response.content.decode()


def test_asking_with_a_pdf(signed_in, person):
    proof = SimpleUploadedFile("attestation.pdf", PDF, content_type="application/pdf")
    response = signed_in.post(
        ASK, {"category": "rsa", "beneficiary": "moi", "proof": proof}, follow=True
    )
    assert "Votre demande est enregistrée" in response.content.decode()
    status = EligibilityStatus.objects.get()
    assert (status.person, status.state) == (person, State.REQUESTED)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (
            {"proof": SimpleUploadedFile("photo.png", b"GIF89a....", content_type="image/png")},
            "ni un PDF, ni une image JPEG ou PNG",
        ),
        ({"proof": None}, "joignez un justificatif"),
        ({"category": "inconnue"}, "Sélectionnez un choix valide"),
        ({"beneficiary": "999"}, "Sélectionnez un choix valide"),
    ],
)
def test_a_bad_request_is_answered_in_french_and_writes_nothing(signed_in, data, fragment):
    form = {
        "category": "rsa",
        "beneficiary": "moi",
        "proof": SimpleUploadedFile("a.pdf", PDF),
        **data,
    }
    response = signed_in.post(ASK, {k: v for k, v in form.items() if v is not None})
    assert response.status_code == 400
    assert fragment in response.content.decode()
    assert "rien n'a été enregistré" in response.content.decode()
    assert not EligibilityStatus.objects.exists()


def test_the_proof_is_marked_required_and_its_absence_named(signed_in):
    page = signed_in.get(MY_RIGHTS).content.decode()
    assert re.search(
        r'<label for="id_proof">Justificatif <span class="required" aria-hidden="true">\*</span>',
        page,
    )
    assert re.search(r'<input type="file" name="proof"[^>]* required[ >]', page)
    response = signed_in.post(ASK, {"category": "rsa", "beneficiary": "moi"})
    assert response.status_code == 400
    assert (
        "Justificatif : joignez un justificatif, obligatoire pour cette catégorie (PDF, JPEG ou "
        "PNG, 5 Mo au plus)." in response.content.decode()
    )
    assert not EligibilityStatus.objects.exists()


def test_a_category_needing_no_proof_is_named_and_asked_without_one(signed_in, categories):
    categories["independant"].needs_proof = False
    categories["independant"].save()
    page = signed_in.get(MY_RIGHTS).content.decode()
    assert "Sauf pour « Indépendant·e ou créateur·rice d&#x27;entreprise »." in page
    assert signed_in.post(ASK, {"category": "rsa", "beneficiary": "moi"}).status_code == 400
    response = signed_in.post(ASK, {"category": "independant", "beneficiary": "moi"})
    assert response.status_code == 302
    assert EligibilityStatus.objects.get().category == categories["independant"]


def test_a_parent_adds_a_child_then_asks_the_collegien_status(signed_in, person):
    year = timezone.localdate().year - 12
    child_form = {"first_name": "Léa", "birth_year": year, "school": "Collège"}
    response = signed_in.post(ADD_CHILD, child_form)  # without the parent's consent
    assert response.status_code == 400
    assert "seul un parent ou un représentant légal" in response.content.decode()
    assert not ChildProfile.objects.exists()
    signed_in.post(ADD_CHILD, {**child_form, "consent": "on"})
    child = ChildProfile.objects.get(parent=person)
    signed_in.post(
        ASK,
        {
            "category": "collegien",
            "beneficiary": str(child.pk),
            "bursary_holder": "on",
            "proof": SimpleUploadedFile("certificat.pdf", PDF),
        },
    )
    status = EligibilityStatus.objects.get()
    assert (status.child, status.bursary_holder) == (child, True)
    assert "pour Léa" in signed_in.get(MY_RIGHTS).content.decode()


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"birth_year": "1980"}, "Année de naissance"),
        ({"birth_year": "1e9"}, "nombre entier"),
        ({"first_name": "Léa\x1b[31m"}, "Le prénom ne peut pas contenir"),
        ({"school": ""}, "Ce champ est obligatoire"),
    ],
)
def test_a_bad_child_profile_is_refused(signed_in, data, fragment):
    form = {
        "first_name": "Léa",
        "birth_year": timezone.localdate().year - 12,
        "school": "C",
        "consent": "on",
    }
    response = signed_in.post(ADD_CHILD, {**form, **data})
    assert response.status_code == 400 and fragment in response.content.decode()
    assert not ChildProfile.objects.exists()


def test_an_unverified_account_sees_how_to_verify_and_cannot_ask(client, categories):
    client.force_login(UserFactory())
    page = client.get(MY_RIGHTS).content.decode()
    assert "Vérifiez votre adresse" in page and ASK not in page
    response = client.post(
        ASK, {"category": "rsa", "beneficiary": "moi", "proof": SimpleUploadedFile("a.pdf", PDF)}
    )
    assert response.status_code == 400 and "compte vérifié" in response.content.decode()
    assert not EligibilityStatus.objects.exists()


def test_the_forms_need_the_csrf_token(person):
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    response = client.post(ADD_CHILD, {"first_name": "Léa", "birth_year": "2014", "school": "C"})
    assert response.status_code == 403
    assert not ChildProfile.objects.exists()


def test_my_data_holds_my_statuses_children_and_who_saw_them(
    signed_in, person, status_factory, child_of
):
    lea = child_of(person)
    rsa = status_factory("rsa", person=person)
    status_factory("collegien", child=lea, bursary_holder=True)
    status_factory("handicap", person=VerifiedUserFactory())  # someone else's
    services.record_accesses(StaffFactory(first_name="Inès"), [rsa], AccessAction.LIST)
    response = signed_in.get(reverse("eligibility:my_data"))
    assert response["Content-Disposition"] == 'attachment; filename="mes-droits.json"'
    data = response.json()
    assert data["enfants"] == [
        {"prenom": "Léa", "annee_naissance": lea.birth_year, "etablissement": lea.school}
    ]
    assert [(s["categorie"], s["enfant"], s["etat"]) for s in data["statuts"]] == [
        ("Bénéficiaire du RSA", None, "vérifié"),
        ("Collégien·ne", "Léa", "vérifié"),
    ]
    assert [(a["par"], a["quoi"], a["statut"]) for a in data["consultations"]] == [
        (
            "Inès (instruction des statuts du Département)",
            "a vu la demande dans la liste des demandes",
            rsa.pk,
        )
    ]


def test_a_person_withdraws_their_open_request_and_its_proof(
    signed_in, person, django_capture_on_commit_callbacks
):
    request = services.ask_status(
        person, category_code="rsa", proof=services.UploadedProof(io.BytesIO(PDF), len(PDF))
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(reverse("eligibility:withdraw", args=[request.pk]), follow=True)
    assert "Votre demande est retirée" in response.content.decode()
    assert not EligibilityStatus.objects.exists()
    assert stored_proofs().listdir("proofs")[1] == []


@pytest.mark.parametrize("whose", ["someone_else", "decided"])
def test_nobody_withdraws_another_s_or_a_decided_request(signed_in, person, status_factory, whose):
    status = (
        status_factory("rsa", person=VerifiedUserFactory(), state=State.REQUESTED)
        if whose == "someone_else"
        else status_factory("rsa", person=person)
    )
    response = signed_in.post(reverse("eligibility:withdraw", args=[status.pk]), follow=True)
    assert "n&#x27;existe pas ou a déjà été décidée" in response.content.decode()
    assert EligibilityStatus.objects.filter(pk=status.pk).exists()


def test_a_parent_withdraws_their_child_s_request(signed_in, person, status_factory, child_of):
    status = status_factory("collegien", child=child_of(person), state=State.REQUESTED)
    signed_in.post(reverse("eligibility:withdraw", args=[status.pk]))
    assert not EligibilityStatus.objects.exists()
