from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from maillage.booking import services
from maillage.booking.models import Booking, BookingStatus, Channel
from maillage.booking.notifications import queue_reminders
from maillage.core.outbox import deliver_due
from maillage.places.models import Closure
from tests.booking import on_page
from tests.factories import UserFactory
from tests.moments import NOW, paris

pytestmark = pytest.mark.django_db


def refusal(call) -> services.BookingRefused:
    with pytest.raises(services.BookingRefused) as error:
        call()
    return error.value


def test_book_a_room(booker, room, mailed):
    booking = mailed(
        lambda: on_page.book(
            booker,
            room.pk,
            paris(2026, 12, 2, 9),
            paris(2026, 12, 2, 12),
            now=NOW,
        )
    )
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.price_cents == 7500  # three hours at 25 €
    assert booking.exclusive and booking.seats == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject.startswith("Votre réservation est confirmée")
    assert "Salle Seine" in message.body and "75 €" in message.body
    (part,) = message.attachments
    assert part.get_filename() == "reservation.ics"
    assert part.get_content_type() == "text/calendar"
    content = part.get_payload(decode=True).decode()
    assert "BEGIN:VEVENT" in content
    assert "DTSTART:20261202T080000Z" in content  # 9:00 in Paris, stored and sent in UTC


def test_a_taken_slot_is_refused(booker, other_booker, room):
    on_page.book(
        booker,
        room.pk,
        paris(2026, 12, 2, 9),
        paris(2026, 12, 2, 12),
        now=NOW,
    )
    error = refusal(
        lambda: on_page.book(
            other_booker,
            room.pk,
            paris(2026, 12, 2, 11),
            paris(2026, 12, 2, 13),
            now=NOW,
        )
    )
    assert error.codes == ["slot_taken"]
    assert Booking.objects.count() == 1


def test_buffers_keep_rooms_apart(booker, other_booker, room):
    room.buffer_after_minutes = 30
    room.save()
    on_page.book(
        booker,
        room.pk,
        paris(2026, 12, 2, 9),
        paris(2026, 12, 2, 10),
        now=NOW,
    )
    error = refusal(
        lambda: on_page.book(
            other_booker,
            room.pk,
            paris(2026, 12, 2, 10),
            paris(2026, 12, 2, 11),
            now=NOW,
        )
    )
    assert error.codes == ["slot_taken"]
    later = on_page.book(
        other_booker,
        room.pk,
        paris(2026, 12, 2, 10, 30),
        paris(2026, 12, 2, 11),
        now=NOW,
    )
    assert later.blocked_end == paris(2026, 12, 2, 11, 30)


def test_desk_seats_are_counted(booker, other_booker, desks):
    first = on_page.book(
        booker,
        desks.pk,
        paris(2026, 12, 2, 9),
        paris(2026, 12, 2, 17),
        3,
        now=NOW,
    )
    assert first.price_cents == 3 * 2000  # a day per seat
    error = refusal(
        lambda: on_page.book(
            other_booker,
            desks.pk,
            paris(2026, 12, 2, 12),
            paris(2026, 12, 2, 13),
            3,
            now=NOW,
        )
    )
    assert error.codes == ["not_enough_seats"]
    on_page.book(
        other_booker,
        desks.pk,
        paris(2026, 12, 2, 12),
        paris(2026, 12, 2, 13),
        2,
        now=NOW,
    )
    assert Booking.objects.count() == 2


@pytest.mark.parametrize(
    ("start", "end", "seats", "code", "field"),
    [
        (paris(2026, 11, 30, 9), paris(2026, 11, 30, 10), 1, "past_start", "start"),
        (paris(2026, 12, 2, 11), paris(2026, 12, 2, 10), 1, "end_not_after_start", "end"),
        (paris(2026, 12, 2, 19), paris(2026, 12, 2, 21), 1, "outside_opening_hours", "start"),
        (paris(2026, 12, 2, 9), paris(2026, 12, 2, 9, 15), 1, "too_short", "end"),
        (paris(2026, 12, 2, 8), paris(2026, 12, 2, 17, 30), 1, "too_long", "end"),
        (paris(2026, 12, 2, 9, 10), paris(2026, 12, 2, 10, 10), 1, "start_not_aligned", "start"),
        (paris(2026, 12, 2, 9), paris(2026, 12, 2, 10), 9, "over_capacity", "seats"),
    ],
)
def test_bad_requests_name_the_rule_and_write_nothing(
    booker, desks, room, start, end, seats, code, field
):
    space = desks if code == "over_capacity" else room
    if code == "over_capacity":
        space.capacity = 8
        space.save()
    error = refusal(lambda: on_page.book(booker, space.pk, start, end, seats, now=NOW))
    assert code in error.codes
    assert field in error.message_dict
    assert all(message.endswith(".") for message in error.messages)  # full French sentences
    assert not Booking.objects.exists()
    assert not mail.outbox


