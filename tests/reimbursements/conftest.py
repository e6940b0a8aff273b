"""The statement most tests of statements start from."""

from datetime import UTC, date
from unittest import mock

import pytest

from maillage.booking import services as booking
from maillage.booking.models import Channel
from maillage.reimbursements import services
from maillage.reimbursements.models import ReimbursementStatement
from tests.moments import NOW, paris
from tests.programmes.builders import programme, verified

# When the statement's pages are read: well after its issue on 1 January.
LATER = paris(2027, 1, 20, 10)


@pytest.fixture
def statement(desks, booker, place_manager):
    """La-ruche's December 2026 statement, issued on 1 January 2027: one regular line of
    6 € (a 2-hour desk booking at the social rate, checked in); the present is LATER."""
    programme(desks.place)
    verified(booker, "rsa")
    done = booking.book(
        booker,
        desks.pk,
        paris(2026, 12, 2, 9),
        paris(2026, 12, 2, 11),
        now=NOW,
        channel=Channel.PAGE,
    )
    booking.check_in(place_manager, done, now=done.start, channel=Channel.PAGE)
    services.issue_month(date(2026, 12, 1), None, now=paris(2027, 1, 1, 6))
    with mock.patch("django.utils.timezone.now", return_value=LATER.astimezone(UTC)):
        yield ReimbursementStatement.objects.get()
