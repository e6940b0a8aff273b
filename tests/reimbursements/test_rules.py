"""The «honoured» rule through the real services: what each booking's or registration's
fate puts on the statements, under each late rule; corrections on the next month; one
statement per place and programme (and per employer), numbered per place and year; and,
after random histories, every share stated exactly what it is owed."""

import random
from datetime import date, timedelta

import pytest
from django.db.models import Sum

from maillage.booking import services as booking
from maillage.booking.models import Channel
from maillage.events import services as events
from maillage.programmes.models import Employer, LateRule
from maillage.reimbursements import services
from maillage.reimbursements.models import ReimbursementStatement, StatementLine
from maillage.reimbursements.selectors import shares_with_amounts
from tests.factories import BookablePlaceFactory, DeskFactory, EventFactory, VerifiedUserFactory
from tests.moments import NOW, paris
from tests.programmes.builders import employer_quota, programme, staff, verified

pytestmark = pytest.mark.django_db

# Wednesday 2 December 2026, 9:00–11:00: 8 € at a desk, 6 € paid by the programme.
SLOT = (paris(2026, 12, 2, 9), paris(2026, 12, 2, 11))
SHARE = 600
DECEMBER, JANUARY_1ST = date(2026, 12, 1), date(2027, 1, 1)
IN_JANUARY, IN_FEBRUARY = paris(2027, 1, 1, 6), paris(2027, 2, 1, 6)
RULES = [LateRule.PLACE_PAID, LateRule.GIVEN_BACK]


def book(person, space, slot=SLOT, now=NOW):
    return booking.book(person, space.pk, *slot, now=now, channel=Channel.PAGE)


def stated(made) -> int:
    """What the issued lines say of a booking, all months together (cents)."""
    return int(StatementLine.objects.filter(booking=made).aggregate(s=Sum("cents"))["s"] or 0)


def lines_of(made) -> list[tuple[str, int, date]]:
    return [
        (line.kind, line.cents, line.statement.month.month)
        for line in StatementLine.objects.filter(booking=made).order_by("pk")
    ]


def issue_december():
    return services.issue_month(DECEMBER, None, now=IN_JANUARY)


def issue_january():
    return services.issue_month(JANUARY_1ST, None, now=IN_FEBRUARY)


@pytest.fixture
def rsa(booker):
    verified(booker, "rsa")
    return booker


# --- Bookings ------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", RULES)
def test_a_checked_in_booking_is_owed_whatever_the_late_rule(desks, rsa, place_manager, rule):
    programme(desks.place, late_rule=rule)
    made = booking.check_in(place_manager, book(rsa, desks), now=SLOT[0], channel=Channel.PAGE)
    issue_december()
    assert lines_of(made) == [("regular", SHARE, DECEMBER)]


@pytest.mark.parametrize(("rule", "owed"), [(LateRule.PLACE_PAID, SHARE), (LateRule.GIVEN_BACK, 0)])
def test_a_no_show_is_owed_only_when_the_place_is_paid(desks, rsa, place_manager, rule, owed):
    programme(desks.place, late_rule=rule)
    made = booking.mark_no_show(place_manager, book(rsa, desks), now=SLOT[1], channel=Channel.PAGE)
    issue_december()
    assert stated(made) == owed
    assert lines_of(made) == ([("regular", SHARE, DECEMBER)] if owed else [])


@pytest.mark.parametrize(("rule", "owed"), [(LateRule.PLACE_PAID, SHARE), (LateRule.GIVEN_BACK, 0)])
def test_a_late_cancellation_follows_the_late_rule(desks, rsa, place_manager, rule, owed):
    programme(desks.place, late_rule=rule)
    made = booking.cancel(
        place_manager,
        book(rsa, desks),
        "Fermeture",
        now=SLOT[0] - timedelta(hours=1),
        channel=Channel.PAGE,
    )
    issue_december()
    assert stated(made) == owed


@pytest.mark.parametrize("rule", RULES)
def test_an_early_cancellation_is_never_owed(desks, rsa, rule):
    programme(desks.place, late_rule=rule)
    made = booking.cancel(rsa, book(rsa, desks), now=NOW, channel=Channel.PAGE)
    issue_december()
    assert stated(made) == 0
    assert not ReimbursementStatement.objects.exists()