def test_closures_are_respected(booker, room, bookable_place):
    Closure.objects.create(
        place=bookable_place,
        start_date=date(2026, 12, 24),
        end_date=date(2027, 1, 1),
        reason="Fêtes",
    )
    error = refusal(
        lambda: on_page.book(
            booker,
            room.pk,
            paris(2026, 12, 28, 9),
            paris(2026, 12, 28, 10),
            now=NOW,
        )
    )
    assert error.codes == ["during_closure"]


def test_unknown_space_and_unverified_people(booker):
    assert refusal(
        lambda: on_page.book(
            booker,
            999_999,
            paris(2026, 12, 2, 9),
            paris(2026, 12, 2, 10),
            now=NOW,
        )
    ).codes == ["unknown_space"]
    unverified = UserFactory()
    with pytest.raises(PermissionDenied, match="Confirmez votre adresse"):
        on_page.book(
            unverified,
            1,
            paris(2026, 12, 2, 9),
            paris(2026, 12, 2, 10),
            now=NOW,
        )


def test_a_space_of_a_place_not_open_is_not_bookable(booker, room, bookable_place):
    bookable_place.status = "closed"
    bookable_place.save()
    error = refusal(
        lambda: on_page.book(
            booker,
            room.pk,
            paris(2026, 12, 2, 9),
            paris(2026, 12, 2, 10),
            now=NOW,
        )
    )
    assert error.codes == ["not_bookable"]


def test_the_same_idempotency_key_returns_the_same_booking(booker, other_booker, room, mailed):
    slot = (paris(2026, 12, 2, 9), paris(2026, 12, 2, 10))
    first = mailed(lambda: on_page.book(booker, room.pk, *slot, idempotency_key="abc", now=NOW))
    again = mailed(lambda: on_page.book(booker, room.pk, *slot, idempotency_key="abc", now=NOW))
    assert again.pk == first.pk
    assert Booking.objects.count() == 1 and len(mail.outbox) == 1
    # The key belongs to its user: someone else's «abc» is another request.
    assert refusal(
        lambda: on_page.book(other_booker, room.pk, *slot, idempotency_key="abc", now=NOW)
    ).codes == ["slot_taken"]


def test_approval_holds_the_slot_until_its_deadline(
    booker, other_booker, place_manager, room, bookable_place, mailed
):
    bookable_place.requires_approval = True
    bookable_place.approval_delay_hours = 24
    bookable_place.save()
    slot = (paris(2026, 12, 3, 9), paris(2026, 12, 3, 10))
    pending = mailed(lambda: on_page.book(booker, room.pk, *slot, now=NOW))
    assert pending.status == BookingStatus.PENDING
    assert pending.pending_until == NOW + timedelta(hours=24)
    assert "doit la valider" in mail.outbox[0].body
    assert refusal(lambda: on_page.book(other_booker, room.pk, *slot, now=NOW)).codes == [
        "slot_taken"
    ]
    later = NOW + timedelta(hours=25)
    taken = on_page.book(other_booker, room.pk, *slot, now=later)  # the request expired
    pending.refresh_from_db()
    assert pending.status == BookingStatus.EXPIRED and taken.status == BookingStatus.PENDING
    confirmed = mailed(lambda: on_page.confirm(place_manager, taken, now=later))
    assert confirmed.status == BookingStatus.CONFIRMED
    assert mail.outbox[-1].subject.startswith("Votre réservation est acceptée")


def test_only_the_place_decides(booker, other_booker, room, bookable_place):
    bookable_place.requires_approval = True
    bookable_place.save()
    pending = on_page.book(
        booker,
        room.pk,
        paris(2026, 12, 3, 9),
        paris(2026, 12, 3, 10),
        now=NOW,
    )
    with pytest.raises(PermissionDenied):
        on_page.confirm(other_booker, pending, now=NOW)
    assert refusal(lambda: on_page.confirm(booker, pending, now=NOW)).codes == ["status"]


