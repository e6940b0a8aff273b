"""Event registrations paid in part by programmes, «as for bookings»: which programmes apply
(covering events, joined by the event's place, met by the person; never an employer's
quota), the split frozen on the registration, the balances consumed in its transaction and
given back when it stops holding seats (per the late rule), the ledger still exact with
bookings and registrations together, and how the split reads on the pages."""

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from maillage.booking import services as booking
from maillage.booking.models import Channel
from maillage.booking.price_lines import price_line
from maillage.core import outbox
from maillage.eligibility.models import ChildProfile
from maillage.events import selectors
from maillage.events import services as events
from maillage.events.models import Registration, RegistrationStatus
from maillage.events.price_lines import registered_prices
from maillage.programmes import ledger, services
from maillage.programmes.models import (
    BenefitKind,
    BookingShare,
    CapCounter,
    Employer,
    Envelope,
    LateRule,
    LedgerEntry,
    Programme,
    ProgrammePlace,
    Wallet,
)
from tests.factories import EventFactory
from tests.pages import text
from tests.programmes.builders import (
    VALID,
    a_pass,
    employer_quota,
    programme,
    staff,
    verified,
)

pytestmark = pytest.mark.django_db

S = RegistrationStatus


@pytest.fixture
def workshop(bookable_place):
    """A published workshop at la-ruche a week ahead (10:00–12:00), 12 € a seat, 5 seats,
    2 at most per registration."""
    return EventFactory(
        place=bookable_place, capacity=5, max_seats_per_registration=2, price_cents=1200
    )


def social_rate(place, **fields) -> Programme:
    """The RSA social rate (the person pays 25 %), covering events."""
    return programme(place, covers_events=True, **fields)


def left(made: Programme) -> int:
    return Envelope.objects.get(programme=made).left_cents


def late(event) -> datetime:
    """An instant past the event's registration deadline, before its start."""
    return event.registration_closes_at + timedelta(hours=1)


# --- Which programmes apply ----------------------------------------------------------------


def test_a_programme_covering_events_pays_its_share_of_a_registration(workshop, booker):
    made = social_rate(workshop.place)
    verified(booker, "rsa")
    line = price_line(selectors.quote_for(booker, workshop, 2))
    assert line.reduced == "Tarif solidaire : 6 € au lieu de 24 €"
    registration = events.register(booker, workshop, 2)
    assert (registration.price_cents, registration.person_price_cents) == (2400, 600)
    share = BookingShare.objects.get()
    assert (share.registration, share.booking, share.cents, share.rule) == (
        registration,
        None,
        1800,
        "rate:percent:2500",
    )
    assert (share.public_label, share.user, share.late_rule) == (
        "Tarif solidaire",
        booker,
        LateRule.PLACE_PAID,
    )
    assert left(made) == 100_000 - 1800
    moves = LedgerEntry.objects.filter(registration=registration)
    assert [(m.account, m.amount, m.reason, m.channel, m.booking) for m in moves] == [
        ("envelope", -1800, "event", "page", None)
    ]
    assert moves[0].actor == booker
    assert ledger.differences() == []


def test_a_programme_not_covering_events_leaves_the_list_price(workshop, booker):
    made = programme(workshop.place)  # bookings only, the default
    verified(booker, "rsa")
    registration = events.register(booker, workshop, 1)
    assert (registration.price_cents, registration.person_price_cents) == (1200, 1200)
    assert not BookingShare.objects.exists()
    assert left(made) == 100_000


def test_the_event_s_place_must_have_joined_the_programme(workshop, booker, other_place):
    made = social_rate(other_place)
    verified(booker, "rsa")
    assert events.register(booker, workshop, 1).person_price_cents == 1200
    assert left(made) == 100_000


def test_a_place_that_left_the_programme_no_longer_gets_it(workshop, booker):
    social_rate(workshop.place)
    ProgrammePlace.objects.update(left_at=timezone.now())
    verified(booker, "rsa")
    assert events.register(booker, workshop, 1).person_price_cents == 1200


