"""The daily task: on the 1st it issues the month just over; the next day, nothing."""

from datetime import UTC, date, timedelta
from unittest import mock

import pytest

from maillage.booking import services as booking
from maillage.booking.models import Channel
from maillage.reimbursements import tasks
from maillage.reimbursements.models import ReimbursementStatement, StatementMonth
from tests.moments import NOW, paris
from tests.programmes.builders import programme, verified

pytestmark = pytest.mark.django_db

SLOT = (paris(2026, 12, 2, 9), paris(2026, 12, 2, 11))
# The task's slot: 02:30 UTC, 03:30 in Paris in winter.
FIRST_OF_JANUARY = paris(2027, 1, 1, 3, 30)


def run_at(instant):
    with mock.patch("django.utils.timezone.now", return_value=instant.astimezone(UTC)):
        return tasks.issue_closed_months.call()


def test_the_task_issues_the_month_over_on_the_first_and_nothing_the_next_day(
    desks, booker, place_manager
):
    programme(desks.place)
    verified(booker, "rsa")
    made = booking.book(booker, desks.pk, *SLOT, now=NOW, channel=Channel.PAGE)
    booking.check_in(place_manager, made, now=SLOT[0], channel=Channel.PAGE)
    assert run_at(FIRST_OF_JANUARY - timedelta(days=1)) == []
    assert run_at(FIRST_OF_JANUARY) == ["2026-12-01"]
    assert run_at(FIRST_OF_JANUARY + timedelta(days=1)) == []
    month = StatementMonth.objects.get()
    assert (month.month, month.issued_by, month.issued_at) == (
        date(2026, 12, 1),
        None,
        FIRST_OF_JANUARY,
    )
    assert ReimbursementStatement.objects.get().issued_on == date(2027, 1, 1)
