"""Issuing a closed month: statements per place and programme and per employer, numbered
without gaps, frozen, with their digest; corrections on the next month."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError, connection, transaction

from maillage.booking import services as booking
from maillage.booking.models import Channel
from maillage.reimbursements import services
from maillage.reimbursements.models import (
    ReimbursementStatement,
    StatementLine,
    StatementMonth,
)
from tests.moments import NOW, paris
from tests.programmes.builders import employer_quota, programme, staff, verified

pytestmark = pytest.mark.django_db

# Wednesday 2 December 2026, 9:00–11:00: 8 € at a desk, 6 € paid by the programme.
SLOT = (paris(2026, 12, 2, 9), paris(2026, 12, 2, 11))
JANUARY = paris(2027, 1, 1, 6)
FEBRUARY = paris(2027, 2, 1, 6)


def book(person, space, slot=SLOT):
    return booking.book(person, space.pk, *slot, now=NOW, channel=Channel.PAGE)


def checked_in(manager, done):
    return booking.check_in(manager, done, now=done.start, channel=Channel.PAGE)


def test_a_checked_in_booking_is_stated_and_a_mere_confirmed_one_is_not(
    desks, booker, other_booker, place_manager
):
    made = programme(desks.place)
    verified(booker, "rsa")
    verified(other_booker, "rsa")
    honoured = checked_in(place_manager, book(booker, desks))
    book(other_booker, desks, (paris(2026, 12, 3, 9), paris(2026, 12, 3, 11)))
    month = services.issue_month(date(2026, 12, 1), staff(), now=JANUARY)
    statement = ReimbursementStatement.objects.get(month=month)
    assert (statement.place_id, statement.programme_id) == (desks.place.pk, made.pk)
    assert (statement.year, statement.number, statement.reference) == (2027, 1, "2027-0001")
    assert statement.total_cents == 600
    assert statement.payment_due_on == date(2027, 1, 31)
    line = statement.lines.get()
    assert (line.kind, line.booking_id, line.cents, line.served_on) == (
        "regular",
        honoured.pk,
        600,
        date(2026, 12, 2),
    )
    assert services.verify() == (1, [])


def test_issuing_twice_gives_the_same_statements(desks, booker, place_manager):
    programme(desks.place)
    verified(booker, "rsa")
    checked_in(place_manager, book(booker, desks))
    first = services.issue_month(date(2026, 12, 1), None, now=JANUARY)
    again = services.issue_month(date(2026, 12, 1), None, now=JANUARY + timedelta(hours=1))
    assert first.pk == again.pk
    assert ReimbursementStatement.objects.count() == 1


def test_a_booking_honoured_after_its_month_goes_on_the_next_as_a_correction(
    desks, booker, place_manager
):
    programme(desks.place)
    verified(booker, "rsa")
    late = book(booker, desks)
    services.issue_month(date(2026, 12, 1), None, now=JANUARY)
    assert not ReimbursementStatement.objects.exists()
    checked_in(place_manager, late)
    services.issue_month(date(2027, 1, 1), None, now=FEBRUARY)
    line = StatementLine.objects.get()
    assert (line.kind, line.cents, line.statement.month.month) == (
        "correction",
        600,
        date(2027, 1, 1),
    )


def test_an_issued_statement_cannot_be_changed_nor_deleted(desks, booker, place_manager):
    programme(desks.place)
    verified(booker, "rsa")
    checked_in(place_manager, book(booker, desks))
    services.issue_month(date(2026, 12, 1), None, now=JANUARY)
    statement = ReimbursementStatement.objects.get()
    for sql in (
        "UPDATE reimbursements_reimbursementstatement SET total_cents = 1",
        "DELETE FROM reimbursements_statementline",
        "UPDATE reimbursements_statementline SET cents = 1",
        "DELETE FROM reimbursements_statementmonth",
    ):
        with (
            pytest.raises((DatabaseError, IntegrityError)),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    statement.refresh_from_db()
    assert statement.total_cents == 600


def test_employers_quota_goes_on_the_employers_statement(desks, booker, place_manager):
    quota = employer_quota(desks.place, [booker])
    checked_in(place_manager, book(booker, desks))
    services.issue_month(date(2026, 12, 1), None, now=JANUARY)
    statement = ReimbursementStatement.objects.get()
    assert (statement.payer, statement.employer_id, statement.reference) == (
        "employer",
        quota.employer_id,
        "E2027-0001",
    )
    assert statement.lines.get().place_id == desks.place.pk


def test_months_are_issued_in_order_once_over(desks):
    programme(desks.place)
    # No share yet: the first month to issue is the one before the present.
    with pytest.raises(services.StatementError, match="le premier à émettre est décembre 2026"):
        services.issue_month(date(2020, 1, 1), None, now=JANUARY)
    with pytest.raises(services.StatementError, match="pas terminé"):
        services.issue_month(date(9999, 12, 1), None, now=JANUARY)
    services.issue_month(date(2026, 12, 1), None, now=JANUARY)
    with pytest.raises(services.StatementError, match="émettez d'abord janvier 2027"):
        services.issue_month(date(2027, 2, 1), None, now=paris(2027, 3, 1, 6))
    with pytest.raises(services.StatementError, match="pas terminé"):
        services.issue_month(date(2027, 1, 1), None, now=paris(2027, 1, 31, 23))
    assert StatementMonth.objects.count() == 1


def test_the_first_month_is_that_of_the_first_share(desks, booker, place_manager):
    programme(desks.place)
    verified(booker, "rsa")
    checked_in(place_manager, book(booker, desks))
    assert services.next_month_to_issue(FEBRUARY) == date(2026, 12, 1)
    assert services.issue_closed_months(FEBRUARY) == [date(2026, 12, 1), date(2027, 1, 1)]


def test_only_staff_issue_even_a_month_already_issued(desks, place_manager):
    programme(desks.place)
    services.issue_month(date(2026, 12, 1), None, now=JANUARY)
    with pytest.raises(PermissionDenied):
        services.issue_month(date(2026, 12, 1), place_manager, now=JANUARY)


def test_a_month_after_de_is_elided_before_a_vowel():
    assert [services.of_month(date(2026, m, 1)) for m in (4, 8, 10, 12)] == [
        "d'avril 2026",
        "d'août 2026",
        "d'octobre 2026",
        "de décembre 2026",
    ]
