"""The managers' pages over their places: rights on every path, each form's success and
refusal (400, nothing written, errors tied to their fields)."""

from datetime import date, time

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from maillage.booking.models import BookingStatus
from maillage.core import outbox
from maillage.places.models import Closure, OpeningHours, Place, PlacePhoto, Service, Space
from tests.booking import on_page
from tests.factories import ManagerFactory, SpaceFactory
from tests.moments import NOW, paris
from tests.pages import text

# `media`: an in-memory storage for uploads (a fixture of that module).
from tests.places.test_photos import image_bytes, jpeg_with_gps, media  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_at_now")]

NOT_YOURS = "Vous ne gérez pas ce lieu."
# A Tuesday in the pages' present's horizon.
TUESDAY = date(2027, 1, 12)


# The confirmation page's field: deleting is confirmed first.
CONFIRMED = {"confirmer": "oui"}


def url(name: str, place: Place, *args) -> str:
    return reverse(f"manager:{name}", args=[place.slug, *args])


@pytest.fixture
def signed_in(client, place_manager):
    client.force_login(place_manager)
    return client


def profile_data(place: Place, **changes) -> dict:
    data = {
        "name": place.name,
        "description": "Un lieu lumineux.",
        "address": place.address,
        "postal_code": place.postal_code,
        "commune": place.commune_id,
        "latitude": str(place.latitude),
        "longitude": str(place.longitude),
        "access_text": "Métro ligne 9, arrêt Marcel Sembat.",
        "website": "",
        "email": "",
        "phone": "",
        "siret": "",
        "payment_terms": "Carte bancaire sur place.",
        "broadband_technology": "fibre",
        "broadband_down_mbps": "500",
        "broadband_up_mbps": "200",
        "step_free_access": "on",
    }
    return {**data, **changes}


def space_data(**changes) -> dict:
    data = {
        "name": "Salle Loire",
        "kind": "meeting_room",
        "capacity": "6",
        "is_bookable": "on",
        "price_hour_cents": "20",
        "price_half_day_cents": "",
        "price_day_cents": "120,50",
        "slot_minutes": "30",
        "min_duration_minutes": "60",
        "max_duration_minutes": "480",
        "min_notice_minutes": "0",
        "max_advance_days": "90",
        "buffer_before_minutes": "15",
        "buffer_after_minutes": "0",
    }
    return {**data, **changes}


def test_my_places_lists_only_the_places_i_manage(signed_in, bookable_place, other_place):
    response = signed_in.get(reverse("manager:places"))
    assert response.status_code == 200
    assert list(response.context["places"]) == [bookable_place]
    assert other_place.name not in text(response)


def test_a_visitor_is_sent_to_sign_in_and_a_resident_is_refused(client, resident, place):
    response = client.get(reverse("manager:places"))
    assert response.status_code == 302 and "/connexion/" in response["Location"]
    client.force_login(resident)
    assert client.get(reverse("manager:places")).status_code == 403
    assert client.get(url("place", place)).status_code == 403


EDIT_PATHS = [
    ("place", ()),
    ("profile", ()),
    ("booking_rules", ()),
    ("opening_hours", ()),
    ("closures", ()),
    ("add_space", ()),
    ("photos", ()),
]


