"""The managers' page (/gestion/dispositifs/): a programme's terms shown before a manager
accepts them, a join without the terms accepted refused on the page (400, the error on that
programme's box), leaving after a confirmation, and only for the places one manages."""

import re

import pytest
from django.urls import reverse

from maillage.programmes.models import LedgerEntry, ProgrammePlace
from tests.pages import text
from tests.programmes.builders import a_pass, programme

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_at_now")]

PAGE = reverse("programmes:manager")


def pass_plus():
    """A pass for desks only, with a bursary holders' amount, staff's payment terms, and no
    payment for a late cancellation."""
    return a_pass(
        [],
        8000,
        bursary_cents=10000,
        name="Pass+",
        space_kinds=["desk", "meeting_room"],
        late_rule="given_back",
        covers_events=True,
        terms="Remboursement chaque trimestre,\nsur facture au Département.",
    )


def box(page: str, place, made) -> str:
    """The «J'accepte» checkbox of `made` for `place` on the managers' page."""
    [found] = re.findall(rf'<input[^>]*id="accepte-{place.pk}-{made.pk}"[^>]*>', page)
    return found


def test_the_terms_are_shown_before_the_box_to_accept_them(client, place, manager):
    made = pass_plus()
    client.force_login(manager)
    page = text(client.get(PAGE))
    terms = [
        "Un crédit de 80 € par année scolaire par bénéficiaire (100 € pour les boursiers).",
        "Département des Hauts-de-Seine",
        "Postes en espace partagé, Salle de réunion",
        "Ateliers et événements payants</dt><dd>le dispositif paie aussi sa part des "
        "inscriptions, comme pour les réservations",
        "du 1er janvier 2026 au 31 décembre 2027",
        "Annulation tardive ou absence</dt><dd>le dispositif ne paie pas sa part : le lieu ne "
        "la reçoit pas.",
        "Remboursement chaque trimestre,<br>sur facture au Département.",
    ]
    accept = page.index(box(page, place, made))
    for term in terms:
        assert term in page
        assert page.index(term) < accept, term
    assert "ollégien" not in page  # never the category


def test_a_programme_for_every_space_whose_place_is_paid_on_a_late_cancellation(
    client, place, manager
):
    programme([])
    client.force_login(manager)
    page = text(client.get(PAGE))
    assert "tous les types d'espaces" in page
    assert "non concernés : le prix public s'applique" in page
    assert "le dispositif paie tout de même sa part au lieu." in page
    assert "Paiement et remboursement" not in page  # staff wrote no terms


def test_a_join_without_the_terms_accepted_is_refused_on_the_page(client, place, manager):
    made, other = pass_plus(), programme([])
    entries = LedgerEntry.objects.count()
    client.force_login(manager)
    response = client.post(reverse("programmes:join", args=[place.slug, made.pk]), {})
    assert response.status_code == 400
    page = text(response)
    refused = box(page, place, made)
    error = f"accepte-{place.pk}-{made.pk}-erreur"
    assert 'aria-invalid="true"' in refused and f'aria-describedby="{error}"' in refused
    assert "autofocus" in refused
    assert re.search(rf'id="{error}"[^>]*>« J\'accepte les conditions » : cochez', page)
    untouched = box(page, place, other)
    assert "aria-invalid" not in untouched and "autofocus" not in untouched
    assert not ProgrammePlace.objects.exists()
    assert LedgerEntry.objects.count() == entries
    # Any other answer than «oui» is no acceptance either.
    response = client.post(
        reverse("programmes:join", args=[place.slug, made.pk]), {"accepte": "on"}
    )
    assert response.status_code == 400 and not ProgrammePlace.objects.exists()


def test_leaving_is_confirmed_first(client, place, manager):
    made = programme(place)
    client.force_login(manager)
    leave = reverse("programmes:leave", args=[place.slug, made.pk])
    assert leave in text(client.get(PAGE))  # a link to the confirmation, not a button
    confirmation = client.get(leave)
    assert confirmation.status_code == 200
    page = text(confirmation)
    assert "Les réservations déjà faites gardent leur prix" in page
    assert "les personnes paient le prix public" in page
    assert f'<form method="post" action="{leave}">' in page
    assert ProgrammePlace.objects.get().left_at is None  # the GET wrote nothing
    response = client.post(leave)
    assert response.status_code == 302
    assert ProgrammePlace.objects.get().left_at is not None
    # Once left, there is nothing to confirm.
    assert client.get(leave).status_code == 404


def test_a_manager_cannot_join_or_leave_for_a_place_they_do_not_manage(
    client, place, other_place, manager
):
    """Object-level permissions: managing a place gives no rights on another one."""
    made = programme(other_place)
    joined = ProgrammePlace.objects.get()
    fresh = programme([])
    client.force_login(manager)
    leave = reverse("programmes:leave", args=[other_place.slug, made.pk])
    assert client.get(leave).status_code == 403
    assert client.post(leave).status_code == 403
    join = reverse("programmes:join", args=[other_place.slug, fresh.pk])
    assert client.post(join, {"accepte": "oui"}).status_code == 403
    assert client.post(join, {}).status_code == 403
    assert list(ProgrammePlace.objects.values_list("pk", "left_at")) == [(joined.pk, None)]
