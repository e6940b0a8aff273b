"""Object-level permissions on every back-office edit path."""

import re

import pytest
from django.urls import reverse

from maillage.places.models import Closure, OpeningHours, Place, Space
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


BOOKING_RULES = {
    "slot_minutes": "30",
    "min_duration_minutes": "30",
    "min_notice_minutes": "0",
    "max_advance_days": "90",
    "buffer_before_minutes": "0",
    "buffer_after_minutes": "0",
}


def inline_management(prefix: str, total: int = 0, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def place_form(place: Place, **changes) -> dict:
    data = {
        "name": place.name,
        "description": place.description,
        "opening_date": place.opening_date.isoformat() if place.opening_date else "",
        "address": place.address,
        "postal_code": place.postal_code,
        "commune": str(place.commune_id),
        "latitude": str(place.latitude),
        "longitude": str(place.longitude),
        "broadband_technology": place.broadband_technology,
        "approval_delay_hours": str(place.approval_delay_hours),
        "cancellation_notice_hours": str(place.cancellation_notice_hours),
        **({"requires_approval": "on"} if place.requires_approval else {}),
        **inline_management("spaces"),
        **inline_management("opening_hours"),
        **inline_management("closures"),
        **inline_management("photos"),
    }
    data.update(changes)
    return data


def staff_place_form(place: Place, **changes) -> dict:
    return place_form(place, **{"slug": place.slug, "status": place.status, **changes})


def change_url(place: Place) -> str:
    return reverse("admin:places_place_change", args=[place.pk])


def test_anonymous_is_sent_to_login(client, place):
    response = client.get(change_url(place))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_managers_are_kept_out_of_the_back_office(client, manager, place):
    """Managers work in /gestion/: every admin page sends them to the admin's login."""
    space = Space.objects.create(place=place, name="Open space", kind="desk", capacity=10)
    client.force_login(manager)
    for url in (
        reverse("admin:index"),
        reverse("admin:places_place_changelist"),
        change_url(place),
        reverse("admin:places_place_add"),
        reverse("admin:places_space_change", args=[space.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert reverse("admin:login") in response["Location"]
    response = client.post(change_url(place), staff_place_form(place, name="Piraté"))
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.name == "Lieu de Boulogne-Billancourt"


def test_staff_edit_the_booking_terms(client, staff_user, place):
    client.force_login(staff_user)
    page = client.get(change_url(place)).content.decode()
    for name in BOOKING_TERMS:
        assert f'name="{name}"' in page
    assert "De 1 à 336 heures" in page
    data = staff_place_form(
        place, requires_approval="on", approval_delay_hours="12", cancellation_notice_hours="48"
    )
    response = client.post(change_url(place), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert booking_terms(place) == (True, 12, 48)
    data.pop("requires_approval")
    assert client.post(change_url(place), data).status_code == 302
    assert booking_terms(place) == (False, 12, 48)


def test_a_registered_user_without_places_cannot_log_in(client, resident):
    response = client.post(
        reverse("admin:login"),
        {"username": resident.email, "password": "motdepasse-habitant-1"},
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_manager_adds_hours_through_the_inline(client, staff_user, place):
    client.force_login(staff_user)
    data = staff_place_form(
        place,
        **inline_management("opening_hours", total=2),
        **{
            "opening_hours-0-weekday": "0",
            "opening_hours-0-opens": "09:00",
            "opening_hours-0-closes": "12:30",
            "opening_hours-1-weekday": "0",
            "opening_hours-1-opens": "14:00",
            "opening_hours-1-closes": "19:00",
        },
    )
    assert client.post(change_url(place), data).status_code == 302
    assert OpeningHours.objects.filter(place=place).count() == 2


def test_overlapping_hours_in_the_inline_are_refused(client, staff_user, place):
    client.force_login(staff_user)
    data = staff_place_form(
        place,
        **inline_management("opening_hours", total=2),
        **{
            "opening_hours-0-weekday": "2",
            "opening_hours-0-opens": "09:00",
            "opening_hours-0-closes": "13:00",
            "opening_hours-1-weekday": "2",
            "opening_hours-1-opens": "12:00",
            "opening_hours-1-closes": "18:00",
        },
    )
    response = client.post(change_url(place), data)
    assert response.status_code == 200
    assert "Mercredi : les plages 09:00–13:00 et 12:00–18:00 se chevauchent." in (
        response.content.decode()
    )
    assert not OpeningHours.objects.exists()


def test_overlapping_closures_in_the_inline_are_refused(client, staff_user, place):
    client.force_login(staff_user)
    data = staff_place_form(
        place,
        **inline_management("closures", total=2),
        **{
            "closures-0-start_date": "2026-12-24",
            "closures-0-end_date": "2027-01-01",
            "closures-0-reason": "Fêtes",
            "closures-1-start_date": "2026-12-31",
            "closures-1-end_date": "2027-01-02",
            "closures-1-reason": "Inventaire",
        },
    )
    response = client.post(change_url(place), data)
    assert response.status_code == 200
    assert "chevauche" in response.content.decode()
    assert not Closure.objects.exists()


def test_a_closure_cannot_strand_bookings(client, staff_user, place):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from maillage.booking.models import Booking

    room = Space.objects.create(place=place, name="Salle", kind="meeting_room", capacity=8)
    person = UserFactory(email="yanis@exemple.test")
    start = datetime(2026, 12, 24, 9, tzinfo=ZoneInfo("Europe/Paris"))
    Booking.objects.create(
        space=room,
        user=person,
        start=start,
        end=start.replace(hour=11),
        blocked_start=start,
        blocked_end=start.replace(hour=11),
        person_price_cents=0,
        exclusive=True,
    )
    client.force_login(staff_user)
    closure = {
        "closures-0-start_date": "2026-12-24",
        "closures-0-end_date": "2026-12-26",
        "closures-0-reason": "Dégât des eaux",
    }
    data = staff_place_form(place, **inline_management("closures", total=1), **closure)
    response = client.post(change_url(place), data)
    assert response.status_code == 200
    assert (
        "Une réservation est prévue pendant cette fermeture (le 24 décembre 2026 à 09h00)"
        in response.content.decode()
    )
    assert not Closure.objects.exists()
    Booking.objects.update(status="cancelled")
    assert client.post(change_url(place), data).status_code == 302
    assert Closure.objects.count() == 1


def test_staff_sees_and_edits_everything(client, staff_user, place, other_place):
    client.force_login(staff_user)
    listing = client.get(reverse("admin:places_place_changelist"))
    assert set(listing.context["cl"].queryset) == {place, other_place}
    response = client.post(change_url(other_place), staff_place_form(other_place, status="closed"))
    assert response.status_code == 302
    other_place.refresh_from_db()
    assert other_place.status == "closed"


def test_admin_speaks_french(client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("admin:index"))
    assert "Tiers-lieux" in response.content.decode()
    assert "Déconnexion" in response.content.decode()


def test_manager_sees_existing_rows_and_overlaps_with_them_are_refused(client, staff_user, place):
    hours = OpeningHours.objects.create(place=place, weekday=0, opens="08:30", closes="19:00")
    space = Space.objects.create(place=place, name="Open space", kind="desk", capacity=10)
    client.force_login(staff_user)
    page = client.get(change_url(place))
    formsets = {f.formset.prefix: f.formset for f in page.context["inline_admin_formsets"]}
    assert formsets["opening_hours"].initial_form_count() == 1
    assert formsets["spaces"].initial_form_count() == 1
    assert 'value="08:30"' in page.content.decode()
    data = staff_place_form(
        place,
        **inline_management("spaces", total=1, initial=1),
        **{
            "spaces-0-id": str(space.pk),
            "spaces-0-place": str(place.pk),
            "spaces-0-name": "Open space",
            "spaces-0-kind": "desk",
            "spaces-0-capacity": "10",
            "spaces-0-is_bookable": "on",
        },
        **inline_management("opening_hours", total=2, initial=1),
        **{
            "opening_hours-0-id": str(hours.pk),
            "opening_hours-0-place": str(place.pk),
            "opening_hours-0-weekday": "0",
            "opening_hours-0-opens": "08:30",
            "opening_hours-0-closes": "19:00",
            "opening_hours-1-weekday": "0",
            "opening_hours-1-opens": "09:00",
            "opening_hours-1-closes": "12:00",
        },
    )
    response = client.post(change_url(place), data)
    assert response.status_code == 200
    assert "se chevauchent" in response.content.decode()
    assert OpeningHours.objects.filter(place=place).count() == 1


def test_prices_are_typed_in_euros_and_stored_in_cents(client, staff_user, place):
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:places_space_add"),
        {
            "place": place.pk,
            "name": "Salle",
            "kind": "meeting_room",
            "capacity": "8",
            "price_hour_cents": "12,50",
            "price_day_cents": "90",
            **BOOKING_RULES,
        },
    )
    assert response.status_code == 302
    space = Space.objects.get()
    assert (space.price_hour_cents, space.price_day_cents) == (1250, 9000)
    page = client.get(reverse("admin:places_space_change", args=[space.pk])).content.decode()
    # A text input: a browser empties a number input holding «12,50», erasing the price.
    assert re.search(r'<input type="text" name="price_hour_cents" value="12,50"', page)
    inline = client.get(change_url(place)).content.decode()
    assert re.search(r'<input type="text" name="spaces-0-price_hour_cents" value="12,50"', inline)
    bad = client.post(
        reverse("admin:places_space_add"),
        {
            "place": place.pk,
            "name": "Autre",
            "kind": "desk",
            "capacity": "8",
            "price_hour_cents": "-3",
        },
    )
    assert "Le montant doit être positif ou nul." in bad.content.decode()
    assert Space.objects.count() == 1


def test_the_login_page_says_who_it_is_for(client):
    html = client.get(reverse("admin:login")).content.decode()
    assert "Réservée aux agents du Département." in html
    assert "<h1" in html


def png_bytes() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "#1d3557").save(buffer, format="PNG")
    return buffer.getvalue()


def test_manager_adds_a_described_photo(client, staff_user, place):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from maillage.places.models import PlacePhoto

    client.force_login(staff_user)
    photo = {
        **inline_management("photos", total=1),
        "photos-0-alt_text": "La grande salle, baignée de lumière",
        "photos-0-position": "0",
    }
    not_an_image = SimpleUploadedFile("salle.png", b"pas une image", content_type="image/png")
    refused = client.post(
        change_url(place), staff_place_form(place, **photo, **{"photos-0-image": not_an_image})
    )
    assert refused.status_code == 200 and not PlacePhoto.objects.exists()
    image = SimpleUploadedFile("salle.png", png_bytes(), content_type="image/png")
    response = client.post(
        change_url(place), staff_place_form(place, **photo, **{"photos-0-image": image})
    )
    assert response.status_code == 302
    html = client.get(place.get_absolute_url()).content.decode()
    assert 'alt="La grande salle, baignée de lumière"' in html


# --- A place's booking terms ------------------------------------------------------------------

BOOKING_TERMS = ("requires_approval", "approval_delay_hours", "cancellation_notice_hours")


def booking_terms(place: Place) -> tuple:
    place.refresh_from_db()
    return tuple(getattr(place, name) for name in BOOKING_TERMS)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "approval_delay_hours",
            "0",
            "Le délai de validation doit être entre 1 et 336\u00a0heures.",
        ),
        ("approval_delay_hours", "337", "entre 1 et 336\u00a0heures"),
        ("approval_delay_hours", "40000", "entre 1 et 336\u00a0heures"),
        ("approval_delay_hours", "-1", "entre 1 et 336\u00a0heures"),
        ("cancellation_notice_hours", "721", "entre 0 et 720\u00a0heures"),
        ("cancellation_notice_hours", "-1", "Le préavis d'annulation doit être entre 0 et 720"),
        ("cancellation_notice_hours", "douze", "Saisissez un nombre entier."),
    ],
)
def test_booking_terms_out_of_range_are_refused(client, staff_user, place, field, value, message):
    client.force_login(staff_user)
    before = booking_terms(place)
    response = client.post(change_url(place), staff_place_form(place, **{field: value}))
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors[field])
    assert message in errors
    assert booking_terms(place) == before