@pytest.mark.parametrize(("name", "args"), EDIT_PATHS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_managers_place_is_refused_on_every_path(
    signed_in, other_place, name, args, method
):
    before = Place.objects.filter(pk=other_place.pk).values().get()
    data = {"name": "Repris", "start_date": "2027-01-12", "end_date": "2027-01-12"}
    response = getattr(signed_in, method)(url(name, other_place, *args), data)
    if name == "place" and method == "post":
        assert response.status_code == 405
        return
    assert response.status_code == 403
    assert NOT_YOURS in text(response)
    assert Place.objects.filter(pk=other_place.pk).values().get() == before


@pytest.mark.usefixtures("media")
def test_another_managers_space_closure_and_photo_are_refused(signed_in, other_place):
    space = SpaceFactory(place=other_place, name="Salle d'ailleurs")
    photo = PlacePhoto.objects.create(
        place=other_place, image=ContentFile(image_bytes("PNG"), "a.png"), alt_text="Salle"
    )
    for method in ("get", "post"):
        response = getattr(signed_in, method)(url("delete_photo", other_place, photo.pk), CONFIRMED)
        assert response.status_code == 403 and NOT_YOURS in text(response)
    assert PlacePhoto.objects.filter(pk=photo.pk).exists()
    closure = Closure.objects.create(
        place=other_place, start_date=TUESDAY, end_date=TUESDAY, reason="Travaux"
    )
    for method in ("get", "post"):
        response = getattr(signed_in, method)(url("space", other_place, space.pk), space_data())
        assert response.status_code == 403 and NOT_YOURS in text(response)
    for method in ("get", "post"):
        response = getattr(signed_in, method)(
            url("delete_closure", other_place, closure.pk), CONFIRMED
        )
        assert response.status_code == 403 and NOT_YOURS in text(response)
    assert Space.objects.get(pk=space.pk).name == "Salle d'ailleurs"
    assert Closure.objects.filter(pk=closure.pk).exists()


def test_a_space_of_another_place_is_not_reached_through_mine(
    signed_in, bookable_place, other_place
):
    space = SpaceFactory(place=other_place)
    response = signed_in.post(url("space", bookable_place, space.pk), space_data())
    assert response.status_code == 404
    assert Space.objects.get(pk=space.pk).place == other_place


def test_staff_edit_any_place(client, staff_user, other_place):
    client.force_login(staff_user)
    assert client.get(url("profile", other_place)).status_code == 200


def test_the_profile_is_saved_with_its_services(signed_in, bookable_place):
    wifi = Service.objects.create(slug="wifi", name="Wi-Fi")
    data = profile_data(bookable_place, services=[wifi.pk])
    response = signed_in.post(url("profile", bookable_place), data)
    assert response.status_code == 302
    assert response["Location"] == url("place", bookable_place)
    place = Place.objects.get(pk=bookable_place.pk)
    assert place.access_text == "Métro ligne 9, arrêt Marcel Sembat."
    assert place.payment_terms == "Carte bancaire sur place."
    assert place.broadband_down_mbps == 500 and place.step_free_access
    assert list(place.services.all()) == [wifi]
    page = signed_in.get(url("place", bookable_place))
    assert "Fiche du lieu enregistrée." in text(page)
    public = text(signed_in.get(place.get_absolute_url()))
    assert "Métro ligne 9, arrêt Marcel Sembat." in public
    assert "Carte bancaire sur place." in public
    assert place.directions_url in public


def test_a_bad_profile_answers_400_names_the_field_and_writes_nothing(signed_in, bookable_place):
    before = Place.objects.filter(pk=bookable_place.pk).values().get()
    data = profile_data(bookable_place, siret="12345678901234", latitude="43.3")
    response = signed_in.post(url("profile", bookable_place), data)
    assert response.status_code == 400
    page = text(response)
    assert 'id="erreurs"' in page and "autofocus" in page
    assert 'aria-invalid="true"' in page
    assert 'aria-describedby="id_siret_error id_siret_helptext"' in page
    assert "n'est pas dans la commune" in page
    assert Place.objects.filter(pk=bookable_place.pk).values().get() == before


def test_the_profile_page_shows_the_map_and_a_directions_link(signed_in, bookable_place):
    page = text(signed_in.get(url("profile", bookable_place)))
    assert f"?slug={bookable_place.slug}" in page
    assert "https://www.openstreetmap.org/directions?route=%3B" in page


def test_booking_rules_are_saved_and_checked(signed_in, bookable_place):
    data = {
        "requires_approval": "on",
        "approval_delay_hours": "24",
        "cancellation_notice_hours": "48",
    }
    assert signed_in.post(url("booking_rules", bookable_place), data).status_code == 302
    place = Place.objects.get(pk=bookable_place.pk)
    assert place.requires_approval and place.approval_delay_hours == 24
    assert place.cancellation_notice_hours == 48
    response = signed_in.post(
        url("booking_rules", bookable_place), {**data, "approval_delay_hours": "0"}
    )
    assert response.status_code == 400
    assert "Le délai de validation doit être entre 1 et 336" in text(response)
    assert Place.objects.get(pk=bookable_place.pk).approval_delay_hours == 24


def hours_data(**days) -> dict:
    week = dict.fromkeys(
        ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"), ""
    )
    return {**week, **days}


def test_hours_ending_at_midnight_and_around_the_clock_are_saved_and_bookable(
    signed_in, bookable_place, room, booker
):
    data = hours_data(mardi="08:00–12:30, 14h-24:00", samedi="00:00-24:00")
    response = signed_in.post(url("opening_hours", bookable_place), data)
    assert response.status_code == 302
    stored = {
        (h.weekday, h.opens, h.closes) for h in OpeningHours.objects.filter(place=bookable_place)
    }
    assert stored == {
        (1, time(8), time(12, 30)),
        (1, time(14), time(0)),
        (5, time(0), time(0)),
    }
    page = text(signed_in.get(url("opening_hours", bookable_place)))
    assert 'value="08:00–12:30, 14:00–24:00"' in page
    assert 'value="00:00–24:00"' in page
    public = text(signed_in.get(bookable_place.get_absolute_url()))
    assert "14h00 – 24h00" in public and "00h00 – 24h00" in public
    # The availability core reads them as the database stores them: until midnight.
    late = on_page.book(booker, room.pk, paris(2027, 1, 12, 22), paris(2027, 1, 13, 0), now=NOW)
    assert late.status == BookingStatus.CONFIRMED


@pytest.mark.parametrize(
    ("day", "typed", "message"),
    [
        ("lundi", "9h", "« 9h » n'est pas une plage horaire"),
        ("mardi", "18:00-09:00", "doit être après l'heure d'ouverture"),
        ("mercredi", "09:00-13:00, 12:00-18:00", "09:00–13:00 et 12:00–18:00 se chevauchent"),
        ("jeudi", "20:00-25:00", "« 20:00-25:00 » n'est pas une plage horaire"),
    ],
)
def test_bad_hours_answer_400_next_to_their_day(signed_in, bookable_place, day, typed, message):
    before = list(OpeningHours.objects.filter(place=bookable_place).values_list())
    response = signed_in.post(url("opening_hours", bookable_place), hours_data(**{day: typed}))
    assert response.status_code == 400
    page = text(response)
    assert message in page
    assert f'id="id_{day}_error"' in page
    assert f'aria-describedby="id_{day}_error id_{day}_helptext"' in page
    assert list(OpeningHours.objects.filter(place=bookable_place).values_list()) == before


def test_a_space_is_added_then_edited(signed_in, bookable_place):
    response = signed_in.post(url("add_space", bookable_place), space_data())
    assert response.status_code == 302
    space = Space.objects.get(place=bookable_place, name="Salle Loire")
    assert (space.capacity, space.price_hour_cents, space.price_day_cents) == (6, 2000, 12050)
    assert space.buffer_before_minutes == 15
    response = signed_in.post(
        url("space", bookable_place, space.pk), space_data(name="Salle Rhône", capacity="10")
    )
    assert response.status_code == 302
    space.refresh_from_db()
    assert (space.name, space.capacity) == ("Salle Rhône", 10)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "Salle Seine"}, "Ce lieu a déjà un espace de ce nom."),
        ({"capacity": "0"}, "La capacité doit être entre 1 et 1"),
        ({"kind": "desk", "buffer_before_minutes": "15"}, "ne s'appliquent qu'aux salles"),
        ({"min_duration_minutes": "45"}, "multiple du pas (30 min)"),
        ({"price_hour_cents": "-3"}, "Prix à l'heure (€) : Le montant doit être positif ou nul."),
    ],
)
def test_a_bad_space_answers_400_and_writes_nothing(
    signed_in, bookable_place, room, changes, message
):
    count = Space.objects.count()
    response = signed_in.post(url("add_space", bookable_place), space_data(**changes))
    assert response.status_code == 400
    assert message in text(response)
    assert Space.objects.count() == count