def test_refusal_needs_a_reason(place_manager, booker, room, bookable_place, mailed):
    bookable_place.requires_approval = True
    bookable_place.save()
    pending = on_page.book(
        booker,
        room.pk,
        paris(2026, 12, 3, 9),
        paris(2026, 12, 3, 10),
        now=NOW,
    )
    assert refusal(lambda: on_page.refuse(place_manager, pending, "  ")).codes == [
        "reason_required"
    ]
    refused = mailed(lambda: on_page.refuse(place_manager, pending, "Salle en travaux", now=NOW))
    assert refused.status == BookingStatus.REFUSED
    assert "Salle en travaux" in mail.outbox[-1].body


def test_cancellation_policy(booker, other_booker, place_manager, room, mailed):
    booking = on_page.book(
        booker,
        room.pk,
        paris(2026, 12, 2, 9),
        paris(2026, 12, 2, 10),
        now=NOW,
    )
    with pytest.raises(PermissionDenied):
        on_page.cancel(other_booker, booking, now=NOW)
    too_late = paris(2026, 12, 1, 10)  # 23 hours before, the place asks for 24
    assert refusal(lambda: on_page.cancel(booker, booking, now=too_late)).codes == [
        "cancellation_notice"
    ]
    assert refusal(lambda: on_page.cancel(place_manager, booking, now=too_late)).codes == [
        "reason_required"
    ]
    cancelled = mailed(
        lambda: on_page.cancel(place_manager, booking, "Coupure d'électricité", now=too_late)
    )
    assert cancelled.status == BookingStatus.CANCELLED and cancelled.cancelled_by == place_manager
    assert mail.outbox[-1].subject.startswith("Votre réservation est annulée")
    again = on_page.book(
        other_booker,
        room.pk,
        paris(2026, 12, 2, 9),
        paris(2026, 12, 2, 10),
        now=too_late,
    )
    assert again.status == BookingStatus.CONFIRMED  # the slot is free again


def test_booker_cancels_in_time(booker, room):
    booking = on_page.book(
        booker,
        room.pk,
        paris(2026, 12, 3, 9),
        paris(2026, 12, 3, 10),
        now=NOW,
    )
    assert on_page.cancel(booker, booking, now=NOW).status == BookingStatus.CANCELLED


def test_check_in_and_no_show(place_manager, booker, other_booker, room):
    booking = on_page.book(
        booker,
        room.pk,
        paris(2026, 12, 2, 9),
        paris(2026, 12, 2, 10),
        now=NOW,
    )
    assert refusal(lambda: on_page.check_in(place_manager, booking, now=NOW)).codes == ["too_early"]
    assert refusal(
        lambda: on_page.mark_no_show(place_manager, booking, now=paris(2026, 12, 2, 8, 45))
    ).codes == ["too_early"]
    present = on_page.check_in(place_manager, booking, now=paris(2026, 12, 2, 8, 45))
    assert present.status == BookingStatus.CHECKED_IN
    absent = on_page.mark_no_show(place_manager, present, now=paris(2026, 12, 2, 9, 30))
    assert absent.status == BookingStatus.NO_SHOW
    with pytest.raises(PermissionDenied):
        on_page.check_in(other_booker, absent, now=paris(2026, 12, 2, 9, 30))


def test_weekly_series_books_the_free_dates_and_lists_the_others(booker, other_booker, room):
    # Every Tuesday 9:00–11:00 for 10 weeks; someone holds the 4th Tuesday already.
    on_page.book(
        other_booker,
        room.pk,
        paris(2026, 12, 22, 10),
        paris(2026, 12, 22, 11),
        now=NOW,
    )
    plan = services.plan_series(
        booker, room.pk, paris(2026, 12, 8, 9), paris(2026, 12, 8, 11), 10, now=NOW
    )
    assert [o.start.day for o in plan if not o.free] == [22]
    series, booked, skipped = on_page.book_series(
        booker,
        room.pk,
        paris(2026, 12, 8, 9),
        paris(2026, 12, 8, 11),
        10,
        now=NOW,
    )
    assert len(booked) == 9 and len(skipped) == 1
    assert skipped[0].start == paris(2026, 12, 22, 9)
    assert [v.code for v in skipped[0].violations] == ["slot_taken"]
    assert {b.series_id for b in booked} == {series.pk}
    cancelled = on_page.cancel_series(booker, series, now=NOW)
    assert len(cancelled) == 9


