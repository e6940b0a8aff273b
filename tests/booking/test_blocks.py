"""A manager's block of a space (booking.blocks): it keeps slots out wherever availability is
read, as an imported busy time does; only the place's managers and staff add or lift it,
recorded; it is refused over bookings holding their slot; and a block and a booking racing
for the same slot never both succeed."""

from datetime import timedelta
from functools import partial

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils import timezone

from maillage.booking import blocks, queries, services
from maillage.booking.availability import ViolationCode
from maillage.booking.models import Booking, SpaceBlock
from maillage.places import services as places_services
from maillage.places.models import Closure
from tests.booking import on_page
from tests.factories import (
    BookingFactory,
    ManagerFactory,
    PlaceFactory,
    StaffFactory,
    VerifiedUserFactory,
)
from tests.moments import DAY, paris
from tests.racing import run_together

pytestmark = pytest.mark.django_db

NOT_YOURS = "Vous ne gérez pas ce lieu."


def at(hour: int, minute: int = 0, days: int = 0):
    day = DAY + timedelta(days=days)
    return paris(day.year, day.month, day.day, hour, minute)


def test_a_block_closes_a_room_everywhere_until_lifted(room, desks, place_manager, booker):
    block = blocks.add_block(place_manager, room, at(10), at(12), "Entretien du projecteur")
    block.refresh_from_db()
    assert (block.start, block.end, block.reason) == (at(10), at(12), "Entretien du projecteur")
    assert block.created_by == place_manager and block.created_at is not None
    # Refused at booking; beside it, booked.
    with pytest.raises(services.BookingRefused) as refused:
        on_page.book(booker, room.pk, at(11), at(13))
    assert refused.value.codes == [ViolationCode.SLOT_TAKEN]
    on_page.book(booker, room.pk, at(13), at(14))
    # Neither offered as a slot, nor free in the week, nor found by the search.
    starts = {s.start for s in services.free_slots(room.pk, DAY, timedelta(hours=1))}
    assert at(9) in starts and not starts & {at(10), at(10, 30), at(11), at(11, 30)}
    week = queries.space_week(room, queries.week_start(DAY))
    assert any(b.start <= at(10) and at(12) <= b.end for b in week.booked)
    found = {r.space_id for r in queries.search_spaces(at(10), at(11), 1)}
    assert room.pk not in found and desks.pk in found
    assert room.pk in {r.space_id for r in queries.search_spaces(at(15), at(16), 1)}
    # Lifted: recorded, and the slot is free again.
    blocks.remove_block(place_manager, block)
    block.refresh_from_db()
    assert block.removed_by == place_manager and block.removed_at is not None
    assert not blocks.in_force(room).exists()
    assert room.pk in {r.space_id for r in queries.search_spaces(at(10), at(11), 1)}
    on_page.book(booker, room.pk, at(10), at(12))
    with pytest.raises(ValidationError, match="déjà levé"):
        blocks.remove_block(place_manager, block)


def test_a_block_takes_every_seat_of_a_desk_space(desks, place_manager, booker):
    blocks.add_block(place_manager, desks, at(10), at(12), "Formation interne")
    with pytest.raises(services.BookingRefused) as refused:
        on_page.book(booker, desks.pk, at(10), at(11))
    assert refused.value.codes == [ViolationCode.NOT_ENOUGH_SEATS]
    assert desks.pk not in {r.space_id for r in queries.search_spaces(at(10), at(11), 1)}


def test_a_block_over_midnight_and_several_days(room, place_manager, booker):
    blocks.add_block(place_manager, room, at(18), at(10, days=2), "Déménagement")
    for start, end in [
        (at(18), at(19)),
        (at(9, days=1), at(10, days=1)),
        (at(9, days=2), at(10, days=2)),
    ]:
        with pytest.raises(services.BookingRefused):
            on_page.book(booker, room.pk, start, end)
    assert not services.free_slots(room.pk, DAY + timedelta(days=1), timedelta(hours=1))
    on_page.book(booker, room.pk, at(10, days=2), at(11, days=2))


def test_a_block_over_bookings_is_refused_and_lists_them(room, place_manager, booker, other_booker):
    room.buffer_after_minutes = 30
    room.save()
    first = BookingFactory(space=room, user=booker, start=at(9), end=at(10))
    second = BookingFactory(space=room, user=other_booker, start=at(14), end=at(15))
    # The second one's buffer (30 min after the first's end) is met too.
    with pytest.raises(blocks.BlockHitsBookings) as refused:
        blocks.add_block(place_manager, room, at(10, 15), at(14), "Entretien")
    assert refused.value.bookings == [first, second]
    assert "2 réservations sont prévues pendant ce blocage" in refused.value.messages[0]
    assert not SpaceBlock.objects.exists()
    # Once cancelled, the block goes through.
    for booking in (first, second):
        on_page.cancel(place_manager, booking, "Entretien")
    blocks.add_block(place_manager, room, at(10, 15), at(14), "Entretien")


