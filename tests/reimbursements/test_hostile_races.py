"""Two staff contesting one line, or recording one payment, at once through the pages: one
succeeds, the other reads a French refusal, never a 500."""

from datetime import UTC, date
from unittest import mock

import pytest
from django.test import Client

from maillage.booking import services as booking
from maillage.booking.models import Channel
from maillage.reimbursements import services
from maillage.reimbursements.models import Dispute, ReimbursementStatement, StatementPayment
from tests.moments import NOW, paris
from tests.programmes.builders import programme, staff, verified
from tests.racing import run_together

pytestmark = pytest.mark.django_db(transaction=True)
LATER = paris(2027, 1, 20, 10)


@pytest.fixture
def statement(desks, booker, place_manager):
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


def posters(url, data, n=2):
    clients = []
    for _ in range(n):
        c = Client(raise_request_exception=False)
        c.force_login(staff())
        clients.append(c)
    return [lambda c=c: c.post(url, data) for c in clients]


def test_two_staff_contest_one_line(statement):
    url = f"/departement/remboursements/{statement.pk}/lignes/1/contester/"
    outcomes = run_together(posters(url, {"reason": "Absent ce jour-là"}))
    codes = sorted(getattr(o, "status_code", repr(o)) for o in outcomes)
    assert codes == [302, 400], codes
    assert Dispute.objects.count() == 1


def test_two_staff_record_one_payment(statement):
    url = f"/departement/remboursements/{statement.pk}/paiement/"
    outcomes = run_together(posters(url, {"paid_on": "2027-01-15", "reference": "M-1"}))
    codes = sorted(getattr(o, "status_code", repr(o)) for o in outcomes)
    assert codes == [302, 400], codes
    refused = next(o for o in outcomes if o.status_code == 400)
    assert "Le paiement de ce relevé est déjà enregistré." in refused.content.decode()
    assert StatementPayment.objects.count() == 1
