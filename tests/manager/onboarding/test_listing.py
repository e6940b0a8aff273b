"""«Référencer mon tiers-lieu» and the Département's review: a request is stored only when
valid (SIRET with its Luhn key), staff alone review it, and create the place from it."""

import pytest
from django.urls import reverse

from maillage.places.models import ListingRequest, ListingRequestStatus, Place, PlaceStatus
from tests.pages import text

pytestmark = pytest.mark.django_db

VALID_SIRET = "732 829 320 00074"


def request_data(commune, **changes):
    data = {
        "place_name": "La Fabrique de Boulogne",
        "description": "Coworking et fablab.",
        "address": "12 rue de Paris",
        "postal_code": commune.postal_codes.split()[0],
        "commune": commune.pk,
        "website": "fabrique.example",
        "siret": VALID_SIRET,
        "contact_name": "Camille Martin",
        "contact_email": "camille@fabrique.test",
        "contact_phone": "01 23 45 67 89",
    }
    data.update(changes)
    return data


def test_a_valid_request_is_stored_and_thanked(client, commune):
    response = client.post(reverse("manager:listing_request"), request_data(commune), follow=True)
    assert "Votre demande de référencement est envoyée" in text(response)
    listing = ListingRequest.objects.get()
    assert listing.siret == "73282932000074"  # compacted
    assert listing.website == "https://fabrique.example"
    assert listing.status == ListingRequestStatus.TO_REVIEW


@pytest.mark.parametrize(
    ("siret", "message"),
    [
        ("73282932000075", "la clé de contrôle ne correspond pas"),
        ("7328293200007", "14 chiffres"),
        ("7328293200007A", "que des chiffres"),
        ("", "Saisissez le SIRET du lieu"),
    ],
)
def test_a_bad_siret_is_refused_next_to_its_field(client, commune, siret, message):
    response = client.post(reverse("manager:listing_request"), request_data(commune, siret=siret))
    assert response.status_code == 400
    page = text(response)
    assert message in page
    assert 'id="id_siret_error"' in page
    assert 'aria-invalid="true"' in page
    assert 'id="erreurs"' in page
    assert not ListingRequest.objects.exists()


def test_a_postal_code_of_another_commune_or_bad_phone_is_refused(client, commune):
    response = client.post(
        reverse("manager:listing_request"),
        request_data(commune, postal_code="1234", contact_phone="12"),
    )
    assert response.status_code == 400
    page = text(response)
    assert "Le code postal doit comporter 5 chiffres." in page
    assert "Numéro de téléphone invalide" in page
    assert not ListingRequest.objects.exists()


@pytest.fixture
def listing(client, commune):
    client.post(reverse("manager:listing_request"), request_data(commune))
    client.logout()
    return ListingRequest.objects.get()


def review_url(listing):
    return reverse("manager:listing_request_review", args=[listing.pk])


def create_data(commune, **changes):
    data = {
        "action": "create",
        "name": "La Fabrique",
        "slug": "la-fabrique",
        "address": "12 rue de Paris",
        "postal_code": commune.postal_codes.split()[0],
        "commune": commune.pk,
        "latitude": commune.centroid_lat,
        "longitude": commune.centroid_lon,
        "status": "preparing",
        "invite_contact": "on",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("who", [None, "manager", "booker"])
def test_only_staff_see_and_review_requests(client, request, listing, commune, who):
    if who:
        client.force_login(request.getfixturevalue(who))
    for response in (
        client.get(reverse("manager:listing_requests")),
        client.get(review_url(listing)),
        client.post(review_url(listing), create_data(commune)),
        client.post(review_url(listing), {"action": "refuse", "refusal_reason": "Non."}),
    ):
        assert response.status_code == (302 if who is None else 403)
    listing.refresh_from_db()
    assert listing.status == ListingRequestStatus.TO_REVIEW
    assert not Place.objects.filter(slug="la-fabrique").exists()


def test_staff_create_the_place_in_preparation_and_invite_the_contact(
    client, staff_user, listing, commune, mailed
):
    client.force_login(staff_user)
    page = text(client.get(reverse("manager:listing_requests")))
    assert "La Fabrique de Boulogne" in page
    page = text(client.get(review_url(listing)))
    assert 'value="La Fabrique de Boulogne"' in page  # prefilled from the request
    response = mailed(lambda: client.post(review_url(listing), create_data(commune), follow=True))
    assert "Le lieu « La Fabrique » est créé (en préparation)" in text(response)
    place = Place.objects.get(slug="la-fabrique")
    assert place.status == PlaceStatus.PREPARING
    assert place.siret == "73282932000074"
    assert place.email == "camille@fabrique.test"
    listing.refresh_from_db()
    assert (listing.status, listing.place, listing.reviewed_by) == (
        ListingRequestStatus.ACCEPTED,
        place,
        staff_user,
    )
    assert place.invitations.get().email == "camille@fabrique.test"
    # Reviewed once: a second decision is refused, nothing changes.
    response = client.post(review_url(listing), create_data(commune, slug="autre"))
    assert response.status_code == 400
    assert "déjà été examinée" in text(response)
    assert Place.objects.filter(slug="autre").count() == 0


def test_an_open_place_needs_its_opening_date(client, staff_user, listing, commune):
    client.force_login(staff_user)
    response = client.post(review_url(listing), create_data(commune, status="open"))
    assert response.status_code == 400
    assert "Un lieu ouvert ou fermé doit avoir une date d'ouverture." in text(response)
    assert not Place.objects.filter(slug="la-fabrique").exists()
    response = client.post(
        review_url(listing), create_data(commune, status="open", opening_date="2026-01-05")
    )
    assert response.status_code == 302
    assert Place.objects.get(slug="la-fabrique").status == PlaceStatus.OPEN


@pytest.mark.parametrize("status", ["project", "closed"])
def test_staff_choose_only_preparing_or_open(client, staff_user, listing, commune, status):
    client.force_login(staff_user)
    response = client.post(review_url(listing), create_data(commune, status=status))
    assert response.status_code == 400
    assert not Place.objects.filter(slug="la-fabrique").exists()


def test_a_point_outside_the_commune_is_refused_without_writing(
    client, staff_user, listing, commune, other_commune
):
    client.force_login(staff_user)
    response = client.post(
        review_url(listing),
        create_data(
            commune, latitude=other_commune.centroid_lat, longitude=other_commune.centroid_lon
        ),
    )
    assert response.status_code == 400
    assert "n'est pas dans la commune" in text(response)
    listing.refresh_from_db()
    assert listing.status == ListingRequestStatus.TO_REVIEW
    assert not Place.objects.filter(slug="la-fabrique").exists()


def test_staff_refuse_with_a_reason(client, staff_user, listing):
    client.force_login(staff_user)
    response = client.post(review_url(listing), {"action": "refuse", "refusal_reason": ""})
    assert response.status_code == 400
    assert "Indiquez le motif du refus." in text(response)
    response = client.post(
        review_url(listing), {"action": "refuse", "refusal_reason": "Hors du département."}
    )
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.status == ListingRequestStatus.DECLINED
    assert listing.refusal_reason == "Hors du département."
    assert listing.reviewed_by == staff_user


def test_a_refused_request_cannot_be_refused_again(client, staff_user, listing):
    client.force_login(staff_user)
    client.post(review_url(listing), {"action": "refuse", "refusal_reason": "Non."})
    response = client.post(review_url(listing), {"action": "refuse", "refusal_reason": "Bis."})
    assert response.status_code == 400
    assert "déjà été examinée (refusée)" in text(response)
    listing.refresh_from_db()
    assert listing.refusal_reason == "Non."