def test_the_person_must_meet_the_programme_s_conditions(workshop, booker, other_booker):
    social_rate(workshop.place)
    verified(other_booker, "handicap")  # another category
    assert events.register(booker, workshop, 1).person_price_cents == 1200
    assert events.register(other_booker, workshop, 1).person_price_cents == 1200
    assert not BookingShare.objects.exists()


def test_a_programme_not_valid_on_the_event_s_day_does_not_apply(workshop, booker):
    day = timezone.localtime(workshop.start).date()
    social_rate(workshop.place, valid_from=VALID[0], valid_until=day - timedelta(days=1))
    verified(booker, "rsa")
    assert events.register(booker, workshop, 1).person_price_cents == 1200


def test_a_free_event_takes_nothing(bookable_place, booker):
    made = social_rate(bookable_place)
    verified(booker, "rsa")
    free = EventFactory(place=bookable_place, price_cents=0)
    registration = events.register(booker, free, 1)
    assert (registration.price_cents, registration.person_price_cents) == (0, 0)
    assert left(made) == 100_000
    assert registered_prices([registration], for_person=True) == {registration.pk: "Gratuit"}


def test_an_employer_s_quota_never_covers_events(bookable_place, booker):
    made = employer_quota(bookable_place, [booker])
    made.covers_events = True
    with pytest.raises(ValidationError) as refused:
        made.full_clean()
    assert refused.value.message_dict["covers_events"] == [
        "Un quota de jours payé par un employeur (télétravail) ne s'applique pas aux "
        "ateliers et événements."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        Programme.objects.filter(pk=made.pk).update(covers_events=True)
    # And a member registering pays the list price.
    event = EventFactory(place=bookable_place, price_cents=1000)
    assert events.register(booker, event, 1).person_price_cents == 1000


def test_the_highest_priority_applies_then_a_cumulative_pass_as_for_bookings(workshop, booker):
    social_rate(workshop.place, priority=10)
    credit = a_pass(workshop.place, 500, covers_events=True, cumulative=True, categories=("rsa",))
    verified(booker, "rsa")
    registration = events.register(booker, workshop, 1)
    # 12 €: the rate pays 9 €, the pass the 3 € left to the person.
    assert registration.person_price_cents == 0
    shares = BookingShare.objects.order_by("programme_id")
    assert [(s.public_label, s.cents) for s in shares] == [
        ("Tarif solidaire", 900),
        ("Pass+ tiers-lieux", 300),
    ]
    assert Wallet.objects.get(programme=credit).left_cents == 200
    assert ledger.differences() == []


def test_a_fixed_rate_counts_the_event_s_hours_and_seats(workshop, booker):
    social_rate(
        workshop.place,
        kind=BenefitKind.FIXED,
        person_basis_points=None,
        fixed_hour_cents=100,
    )
    verified(booker, "rsa")
    # 2 hours, 2 seats: the person pays 1 € an hour a seat, 4 € of 24 €.
    assert events.register(booker, workshop, 2).person_price_cents == 400


# --- Giving back -----------------------------------------------------------------------------


def test_a_pass_is_spent_and_given_back_when_the_person_cancels_in_time(workshop, booker):
    made = a_pass(workshop.place, 2000, covers_events=True)
    verified(booker, "collegien")
    registration = events.register(booker, workshop, 1)
    assert registration.person_price_cents == 0
    wallet = Wallet.objects.get(programme=made)
    assert (wallet.granted_cents, wallet.left_cents) == (2000, 800)
    events.cancel(booker, registration)
    wallet.refresh_from_db()
    assert wallet.left_cents == 2000
    assert left(made) == 100_000
    assert BookingShare.objects.get().released_at is not None
    moves = LedgerEntry.objects.filter(registration=registration, reason="release")
    assert sorted((m.account, m.amount) for m in moves) == [("envelope", 1200), ("wallet", 1200)]
    assert ledger.differences() == []


def test_a_late_cancellation_keeps_the_place_paid_under_that_rule(workshop, booker):
    made = social_rate(workshop.place)
    verified(booker, "rsa")
    registration = events.register(booker, workshop, 1)
    events.cancel(booker, registration, now=late(workshop))
    assert BookingShare.objects.get().released_at is None
    assert left(made) == 100_000 - 900
    assert ledger.differences() == []
    assert registered_prices([Registration.objects.get()], for_person=True) == {
        registration.pk: "Tarif solidaire : 3 € au lieu de 12 € · décompté de vos droits "
        "(annulation tardive ou absence)"
    }


def test_a_late_cancellation_is_given_back_under_the_other_rule(workshop, booker):
    made = social_rate(workshop.place, late_rule=LateRule.GIVEN_BACK)
    verified(booker, "rsa")
    registration = events.register(booker, workshop, 1)
    events.cancel(booker, registration, now=late(workshop))
    assert left(made) == 100_000
    assert registered_prices([Registration.objects.get()], for_person=True) == {
        registration.pk: "Tarif solidaire : 3 € au lieu de 12 € · rien n'est décompté de vos droits"
    }


def test_the_rule_is_the_one_the_share_was_taken_under(workshop, booker):
    made = social_rate(workshop.place, late_rule=LateRule.GIVEN_BACK)
    verified(booker, "rsa")
    registration = events.register(booker, workshop, 1)
    Programme.objects.filter(pk=made.pk).update(late_rule=LateRule.PLACE_PAID, version=2)
    events.cancel(booker, registration, now=late(workshop))
    assert left(made) == 100_000


def test_the_organiser_s_cancellation_decline_or_cancelled_event_give_back(
    bookable_place, people, place_manager
):
    made = social_rate(bookable_place)
    for person in people[:3]:
        verified(person, "rsa")
    event = EventFactory(place=bookable_place, price_cents=1200, needs_approval=True)
    first, second, third = (events.register(p, event, 1) for p in people[:3])
    assert left(made) == 100_000 - 3 * 900  # awaiting approval: taken already
    events.cancel(place_manager, first, "Atelier complet", now=late(event))  # never late
    events.decline(place_manager, second, "Réservé aux entrepreneurs")
    events.cancel_event(place_manager, event, "Intervenant malade")
    assert left(made) == 100_000
    assert not BookingShare.objects.filter(released_at__isnull=True).exists()
    assert set(registered_prices([first, second, third], for_person=False).values()) == {
        "Tarif solidaire : 3 € au lieu de 12 €"
    }
    assert ledger.differences() == []


def test_an_absence_is_given_back_under_that_rule_and_taken_again_if_corrected(
    workshop, booker, place_manager
):
    made = social_rate(workshop.place, late_rule=LateRule.GIVEN_BACK)
    verified(booker, "rsa")
    registration = events.register(booker, workshop, 1)
    during = workshop.start + timedelta(minutes=30)
    events.mark_attendance(place_manager, registration, False, now=during)
    assert left(made) == 100_000
    assert registered_prices([Registration.objects.get()], for_person=True) == {
        registration.pk: "Tarif solidaire : 3 € au lieu de 12 € · rien n'est décompté de vos droits"
    }
    events.mark_attendance(place_manager, registration, True, now=during)
    assert left(made) == 100_000 - 900
    assert BookingShare.objects.get().released_at is None
    assert ledger.differences() == []


def test_an_absence_keeps_the_place_paid_under_the_other_rule(workshop, booker, place_manager):
    made = social_rate(workshop.place)
    verified(booker, "rsa")
    registration = events.register(booker, workshop, 1)
    during = workshop.start + timedelta(minutes=30)
    events.mark_attendance(place_manager, registration, False, now=during)
    events.mark_attendance(place_manager, registration, None, now=during)
    assert left(made) == 100_000 - 900
    assert ledger.differences() == []


def test_an_absence_corrected_once_the_envelope_is_spent_is_refused(
    workshop, booker, place_manager
):
    made = social_rate(workshop.place, late_rule=LateRule.GIVEN_BACK)
    verified(booker, "rsa")
    registration = events.register(booker, workshop, 1)
    during = workshop.start + timedelta(minutes=30)
    events.mark_attendance(place_manager, registration, False, now=during)
    services.change_envelope(staff(), made, -100_000, channel=Channel.BACK_OFFICE)
    with pytest.raises(events.RegistrationRefused) as refused:
        events.mark_attendance(place_manager, registration, True, now=during)
    assert refused.value.field == "attended"
    assert refused.value.message == (
        "Le dispositif ne peut plus payer sa part de cette inscription : le budget du "
        "dispositif vient d'être épuisé."
    )
    assert Registration.objects.get().attended is False
    assert BookingShare.objects.get().released_at is not None
    assert ledger.differences() == []


def test_a_waiting_entry_is_quoted_when_it_accepts_the_seats_offered(bookable_place, people):
    made = social_rate(bookable_place)
    event = EventFactory(place=bookable_place, capacity=1, price_cents=1200)
    verified(people[1], "rsa")
    holder = events.register(people[0], event, 1)
    waiting = events.register(people[1], event, 1)
    assert waiting.status == S.WAITING
    # Not frozen while waiting: the list price, nothing taken.
    assert (waiting.price_cents, waiting.person_price_cents) == (1200, 1200)
    assert left(made) == 100_000
    assert ledger.differences() == []
    events.cancel(people[0], holder)
    offered = Registration.objects.get(pk=waiting.pk)
    assert offered.status == S.OFFERED
    accepted = events.accept_offer(people[1], offered)
    assert (accepted.status, accepted.person_price_cents) == (S.REGISTERED, 300)
    assert left(made) == 100_000 - 900
    assert ledger.differences() == []


def test_an_envelope_spent_leaves_the_list_price_and_says_why(workshop, booker):
    social_rate(workshop.place, budget_cents=500)  # less than a share (9 €)
    verified(booker, "rsa")
    line = price_line(selectors.quote_for(booker, workshop, 1))
    assert (line.reduced, line.notices) == (
        None,
        ("Le budget de « Tarif solidaire » est épuisé : le prix public s'applique.",),
    )
    assert events.register(booker, workshop, 1).person_price_cents == 1200


def test_a_rule_changed_since_the_quote_refuses_the_registration(workshop, booker, monkeypatch):
    made = social_rate(workshop.place)
    verified(booker, "rsa")
    quote = selectors.quote_for(booker, workshop, 1)
    Programme.objects.filter(pk=made.pk).update(version=2)
    monkeypatch.setattr(selectors, "quote_for", lambda *args: quote)
    with pytest.raises(events.RegistrationRefused) as refused:
        events.register(booker, workshop, 1)
    assert refused.value.field == "seats"
    assert refused.value.message == (
        "Le tarif réduit ne s'applique plus : les conditions du dispositif viennent de "
        "changer. Prix public : 12 € ; inscrivez-vous de nouveau pour l'accepter."
    )
    assert not Registration.objects.exists()
    assert not BookingShare.objects.exists()
    assert left(made) == 100_000
    workshop.refresh_from_db()
    assert workshop.seats_taken == 0


# --- Caps, bookings and registrations together ---------------------------------------------


def test_an_amount_cap_counts_bookings_and_registrations_alike(workshop, desks, booker):
    made = social_rate(workshop.place, cap_cents=1000, cap_period="month")
    verified(booker, "rsa")
    start = workshop.start + timedelta(hours=4)
    # A desk for 2 hours: 8 €, the rate pays 6 €; 4 € of the cap is left for the workshop.
    booked = booking.book(booker, desks.pk, start, start + timedelta(hours=2), channel=Channel.PAGE)
    assert booked.person_price_cents == 200
    registration = events.register(booker, workshop, 1)
    assert registration.person_price_cents == 1200 - 400
    counter = CapCounter.objects.get(programme=made, kind="cents")
    assert (counter.used, counter.limit) == (1000, 1000)
    assert ledger.differences() == []


def test_a_days_cap_counts_the_event_s_day_once_with_a_booking_on_it(workshop, desks, booker):
    made = social_rate(workshop.place, cap_days_per_month=1)
    verified(booker, "rsa")
    start = workshop.start + timedelta(hours=4)
    booking.book(booker, desks.pk, start, start + timedelta(hours=2), channel=Channel.PAGE)
    # The same day: counted already, the rate applies.
    registration = events.register(booker, workshop, 1)
    assert registration.person_price_cents == 300
    assert CapCounter.objects.get(programme=made, kind="days").used == 1
    events.cancel(booker, registration)
    assert CapCounter.objects.get(programme=made, kind="days").used == 1  # the booking's
    assert ledger.differences() == []


def test_the_ledger_matches_bookings_and_registrations_on_one_envelope_and_wallet(
    workshop, desks, booker
):
    made = a_pass(workshop.place, 2000, covers_events=True)
    verified(booker, "collegien")
    start = workshop.start + timedelta(hours=4)
    # A desk (8 €) then the workshop (12 €) spend the whole credit of 20 €.
    first = booking.book(booker, desks.pk, start, start + timedelta(hours=2), channel=Channel.PAGE)
    registration = events.register(booker, workshop, 1)
    assert (first.person_price_cents, registration.person_price_cents) == (0, 0)
    later = start + timedelta(hours=2)
    second = booking.book(booker, desks.pk, later, later + timedelta(hours=1), channel=Channel.PAGE)
    assert second.person_price_cents == 400  # the credit is spent
    wallet = Wallet.objects.get(programme=made)
    assert wallet.left_cents == 0
    assert left(made) == 100_000 - 2000
    assert ledger.differences() == []
    events.cancel(booker, registration)
    booking.cancel(booker, first, channel=Channel.PAGE)
    wallet.refresh_from_db()
    assert wallet.left_cents == 2000
    assert left(made) == 100_000
    assert ledger.differences() == []


def test_the_ledger_check_names_a_registration_whose_price_does_not_add_up(workshop, booker):
    social_rate(workshop.place)
    verified(booker, "rsa")
    registration = events.register(booker, workshop, 1)
    Registration.objects.filter(pk=registration.pk).update(person_price_cents=400)
    assert ledger.differences() == [
        ledger.Difference(f"registration {registration.pk} price", 1200, 1300)
    ]


def test_the_database_refuses_shares_over_a_registration_s_price(workshop, booker):
    made = social_rate(workshop.place)
    registration = events.register(booker, workshop, 1)  # no status: 12 € for the person
    fields = {
        "programme": made,
        "public_label": "Tarif solidaire",
        "rule": "rate:percent:2500",
        "version": 1,
        "user": booker,
        "late_rule": LateRule.PLACE_PAID,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingShare.objects.create(registration=registration, cents=100, **fields)
    Registration.objects.filter(pk=registration.pk).update(person_price_cents=300)
    BookingShare.objects.create(registration=registration, cents=900, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingShare.objects.filter(registration=registration).update(cents=901)
    # A share pays for a booking or a registration: never neither, never both.
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingShare.objects.create(cents=1, **fields)


# --- The person's price lines ----------------------------------------------------------------


def test_the_price_lines_name_the_public_label_never_the_category(workshop, booker, other_booker):
    social_rate(workshop.place)
    verified(booker, "rsa")
    reduced = events.register(booker, workshop, 2)
    full = events.register(other_booker, workshop, 1)
    prices = registered_prices([reduced, full], for_person=True)
    assert prices == {
        reduced.pk: "Tarif solidaire : 6 € au lieu de 24 €",
        full.pk: "12 €",
    }
    assert "rsa" not in " ".join(prices.values()).lower()


def test_the_person_s_email_tells_the_reduced_price(workshop, booker):
    social_rate(workshop.place)
    verified(booker, "rsa")
    events.register(booker, workshop, 2)
    mail.outbox.clear()
    outbox.deliver_due(now=timezone.now())
    [confirmed] = mail.outbox
    assert "Prix : Tarif solidaire : 6 € au lieu de 24 €" in confirmed.body


# --- Staff's back-office -----------------------------------------------------------------------


def test_staff_tick_covers_events_in_the_back_office(client, staff_user, bookable_place):
    made = programme(bookable_place)
    client.force_login(staff_user)
    change = reverse("admin:programmes_programme_change", args=[made.pk])
    page = client.get(change)
    assert "s'applique aussi aux ateliers et événements" in text(page).lower()


def test_a_quota_covering_events_is_refused_in_the_back_office(client, staff_user):
    employer = Employer.objects.create(name="Département des Hauts-de-Seine")
    client.force_login(staff_user)
    answer = client.post(
        reverse("admin:programmes_programme_add"),
        {
            "name": "Télétravail",
            "public_label": "Télétravail",
            "funder": "Département",
            "kind": "quota",
            "employer": str(employer.pk),
            "quota_days": "2",
            "quota_period": "week",
            "covers_events": "on",
            "valid_from": VALID[0].isoformat(),
            "valid_until": VALID[1].isoformat(),
            "priority": "0",
            "payment_delay_days": "30",
            "late_rule": "place_paid",
            "envelope-TOTAL_FORMS": "0",
            "envelope-INITIAL_FORMS": "0",
            "places-TOTAL_FORMS": "0",
            "places-INITIAL_FORMS": "0",
        },
    )
    assert answer.status_code == 200
    assert "ne s'applique pas aux ateliers et événements" in text(answer)
    assert not Programme.objects.exists()


# --- For a child profile ---------------------------------------------------------------------


def test_a_parent_registers_their_child_with_the_child_s_pass(workshop, booker):
    made = a_pass(workshop.place, 2000, covers_events=True)
    child = ChildProfile.objects.create(
        parent=booker, first_name="Lucas", birth_year=2013, school="Collège Jean-Moulin"
    )
    verified(booker, "collegien", child=child)
    # The parent holds no pass: the list price for them, the child's pass for the child.
    assert selectors.quote_for(booker, workshop, 1).person_cents == 1200
    assert selectors.quote_for(booker, workshop, 1, child_id=child.pk).person_cents == 0
    for_child = events.register(booker, workshop, 1, child_id=child.pk)
    assert (for_child.child, for_child.person_price_cents) == (child, 0)
    share = BookingShare.objects.get(registration=for_child)
    assert (share.user, share.child_key, share.cents) == (booker, child.pk, 1200)
    wallet = Wallet.objects.get(programme=made)
    assert (wallet.child_key, wallet.left_cents) == (child.pk, 800)
    # The parent registers themself too, at the list price.
    own = events.register(booker, workshop, 1)
    assert (own.child, own.person_price_cents) == (None, 1200)
    assert registered_prices([for_child], for_person=True)[for_child.pk] == (
        "Pass+ tiers-lieux : 0 € au lieu de 12 €"
    )
    assert ledger.differences() == []
    # Cancelled in time: the child's credit is given back.
    events.cancel(booker, for_child)
    wallet.refresh_from_db()
    assert wallet.left_cents == 2000
    assert left(made) == 100_000
    assert ledger.differences() == []


def test_a_child_s_offer_accepted_is_paid_by_the_child_s_pass(bookable_place, booker, people):
    made = a_pass(bookable_place, 2000, covers_events=True)
    child = ChildProfile.objects.create(
        parent=booker, first_name="Lucas", birth_year=2013, school="Collège Jean-Moulin"
    )
    verified(booker, "collegien", child=child)
    event = EventFactory(place=bookable_place, capacity=1, price_cents=1200)
    holder = events.register(people[0], event, 1)
    waiting = events.register(booker, event, 1, child_id=child.pk)
    events.cancel(people[0], holder)
    accepted = events.accept_offer(booker, Registration.objects.get(pk=waiting.pk))
    assert (accepted.status, accepted.person_price_cents) == (S.REGISTERED, 0)
    assert Wallet.objects.get(programme=made).child_key == child.pk
    assert ledger.differences() == []