def test_series_emails_say_what_happened(booker, room, bookable_place, mailed):
    first = (paris(2026, 12, 8, 9), paris(2026, 12, 8, 11))
    series, _, _ = mailed(lambda: on_page.book_series(booker, room.pk, *first, 3, now=NOW))
    made = mail.outbox[-1]
    assert made.subject.startswith("Vos réservations récurrentes sont enregistrées")
    assert "- le mardi 8 décembre 2026, de 09h00 à 11h00" in made.body
    mailed(lambda: on_page.cancel_series(booker, series, now=NOW))
    assert mail.outbox[-1].subject.startswith("Vos réservations sont annulées")
    assert "Vos réservations sont annulées." in mail.outbox[-1].body
    bookable_place.requires_approval = True
    bookable_place.save()
    mailed(lambda: on_page.book_series(booker, room.pk, *first, 2, now=NOW))
    asked = mail.outbox[-1]
    assert asked.subject.startswith("Vos demandes de réservation récurrente sont enregistrées")
    assert "le lieu doit les valider avant le 3 décembre 2026 à 08h00" in asked.body


def test_a_series_keeps_local_time_across_daylight_saving(booker, room):
    _, booked, _ = on_page.book_series(
        booker,
        room.pk,
        paris(2027, 3, 23, 9),
        paris(2027, 3, 23, 10),
        2,
        now=NOW,
    )
    assert [b.start.astimezone(paris(2027, 1, 1).tzinfo).hour for b in booked] == [9, 9]
    assert booked[1].start - booked[0].start == timedelta(days=7, hours=-1)


def test_reminders_are_sent_once(booker, room):
    on_page.book(
        booker,
        room.pk,
        paris(2026, 12, 2, 9),
        paris(2026, 12, 2, 10),
        now=NOW,
    )
    deliver_due()
    mail.outbox.clear()
    assert queue_reminders(now=NOW) == 1
    assert queue_reminders(now=NOW) == 0
    assert deliver_due() == 1 and deliver_due() == 0
    assert len(mail.outbox) == 1 and mail.outbox[0].subject.startswith("Rappel")


def test_no_reminder_to_a_person_who_turned_reminders_off(booker, room):
    on_page.book(booker, room.pk, paris(2026, 12, 2, 9), paris(2026, 12, 2, 10), now=NOW)
    booker.remind_bookings = False
    booker.save(update_fields=["remind_bookings"])
    assert queue_reminders(now=NOW) == 0
    booker.remind_bookings = True
    booker.save(update_fields=["remind_bookings"])
    assert queue_reminders(now=NOW) == 1


def test_emails_wait_for_the_worker_and_survive_a_failing_server(booker, room, settings):
    from maillage.core.models import OutboundEmail

    on_page.book(
        booker,
        room.pk,
        paris(2026, 12, 2, 9),
        paris(2026, 12, 2, 10),
        now=NOW,
    )
    assert not mail.outbox  # the booking did not wait for the mail server
    settings.EMAIL_BACKEND = "tests.booking.failing_mail.Backend"
    assert deliver_due() == 0
    email = OutboundEmail.objects.get()
    assert email.attempts == 1 and "serveur" in email.last_error and email.sent_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver_due() == 0  # not before its next attempt, a minute later
    assert deliver_due(now=email.next_attempt_at) == 1
    assert len(mail.outbox) == 1


def test_a_rolled_back_booking_sends_nothing(booker, room):
    from django.db import transaction

    from maillage.booking.models import BookingEmail
    from maillage.core.models import OutboundEmail

    with pytest.raises(RuntimeError), transaction.atomic():
        on_page.book(
            booker,
            room.pk,
            paris(2026, 12, 2, 9),
            paris(2026, 12, 2, 10),
            now=NOW,
        )
        raise RuntimeError("annulé plus loin")
    assert not Booking.objects.exists()
    assert not OutboundEmail.objects.exists() and not BookingEmail.objects.exists()


# --- One person, one booking of a space at a time -------------------------------------------