def test_only_the_place_s_managers_and_staff_add_or_lift_blocks(room, place_manager, booker):
    stranger = ManagerFactory(places=[PlaceFactory()])
    for user in (stranger, booker):
        with pytest.raises(PermissionDenied, match=NOT_YOURS):
            blocks.add_block(user, room, at(10), at(12), "Non")
    assert not SpaceBlock.objects.exists()
    block = blocks.add_block(StaffFactory(), room, at(10), at(12), "Contrôle")
    with pytest.raises(PermissionDenied, match=NOT_YOURS):
        blocks.remove_block(stranger, block)
    block.refresh_from_db()
    assert block.removed_at is None
    blocks.remove_block(place_manager, block)


@pytest.mark.parametrize(
    ("start", "end", "reason", "errors"),
    [
        (at(12), at(10), "Entretien", {"end": ["La fin du blocage doit être après son début."]}),
        (at(12), at(12), "Entretien", {"end": ["La fin du blocage doit être après son début."]}),
        (
            timezone.now() - timedelta(days=2),
            timezone.now() - timedelta(days=1),
            "Entretien",
            {"end": ["Ce créneau est déjà passé : choisissez une fin à venir."]},
        ),
        (at(10), at(12), "", {"reason": ["Ce champ ne peut pas être vide."]}),
    ],
)
def test_what_is_not_a_block_is_refused_by_field(room, place_manager, start, end, reason, errors):
    with pytest.raises(ValidationError) as refused:
        blocks.add_block(place_manager, room, start, end, reason)
    assert refused.value.message_dict == errors
    assert not SpaceBlock.objects.exists()


def test_a_reason_on_two_lines_is_refused(room, place_manager):
    with pytest.raises(ValidationError) as refused:
        blocks.add_block(place_manager, room, at(10), at(12), "Entretien\nsecret")
    assert list(refused.value.message_dict) == ["reason"]


# --- Races: real connections (tests.racing) ---------------------------------------------------


def _outcome(outcome: object) -> str:
    if isinstance(outcome, SpaceBlock):
        return "blocked"
    if isinstance(outcome, services.BookingRefused | blocks.BlockHitsBookings):
        return "refused"
    if isinstance(outcome, ValidationError) and NON_FIELD_ERRORS in outcome.message_dict:
        return "refused"  # the space was busy: try again
    if isinstance(outcome, Exception):
        return f"error {outcome!r}"
    return "booked"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("space_name", ["room", "desks"])
def test_a_block_and_bookings_racing_for_a_slot_never_both_win(request, space_name, place_manager):
    space = request.getfixturevalue(space_name)
    people = [VerifiedUserFactory(email=f"course{n}@exemple.test") for n in range(4)]
    for round_ in range(5):
        slot = (at(9 + 2 * round_), at(10 + 2 * round_))
        calls = [partial(blocks.add_block, place_manager, space, *slot, f"Course {round_}")] + [
            partial(on_page.book, user, space.pk, *slot) for user in people
        ]
        outcomes = [_outcome(o) for o in run_together(calls)]
        assert not [o for o in outcomes if o.startswith("error")], outcomes
        blocked, booked = outcomes[0] == "blocked", "booked" in outcomes[1:]
        assert blocked != booked, outcomes  # exactly one kind of winner
        if blocked:
            assert SpaceBlock.objects.filter(start=slot[0]).count() == 1
            assert not Booking.objects.filter(space=space, start=slot[0]).holding().exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("space_name", ["room", "desks"])
def test_a_closure_and_bookings_racing_for_a_day_never_both_win(request, space_name, place_manager):
    """A closure's guard and a booking take the same space lock, and the booking reads the
    closures again under it: never a booking on a day just closed."""
    space = request.getfixturevalue(space_name)
    people = [VerifiedUserFactory(email=f"ferme{n}@exemple.test") for n in range(4)]
    for round_ in range(3):
        day = DAY + timedelta(days=round_)
        slot = (
            paris(day.year, day.month, day.day, 10),
            paris(day.year, day.month, day.day, 11),
        )
        closure = Closure(place=space.place, start_date=day, end_date=day, reason="Travaux")
        calls = [
            partial(places_services.save_closures, place_manager, space.place, saved=[closure])
        ]
        calls += [partial(on_page.book, user, space.pk, *slot) for user in people]
        outcomes = run_together(calls)
        closed = outcomes[0] is None
        booked = any(isinstance(o, Booking) for o in outcomes[1:])
        errors = [o for o in outcomes[1:] if isinstance(o, Exception)]
        assert all(isinstance(o, services.BookingRefused) for o in errors), outcomes
        assert closed != booked, outcomes
        if closed:
            assert not Booking.objects.filter(space=space, start=slot[0]).holding().exists()