def test_a_pending_booking_is_not_honoured(desks, rsa):
    desks.place.requires_approval = True
    desks.place.save()
    programme(desks.place)
    made = book(rsa, desks)
    assert made.status == "pending"
    issue_december()
    assert stated(made) == 0


def test_a_confirmed_booking_checked_in_after_its_month_is_a_correction(desks, rsa, place_manager):
    programme(desks.place)
    made = book(rsa, desks)
    issue_december()
    assert stated(made) == 0
    booking.check_in(place_manager, made, now=SLOT[1], channel=Channel.PAGE)
    issue_january()
    assert lines_of(made) == [("correction", SHARE, JANUARY_1ST)]


def test_a_share_given_back_after_its_month_is_a_negative_correction(desks, rsa, place_manager):
    programme(desks.place, late_rule=LateRule.GIVEN_BACK)
    made = booking.check_in(place_manager, book(rsa, desks), now=SLOT[0], channel=Channel.PAGE)
    issue_december()
    booking.mark_no_show(place_manager, made, now=SLOT[1], channel=Channel.PAGE)
    issue_january()
    assert lines_of(made) == [
        ("regular", SHARE, DECEMBER),
        ("correction", -SHARE, JANUARY_1ST),
    ]
    january = ReimbursementStatement.objects.get(month__month=JANUARY_1ST)
    assert (january.total_cents, january.number) == (-SHARE, 2)
    assert services.verify() == (2, [])


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (LateRule.PLACE_PAID, [("regular", SHARE, DECEMBER)]),
        (LateRule.GIVEN_BACK, [("correction", SHARE, JANUARY_1ST)]),
    ],
)
def test_a_no_show_corrected_to_checked_in(desks, rsa, place_manager, rule, expected):
    programme(desks.place, late_rule=rule)
    made = booking.mark_no_show(place_manager, book(rsa, desks), now=SLOT[1], channel=Channel.PAGE)
    issue_december()
    booking.check_in(place_manager, made, now=SLOT[1], channel=Channel.PAGE)
    issue_january()
    # Kept by «le lieu est payé», the same amount: no new line; given back, it is owed now.
    assert lines_of(made) == expected
    assert services.verify()[1] == []


# --- Event registrations -------------------------------------------------------------------


@pytest.fixture
def workshop(bookable_place):
    """A workshop a week ahead at la-ruche, 12 € a seat: 9 € paid by the programme."""
    return EventFactory(
        place=bookable_place, capacity=5, max_seats_per_registration=2, price_cents=1200
    )


def issue_month_of(event):
    month = event.start.astimezone(services.PARIS).date().replace(day=1)
    after = services.month_start(services.next_month(month)) + timedelta(hours=6)
    return services.issue_month(month, None, now=after)


def registration_stated(registration) -> int:
    lines = StatementLine.objects.filter(registration=registration)
    return int(lines.aggregate(s=Sum("cents"))["s"] or 0)


@pytest.mark.parametrize(
    ("attended", "rule", "owed"),
    [
        (True, LateRule.GIVEN_BACK, 900),
        (False, LateRule.PLACE_PAID, 900),
        (False, LateRule.GIVEN_BACK, 0),
    ],
)
def test_a_registration_marked_present_or_absent(
    workshop, rsa, place_manager, attended, rule, owed
):
    programme(workshop.place, covers_events=True, late_rule=rule)
    registration = events.register(rsa, workshop, 1)
    events.mark_attendance(place_manager, registration, attended, now=workshop.start)
    issue_month_of(workshop)
    assert registration_stated(registration) == owed
    if owed:
        line = StatementLine.objects.get(registration=registration)
        assert (line.booking_id, line.place_id, line.kind) == (None, workshop.place_id, "regular")


@pytest.mark.parametrize(("rule", "owed"), [(LateRule.PLACE_PAID, 900), (LateRule.GIVEN_BACK, 0)])
def test_a_late_registration_cancellation_follows_the_late_rule(workshop, rsa, rule, owed):
    programme(workshop.place, covers_events=True, late_rule=rule)
    registration = events.register(rsa, workshop, 1)
    events.cancel(rsa, registration, now=workshop.registration_closes_at + timedelta(hours=1))
    issue_month_of(workshop)
    assert registration_stated(registration) == owed