def closure_data(**changes) -> dict:
    return {"start_date": "2027-01-11", "end_date": "2027-01-13", "reason": "Travaux", **changes}


def test_a_closure_without_bookings_is_saved_at_once(signed_in, bookable_place):
    response = signed_in.post(url("closures", bookable_place), closure_data())
    assert response.status_code == 302
    closure = Closure.objects.get(place=bookable_place)
    assert (closure.start_date, closure.end_date) == (date(2027, 1, 11), date(2027, 1, 13))


def test_a_closure_over_bookings_shows_them_then_cancels_them_on_confirm(
    signed_in, bookable_place, room, booker
):
    booking = on_page.book(booker, room.pk, paris(2027, 1, 12, 10), paris(2027, 1, 12, 12), now=NOW)
    response = signed_in.post(url("closures", bookable_place), closure_data())
    assert response.status_code == 200
    page = text(response)
    assert "Cette fermeture touche 1 réservation" in page
    assert "camille@exemple.test" in page and "Salle Seine" in page
    for name, value in [*closure_data().items(), ("vues", booking.pk)]:
        assert f'<input type="hidden" name="{name}" value="{value}">' in page
    assert not Closure.objects.exists()
    outbox.deliver_due()  # the booking's own confirmation
    mail.outbox.clear()
    response = signed_in.post(
        url("closures", bookable_place),
        {**closure_data(), "vues": [str(booking.pk)], "confirmer": "oui"},
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.status_reason == "Fermeture exceptionnelle du lieu : Travaux"
    assert Closure.objects.filter(place=bookable_place).count() == 1
    outbox.deliver_due()
    assert [m.to for m in mail.outbox] == [["camille@exemple.test"]]
    assert "Travaux" in mail.outbox[0].body
    assert "1 réservation annulée" in text(signed_in.get(url("closures", bookable_place)))


def test_a_booking_arriving_after_the_preview_stops_the_confirm(
    signed_in, bookable_place, room, booker
):
    response = signed_in.post(url("closures", bookable_place), closure_data())
    assert response.status_code == 302  # nothing hit: saved
    Closure.objects.all().delete()
    booking = on_page.book(booker, room.pk, paris(2027, 1, 12, 10), paris(2027, 1, 12, 12), now=NOW)
    response = signed_in.post(
        url("closures", bookable_place), {**closure_data(), "confirmer": "oui"}
    )
    assert response.status_code == 400
    assert "ont changé depuis l'aperçu" in text(response)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert not Closure.objects.exists()


@pytest.mark.parametrize("seen", ["²", "٣", "1²", "-1", " 1"])
def test_hostile_ids_in_the_confirm_step_are_ignored(signed_in, bookable_place, room, booker, seen):
    """The ids the confirm step sends back: only ASCII digits are read («²».isdigit() is
    True, int("²") raises); the others count as not seen."""
    booking = on_page.book(booker, room.pk, paris(2027, 1, 12, 10), paris(2027, 1, 12, 12), now=NOW)
    response = signed_in.post(
        url("closures", bookable_place), {**closure_data(), "vues": [seen], "confirmer": "oui"}
    )
    assert response.status_code == 400
    assert "ont changé depuis l'aperçu" in text(response)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"end_date": "2027-01-10"}, "La date de fin doit être"),
        ({"reason": ""}, "Ce champ est obligatoire."),
        ({"start_date": "2031-01-10", "end_date": "2031-01-10"}, "plus de trois ans"),
    ],
)
def test_a_bad_closure_answers_400(signed_in, bookable_place, changes, message):
    response = signed_in.post(url("closures", bookable_place), closure_data(**changes))
    assert response.status_code == 400
    assert message in text(response)
    assert not Closure.objects.exists()


