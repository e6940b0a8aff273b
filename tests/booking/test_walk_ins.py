"""Walk-ins: a manager books for a person without an account (booking.services.book_walk_in),
on SQLite and PostgreSQL."""

from functools import partial

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DataError, IntegrityError, connection, transaction

from maillage.booking import funding, services, sql
from maillage.booking.models import Booking, BookingEvent, BookingStatus, Channel
from maillage.booking.notifications import queue_reminders
from maillage.core.models import OutboundEmail
from maillage.places.models import Closure
from tests.booking import on_page
from tests.factories import ManagerFactory
from tests.moments import NOW, paris

pytestmark = pytest.mark.django_db

NINE, TEN, ELEVEN, NOON = (paris(2026, 12, 2, hour) for hour in (9, 10, 11, 12))
walk_in = partial(services.book_walk_in, channel=Channel.PAGE, now=NOW)
JEANNE = {"name": "Jeanne Roux", "contact": "06 12 34 56 78"}


def refusal(call) -> services.BookingRefused:
    with pytest.raises(services.BookingRefused) as error:
        call()
    return error.value


@pytest.fixture
def elsewhere(other_place):
    """A manager of another place (Nanterre)."""
    return ManagerFactory(email="ailleurs@lieu.test", places=[other_place])


def test_a_manager_books_a_walk_in_confirmed_at_the_list_price_without_email(place_manager, room):
    room.place.requires_approval = True
    room.place.save()
    booking = walk_in(
        place_manager, room.pk, NINE, ELEVEN, name="  Jeanne Roux ", contact=" jeanne@exemple.fr "
    )
    booking.refresh_from_db()
    assert booking.user == place_manager  # who did it
    assert (booking.walk_in_name, booking.walk_in_contact) == ("Jeanne Roux", "jeanne@exemple.fr")
    assert booking.is_walk_in and booking.person_name == "Jeanne Roux"
    # The manager decides: no request to validate, whatever the place's rule.
    assert booking.status == BookingStatus.CONFIRMED and booking.pending_until is None
    assert booking.price_cents == booking.person_price_cents == 5000
    (event,) = BookingEvent.objects.filter(booking=booking)
    assert (event.actor, event.from_status, event.to_status, event.channel) == (
        place_manager,
        None,
        BookingStatus.CONFIRMED,
        Channel.PAGE,
    )
    assert not OutboundEmail.objects.exists()