def test_the_database_holds_the_booking_terms_ranges(place):
    """The same answer on both databases, whatever writes (SQLite has no integer ranges)."""
    from django.db import IntegrityError, transaction

    for changes in (
        {"approval_delay_hours": 0},
        {"approval_delay_hours": 337},
        {"cancellation_notice_hours": 721},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Place.objects.filter(pk=place.pk).update(**changes)


def test_every_field_of_a_place_is_in_the_back_office():
    """A field no form shows cannot be edited anywhere (the booking terms were such)."""
    from django.contrib import admin

    place_admin = admin.site._registry[Place]
    shown = {name for _, options in place_admin.fieldsets for name in options["fields"]}
    editable = {
        f.name
        for f in Place._meta.get_fields()
        if getattr(f, "editable", False) and not f.auto_created and f.concrete
    }
    assert editable - shown == set()


def test_the_back_office_titles_read_well_in_french(client, staff_user, place):
    """Django's «Modification de espace», «Ajout de tiers-lieu», «Aucun(e) disponible»."""
    space = Space.objects.create(place=place, name="Open space", kind="desk", capacity=10)
    client.force_login(staff_user)
    index = client.get(reverse("admin:index")).content.decode()
    assert "Aucun(e) disponible" not in index
    assert "Aucune action pour l'instant." in index
    assert reverse("manager:listing_requests") in index
    pages = {
        reverse("admin:places_space_change", args=[space.pk]): "Modifier : espace",
        reverse("admin:places_place_add"): "Ajouter : tiers-lieu",
        reverse("admin:places_space_changelist"): "Choisir : espace à modifier",
    }
    for url, title in pages.items():
        page = client.get(url).content.decode()
        assert f"<h1>{title}</h1>" in page, url
        assert f"{title} | " in page, url
        assert "Modification de espace" not in page