def test_a_person_asks_more_desk_seats_in_one_booking(booker, other_booker, desks):
    on_page.book(
        booker,
        desks.pk,
        paris(2026, 12, 2, 9),
        paris(2026, 12, 2, 12),
        now=NOW,
    )
    error = refusal(
        lambda: on_page.book(
            booker,
            desks.pk,
            paris(2026, 12, 2, 11),
            paris(2026, 12, 2, 13),
            now=NOW,
        )
    )
    assert error.codes == ["already_booked"]
    assert error.message_dict == {
        "start": [
            "Vous avez déjà une réservation de cet espace sur ce créneau : pour plus de postes, "
            "annulez-la et réservez tous les postes en une seule fois."
        ]
    }
    # Seats are left for others, and for the same person just after.
    on_page.book(
        other_booker,
        desks.pk,
        paris(2026, 12, 2, 11),
        paris(2026, 12, 2, 13),
        now=NOW,
    )
    on_page.book(
        booker,
        desks.pk,
        paris(2026, 12, 2, 12),
        paris(2026, 12, 2, 13),
        now=NOW,
    )
    assert Booking.objects.filter(user=booker).count() == 2


def test_a_full_desk_tells_the_person_of_their_own_booking(booker, other_booker, desks):
    on_page.book(
        booker,
        desks.pk,
        paris(2026, 12, 2, 9),
        paris(2026, 12, 2, 12),
        5,
        now=NOW,
    )
    own = refusal(
        lambda: on_page.book(
            booker,
            desks.pk,
            paris(2026, 12, 2, 10),
            paris(2026, 12, 2, 11),
            now=NOW,
        )
    )
    assert own.codes == ["already_booked"]
    other = refusal(
        lambda: on_page.book(
            other_booker,
            desks.pk,
            paris(2026, 12, 2, 10),
            paris(2026, 12, 2, 11),
            now=NOW,
        )
    )
    assert other.codes == ["not_enough_seats"]


def test_a_person_is_told_of_their_own_room_booking(booker, room):
    on_page.book(
        booker,
        room.pk,
        paris(2026, 12, 2, 9),
        paris(2026, 12, 2, 10),
        now=NOW,
    )
    error = refusal(
        lambda: on_page.book(
            booker,
            room.pk,
            paris(2026, 12, 2, 9, 30),
            paris(2026, 12, 2, 10, 30),
            now=NOW,
        )
    )
    assert error.codes == ["already_booked"]
    assert error.messages == ["Vous avez déjà une réservation de cet espace sur ce créneau."]


def test_ended_bookings_hold_nothing_for_their_person(booker, desks, bookable_place):
    slot = (paris(2026, 12, 2, 9), paris(2026, 12, 2, 12))
    cancelled = on_page.book(booker, desks.pk, *slot, now=NOW)
    on_page.cancel(booker, cancelled, now=NOW)
    bookable_place.requires_approval = True
    bookable_place.approval_delay_hours = 2
    bookable_place.save()
    lapsed = on_page.book(booker, desks.pk, *slot, now=NOW)
    later = NOW + timedelta(hours=3)
    again = on_page.book(booker, desks.pk, *slot, now=later)
    lapsed.refresh_from_db()
    assert lapsed.status == BookingStatus.EXPIRED and again.status == BookingStatus.PENDING


def test_a_series_over_a_persons_own_booking_skips_that_date(booker, desks):
    """The desk has seats left on the 15th, but the person holds one already: the preview
    says so, and the series never charges them twice."""
    on_page.book(
        booker,
        desks.pk,
        paris(2026, 12, 15, 10),
        paris(2026, 12, 15, 11),
        now=NOW,
    )
    first = (paris(2026, 12, 8, 9), paris(2026, 12, 8, 11))
    plan = services.plan_series(booker, desks.pk, *first, 3, now=NOW)
    assert [(o.start.day, o.free) for o in plan] == [(8, True), (15, False), (22, True)]
    assert [v.code for v in plan[1].violations] == ["already_booked"]
    series, booked, skipped = on_page.book_series(booker, desks.pk, *first, 3, now=NOW)
    assert [b.start.day for b in booked] == [8, 22]
    assert [(o.start.day, [v.code for v in o.violations]) for o in skipped] == [
        (15, ["already_booked"])
    ]
    on_the_15th = Booking.objects.filter(user=booker, start__date=date(2026, 12, 15))
    assert on_the_15th.count() == 1