def test_an_early_registration_cancellation_is_not_owed(workshop, rsa):
    programme(workshop.place, covers_events=True, late_rule=LateRule.PLACE_PAID)
    registration = events.register(rsa, workshop, 1)
    events.cancel(rsa, registration)
    issue_month_of(workshop)
    assert registration_stated(registration) == 0


# --- Statements, numbers, payers -----------------------------------------------------------


def test_one_statement_per_place_and_programme_numbered_per_place(desks, booker, other_booker):
    elsewhere = DeskFactory(place=BookablePlaceFactory(commune=desks.place.commune))
    social = programme([desks.place, elsewhere.place], payment_delay_days=10)
    handicap = programme(desks.place, categories=("handicap",), payment_delay_days=60)
    verified(booker, "rsa")
    verified(other_booker, "handicap")
    for person, space in ((booker, desks), (other_booker, desks), (booker, elsewhere)):
        made = book(person, space, (paris(2026, 12, 3, 9), paris(2026, 12, 3, 11)))
        booking.check_in(staff(), made, now=made.start, channel=Channel.PAGE)
    issue_december()
    got = {
        (s.place_id, s.programme_id): (s.number, s.payment_due_on, s.total_cents)
        for s in ReimbursementStatement.objects.all()
    }
    assert got == {
        (desks.place.pk, social.pk): (1, date(2027, 1, 11), SHARE),
        (desks.place.pk, handicap.pk): (2, date(2027, 3, 2), SHARE),
        (elsewhere.place.pk, social.pk): (1, date(2027, 1, 11), SHARE),
    }
    # January: the series of each place goes on, whatever the programme.
    for person, space in ((other_booker, desks), (booker, elsewhere)):
        made = book(person, space, (paris(2027, 1, 5, 9), paris(2027, 1, 5, 11)))
        booking.check_in(staff(), made, now=made.start, channel=Channel.PAGE)
    issue_january()
    numbers = sorted(ReimbursementStatement.objects.values_list("place_id", "year", "number"))
    assert numbers == sorted(
        [
            (desks.place.pk, 2027, 1),
            (desks.place.pk, 2027, 2),
            (desks.place.pk, 2027, 3),
            (elsewhere.place.pk, 2027, 1),
            (elsewhere.place.pk, 2027, 2),
        ]
    )
    assert services.verify() == (5, [])


def test_an_employers_quota_is_one_statement_with_a_line_per_place(desks, booker):
    elsewhere = DeskFactory(place=BookablePlaceFactory(commune=desks.place.commune))
    quota = employer_quota([desks.place, elsewhere.place], [booker])
    quota.employer.payment_delay_days = 45
    quota.employer.save()
    social = programme(desks.place)
    verified(booker, "rsa")
    for space, day in ((desks, 2), (elsewhere, 3)):
        made = book(booker, space, (paris(2026, 12, day, 9), paris(2026, 12, day, 11)))
        booking.check_in(staff(), made, now=made.start, channel=Channel.PAGE)
    issue_december()
    statement = ReimbursementStatement.objects.get(payer="employer")
    assert (statement.employer_id, statement.reference, statement.payment_due_on) == (
        quota.employer_id,
        "E2027-0001",
        date(2027, 2, 15),
    )
    assert [line.place_id for line in statement.lines.all()] == sorted(
        [desks.place.pk, elsewhere.place.pk]
    )
    assert {line.programme_id for line in statement.lines.all()} == {quota.pk}
    # The employer's quota paid these days: nothing for the social rate on top.
    assert not ReimbursementStatement.objects.filter(programme=social).exists()


def test_numbers_are_of_the_issue_days_year(desks, rsa, place_manager):
    """December 2026, issued in January 2027, opens the place's 2027 series."""
    programme(desks.place)
    booking.check_in(place_manager, book(rsa, desks), now=SLOT[0], channel=Channel.PAGE)
    january = (paris(2027, 1, 6, 9), paris(2027, 1, 6, 11))
    later = book(rsa, desks, january)
    issue_december()
    booking.check_in(place_manager, later, now=later.start, channel=Channel.PAGE)
    issue_january()
    assert [
        (s.month.month, s.year, s.reference)
        for s in ReimbursementStatement.objects.order_by("month__month")
    ] == [(DECEMBER, 2027, "2027-0001"), (JANUARY_1ST, 2027, "2027-0002")]