def test_an_overlapping_closure_is_refused_and_one_is_deleted(signed_in, bookable_place):
    Closure.objects.create(
        place=bookable_place, start_date=date(2027, 1, 12), end_date=date(2027, 1, 12), reason="x"
    )
    response = signed_in.post(url("closures", bookable_place), closure_data())
    assert response.status_code == 400
    assert "chevauche celle du 12/01/2027" in text(response)
    closure = Closure.objects.get()
    # Confirmed first: the page, and a POST without the confirmation, delete nothing.
    confirm = text(signed_in.get(url("delete_closure", bookable_place, closure.pk)))
    assert "Supprimer la fermeture du 12 janvier 2027 au 12 janvier 2027 ?" in confirm
    assert signed_in.post(url("delete_closure", bookable_place, closure.pk)).status_code == 200
    assert Closure.objects.exists()
    response = signed_in.post(url("delete_closure", bookable_place, closure.pk), CONFIRMED)
    assert response.status_code == 302
    assert not Closure.objects.exists()


def test_a_co_manager_sees_the_place(client, bookable_place):
    client.force_login(ManagerFactory(places=[bookable_place]))
    assert client.get(url("place", bookable_place)).status_code == 200


@pytest.mark.usefixtures("media")
def test_a_photo_is_added_clean_then_deleted(signed_in, bookable_place):
    upload = SimpleUploadedFile("salle.jpeg", jpeg_with_gps(), content_type="image/jpeg")
    data = {"image": upload, "alt_text": "La grande salle", "position": "0"}
    response = signed_in.post(url("photos", bookable_place), data)
    assert response.status_code == 302
    photo = PlacePhoto.objects.get(place=bookable_place)
    assert photo.image.name.endswith("/salle.jpg") and photo.alt_text == "La grande salle"
    page = text(signed_in.get(url("photos", bookable_place)))
    assert 'alt="La grande salle"' in page
    confirm = text(signed_in.get(url("delete_photo", bookable_place, photo.pk)))
    assert "Supprimer la photo « La grande salle » ?" in confirm
    assert PlacePhoto.objects.exists()
    response = signed_in.post(url("delete_photo", bookable_place, photo.pk), CONFIRMED)
    assert response.status_code == 302
    assert not PlacePhoto.objects.exists()


@pytest.mark.usefixtures("media")
def test_a_bad_photo_answers_400_with_the_reason(signed_in, bookable_place):
    upload = SimpleUploadedFile("salle.jpg", image_bytes("GIF"), content_type="image/jpeg")
    data = {"image": upload, "alt_text": "", "position": "0"}
    response = signed_in.post(url("photos", bookable_place), data)
    assert response.status_code == 400
    page = text(response)
    assert "La photo est au format GIF" in page
    assert 'aria-describedby="id_image_error id_image_helptext"' in page
    assert 'id="id_alt_text_error"' in page
    assert not PlacePhoto.objects.exists()