# --- A request's deadline ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("starts_in", "delay_hours", "deadline_in"),
    [
        (timedelta(days=3), 24, timedelta(hours=24)),  # the delay ends first
        (timedelta(hours=5), 24, timedelta(hours=5)),  # the start comes first
        (timedelta(hours=24), 24, timedelta(hours=24)),
    ],
)
def test_a_requests_deadline_is_its_delay_or_its_start(
    booker, room, bookable_place, starts_in, delay_hours, deadline_in
):
    bookable_place.requires_approval = True
    bookable_place.approval_delay_hours = delay_hours
    bookable_place.save()
    start = NOW + starts_in
    pending = on_page.book(booker, room.pk, start, start + timedelta(hours=1), now=NOW)
    assert pending.pending_until == NOW + deadline_in
    assert services.approval_deadline(NOW, delay_hours, start) == NOW + deadline_in


def test_a_series_request_expires_at_each_start(booker, room, bookable_place):
    bookable_place.requires_approval = True
    bookable_place.approval_delay_hours = 240
    bookable_place.save()
    start = NOW + timedelta(hours=2)
    _, booked, _ = on_page.book_series(
        booker, room.pk, start, start + timedelta(hours=1), 3, now=NOW
    )
    assert [b.pending_until for b in booked] == [
        start,
        start + timedelta(weeks=1),
        NOW + timedelta(hours=240),  # ten days: before the third start
    ]


def test_a_request_cannot_be_accepted_once_its_slot_has_begun(
    booker, place_manager, room, bookable_place
):
    bookable_place.requires_approval = True
    bookable_place.approval_delay_hours = 48
    bookable_place.save()
    start = paris(2026, 12, 1, 10)  # two hours after NOW, well within the delay
    pending = on_page.book(booker, room.pk, start, start + timedelta(hours=1), now=NOW)
    before = start - timedelta(minutes=1)
    assert BookingStatus.CONFIRMED in services.manager_actions(pending, before)
    after = start + timedelta(minutes=1)
    assert BookingStatus.CONFIRMED not in services.manager_actions(pending, after)
    assert refusal(lambda: on_page.confirm(place_manager, pending, now=after)).codes == ["expired"]
    pending.refresh_from_db()
    assert pending.status == BookingStatus.EXPIRED


def test_requests_expire_at_their_start(booker, room, bookable_place):
    bookable_place.requires_approval = True
    bookable_place.save()
    start = paris(2026, 12, 1, 10)
    pending = on_page.book(booker, room.pk, start, start + timedelta(hours=1), now=NOW)
    assert services.expire_pending(now=start - timedelta(seconds=1), channel=Channel.PAGE) == 0
    assert services.expire_pending(now=start, channel=Channel.PAGE) == 1
    pending.refresh_from_db()
    assert pending.status == BookingStatus.EXPIRED


@pytest.mark.parametrize(
    "deadline", [timedelta(minutes=1), None], ids=["after the start", "missing"]
)
def test_the_database_refuses_a_request_without_a_deadline_before_its_start(booker, room, deadline):
    from django.db import IntegrityError, transaction

    start = paris(2026, 12, 2, 9)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            space=room,
            user=booker,
            start=start,
            end=start + timedelta(hours=1),
            blocked_start=start,
            blocked_end=start + timedelta(hours=1),
            exclusive=True,
            person_price_cents=0,
            status=BookingStatus.PENDING,
            pending_until=None if deadline is None else start + deadline,
        )


# --- A place takes bookings from its opening date ---------------------------------------------


def test_a_place_opening_later_takes_bookings_from_its_opening_date(booker, desks, bookable_place):
    bookable_place.opening_date = date(2027, 3, 1)
    bookable_place.save()
    slot = (paris(2027, 3, 2, 9), paris(2027, 3, 2, 10))
    error = refusal(lambda: on_page.book(booker, desks.pk, *slot, now=NOW))
    assert error.codes == ["not_open_yet"]
    assert error.messages == [
        "Ce lieu ouvre le 1er mars 2027 : réservations possibles à partir de cette date."
    ]
    assert [
        v.code
        for o in services.plan_series(booker, desks.pk, *slot, 2, now=NOW)
        for v in o.violations
    ] == ["not_open_yet"] * 2
    slots_refused = refusal(
        lambda: services.free_slots(desks.pk, date(2027, 3, 2), timedelta(hours=1), now=NOW)
    )
    assert slots_refused.codes == ["not_open_yet"]
    assert list(slots_refused.message_dict) == ["space"]  # like «not_bookable»
    assert not Booking.objects.exists()
    opening_day = paris(2027, 3, 1, 7)
    assert on_page.book(booker, desks.pk, *slot, now=opening_day).pk