# --- Random histories ----------------------------------------------------------------------

MONTHS = [date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1)]


def owed_now_and_stated() -> tuple[dict[int, int], dict[int, int]]:
    owed = {
        row["pk"]: int(row["owed_cents"])
        for row in shares_with_amounts().values("pk", "owed_cents")
    }
    lines = StatementLine.objects.values("share_id").annotate(total=Sum("cents"))
    return owed, {row["share_id"]: int(row["total"]) for row in lines}


@pytest.mark.parametrize("seed", range(3))
def test_random_histories_state_exactly_what_is_owed(desks, place_manager, seed):
    draw = random.Random(seed)
    programme(desks.place, late_rule=draw.choice(RULES))
    people = [VerifiedUserFactory(email=f"p{seed}-{n}@exemple.test") for n in range(3)]
    for person in people:
        verified(person, "rsa")
    made_so_far = []
    for month in MONTHS:
        for day in draw.sample(range(2, 27), 5):
            start = paris(month.year, month.month, day, draw.choice([9, 14]))
            person = draw.choice(people)
            try:
                made = book(
                    person, desks, (start, start + timedelta(hours=2)), start - timedelta(days=2)
                )
            except booking.BookingRefused:
                continue
            made_so_far.append(made)
            fate = draw.choice(["confirmed", "check_in", "no_show", "early", "late"])
            if fate == "check_in":
                booking.check_in(place_manager, made, now=start, channel=Channel.PAGE)
            elif fate == "no_show":
                booking.mark_no_show(place_manager, made, now=start, channel=Channel.PAGE)
            elif fate == "early":
                booking.cancel(person, made, now=start - timedelta(days=2), channel=Channel.PAGE)
            elif fate == "late":
                booking.cancel(
                    place_manager,
                    made,
                    "Motif",
                    now=start - timedelta(hours=1),
                    channel=Channel.PAGE,
                )
        # Corrections of earlier bookings, before the month is issued.
        for made in draw.sample(made_so_far, min(3, len(made_so_far))):
            made.refresh_from_db()
            moves = {
                "confirmed": booking.check_in,
                "checked_in": booking.mark_no_show,
                "no_show": booking.check_in,
            }
            if made.status in moves:
                moves[made.status](place_manager, made, now=made.end, channel=Channel.PAGE)
        after = services.month_start(services.next_month(month)) + timedelta(hours=3)
        assert services.issue_closed_months(now=after) == [month]
        owed, stated_ = owed_now_and_stated()
        end = services.month_start(services.next_month(month))
        served = dict(shares_with_amounts().values_list("pk", "served_at"))
        for share_id, cents in owed.items():
            expected = cents if served[share_id] < end else 0
            assert stated_.get(share_id, 0) == expected, share_id
    assert services.verify()[1] == []
    assert StatementLine.objects.exists()


def test_a_correction_goes_where_its_share_was_stated_whatever_the_programme_became(
    desks, booker, place_manager
):
    """A quota's share stated on its employer's statement is corrected there, even after
    staff moved the programme to another employer."""
    quota = employer_quota(desks.place, [booker], late_rule=LateRule.GIVEN_BACK)
    first_employer = quota.employer
    made = booking.check_in(place_manager, book(booker, desks), now=SLOT[0], channel=Channel.PAGE)
    issue_december()
    quota.employer = Employer.objects.create(name="Autre employeur")
    quota.save()
    booking.mark_no_show(place_manager, made, now=SLOT[1], channel=Channel.PAGE)
    issue_january()
    january = ReimbursementStatement.objects.get(month__month=JANUARY_1ST)
    assert (january.payer, january.employer_id, january.total_cents) == (
        "employer",
        first_employer.pk,
        -800,  # the quota paid the whole day's 8 €
    )
    assert january.nothing_to_pay == "aucun paiement : solde de 8 € en faveur de l'employeur"
    assert services.verify() == (2, [])