class HalfPrice:
    """A funder paying half of every booking (booking.funding's seam, as programmes use it)."""

    def __init__(self):
        self.committed = []

    def quote(self, request):
        share = funding.Share(1, "Tarif solidaire", request.list_cents // 2, "rate", 1)
        return funding.Quote(request.list_cents, request.list_cents - share.cents, (share,))

    def commit(self, booking, quote, actor, channel):
        self.committed.append(booking.pk)

    def release(self, booking, *, late, actor, channel):
        pass

    def reinstate(self, booking, *, actor, channel):
        pass


def test_no_programme_pays_for_a_walk_in(place_manager, room, monkeypatch):
    funder = HalfPrice()
    monkeypatch.setattr(funding, "_funder", funder)
    own = on_page.book(place_manager, room.pk, NINE, TEN, now=NOW)
    assert own.person_price_cents == 1250  # the funder pays for the manager's own booking
    booking = walk_in(place_manager, room.pk, TEN, ELEVEN, **JEANNE)
    assert booking.person_price_cents == booking.price_cents == 2500
    assert funder.committed == [own.pk]


def test_one_manager_books_two_walk_ins_at_the_same_time(place_manager, desks):
    first = walk_in(place_manager, desks.pk, NINE, NOON, **JEANNE)
    second = walk_in(place_manager, desks.pk, TEN, ELEVEN, name="Ali Ben", contact="ali@exemple.fr")
    # Their own booking, as a person, at the same time too.
    own = on_page.book(place_manager, desks.pk, NINE, TEN, now=NOW)
    assert {first.user_id, second.user_id, own.user_id} == {place_manager.pk}
    assert Booking.objects.holding().count() == 3
    # The walk-ins are not the manager's own bookings.
    assert list(Booking.objects.own(place_manager.pk)) == [own]


def test_a_persons_own_overlapping_bookings_are_still_refused(place_manager, booker, desks):
    walk_in(place_manager, desks.pk, NINE, NOON, **JEANNE)
    on_page.book(place_manager, desks.pk, NINE, TEN, now=NOW)
    mine = refusal(lambda: on_page.book(place_manager, desks.pk, NINE, ELEVEN, now=NOW))
    on_page.book(booker, desks.pk, TEN, NOON, now=NOW)
    theirs = refusal(lambda: on_page.book(booker, desks.pk, ELEVEN, NOON, now=NOW))
    assert mine.codes == theirs.codes == ["already_booked"]
    assert Booking.objects.count() == 3


def test_the_database_tells_walk_ins_from_own_bookings(place_manager, desks):
    """PostgreSQL's exclusion constraint (migration 0017): a manager's walk-ins overlap
    freely, their own bookings do not; SQLite relies on the service's check (above)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no exclusion constraints: its writes are serialised instead")

    def row(**fields):
        booking = Booking(
            space=desks,
            user=place_manager,
            start=NINE,
            end=NOON,
            blocked_start=NINE,
            blocked_end=NOON,
            exclusive=False,
            seats=1,
            price_cents=0,
            person_price_cents=0,
            status=BookingStatus.CONFIRMED,
            **fields,
        )
        booking.created_at = booking.updated_at = NOW
        return sql.insert_booking(booking)

    row(walk_in_name="Jeanne Roux", walk_in_contact="06 12 34 56 78")
    row(walk_in_name="Ali Ben", walk_in_contact="ali@exemple.fr")
    row()
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        row()
    assert refused.value.__cause__.diag.constraint_name == services.ONE_PER_PERSON_CONSTRAINT


@pytest.mark.parametrize(
    "fields",
    [
        {"walk_in_name": "Jeanne Roux"},  # without a contact
        {"walk_in_contact": "06 12 34 56 78"},  # without a name
        {"walk_in_name": "Jeanne\nRoux", "walk_in_contact": "06 12 34 56 78"},
        {"walk_in_name": "J" * 151, "walk_in_contact": "06 12 34 56 78"},
        # Pays less than the list price.
        {"walk_in_name": "Jeanne", "walk_in_contact": "jeanne@exemple.fr", "person_price_cents": 0},
    ],
)
def test_the_database_refuses_a_walk_in_without_name_contact_or_list_price(
    place_manager, desks, fields
):
    row = {
        "space": desks,
        "user": place_manager,
        "start": NINE,
        "end": TEN,
        "blocked_start": NINE,
        "blocked_end": TEN,
        "exclusive": False,
        "price_cents": 400,
        "person_price_cents": 400,
    }
    # PostgreSQL's varchar refuses a long name itself; SQLite, the check constraint.
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        Booking.objects.create(**(row | fields))


def test_walk_ins_keep_the_space_rules(place_manager, booker, room):
    room.buffer_after_minutes = 30
    room.save()
    on_page.book(booker, room.pk, NINE, TEN, now=NOW)
    taken = refusal(lambda: walk_in(place_manager, room.pk, NINE, TEN, **JEANNE))
    buffer = refusal(lambda: walk_in(place_manager, room.pk, TEN, ELEVEN, **JEANNE))
    evening = paris(2026, 12, 2, 19), paris(2026, 12, 2, 21)
    late = refusal(lambda: walk_in(place_manager, room.pk, *evening, **JEANNE))
    Closure.objects.create(place=room.place, start_date=NINE.date(), end_date=NINE.date())
    closed = refusal(lambda: walk_in(place_manager, room.pk, ELEVEN, NOON, **JEANNE))
    assert taken.codes == buffer.codes == ["slot_taken"]
    assert late.codes == ["outside_opening_hours"]
    assert "during_closure" in closed.codes
    assert Booking.objects.count() == 1


def test_walk_ins_take_seats_like_any_booking(place_manager, desks):
    walk_in(place_manager, desks.pk, NINE, TEN, 4, **JEANNE)
    full = refusal(lambda: walk_in(place_manager, desks.pk, NINE, TEN, 2, **JEANNE))
    assert full.codes == ["not_enough_seats"]


def test_only_the_places_managers_and_staff_book_walk_ins(
    place_manager, elsewhere, booker, staff_user, room
):
    for someone in (elsewhere, booker):
        with pytest.raises(PermissionDenied, match="Vous ne gérez pas ce lieu."):
            walk_in(someone, room.pk, NINE, TEN, **JEANNE)
    assert not Booking.objects.exists()
    by_staff = walk_in(staff_user, room.pk, NINE, TEN, **JEANNE)
    assert by_staff.user == staff_user


@pytest.mark.parametrize(
    ("name", "contact", "field", "told"),
    [
        ("", "06 12 34 56 78", "name", "Indiquez le nom"),
        ("   ", "06 12 34 56 78", "name", "Indiquez le nom"),
        ("Jeanne", "", "contact", "Indiquez l'adresse électronique ou le téléphone"),
        ("Jeanne\r\nRoux", "06 12 34 56 78", "name", "retour à la ligne"),
        ("J" * 151, "06 12 34 56 78", "name", "150"),
        ("www.exemple.fr", "06 12 34 56 78", "name", "lien"),
        ("Jeanne", "pas un contact", "contact", "adresse électronique (nom@exemple.fr) ou"),
        ("Jeanne", "jeanne@", "contact", "adresse électronique (nom@exemple.fr) ou"),
        ("Jeanne", "06 12\n34 56 78", "contact", "retour à la ligne"),
    ],
)
def test_a_walk_ins_name_and_contact_are_checked(place_manager, room, name, contact, field, told):
    person = {"name": name, "contact": contact}
    refused = refusal(lambda: walk_in(place_manager, room.pk, NINE, TEN, **person))
    assert set(refused.codes) == {"walk_in"}
    assert field in refused.message_dict
    assert any(told in message for message in refused.message_dict[field])
    assert not Booking.objects.exists()


@pytest.mark.parametrize("contact", ["06 12 34 56 78", "+33 6 12 34 56 78", "jeanne@exemple.fr"])
def test_a_phone_or_an_address_reaches_a_walk_in(place_manager, room, contact):
    booking = walk_in(place_manager, room.pk, NINE, TEN, name="Jeanne", contact=contact)
    assert booking.person_contact == contact


def test_a_walk_in_is_cancelled_by_the_place_and_only_the_other_managers_are_told(
    place_manager, booker, room
):
    other = ManagerFactory(email="co@ruche.test", places=[room.place])
    booking = walk_in(place_manager, room.pk, NINE, TEN, **JEANNE)
    # The manager who booked it is not its «person»: nothing in their own bookings.
    with pytest.raises(PermissionDenied):
        on_page.cancel(booker, booking, now=NOW)
    cancelled = on_page.cancel(other, booking, now=NOW)  # no reason needed: no one is emailed
    assert cancelled.status == BookingStatus.CANCELLED and not cancelled.cancelled_by_person
    addresses = list(OutboundEmail.objects.values_list("address", flat=True))
    assert addresses == [place_manager.email]  # told as a manager, not as the person


def test_a_walk_in_whose_manager_left_the_place_is_not_theirs(place_manager, room):
    booking = walk_in(place_manager, room.pk, NINE, TEN, **JEANNE)
    room.place.managers.remove(place_manager)
    with pytest.raises(PermissionDenied):
        on_page.cancel(place_manager, booking, now=NOW)


def test_no_reminder_goes_to_a_walk_in(place_manager, room):
    walk_in(place_manager, room.pk, NINE, TEN, **JEANNE)
    assert queue_reminders(NOW) == 0
