"""Two staff contesting one line, or recording one payment, at once through the pages: one
succeeds, the other reads a French refusal, never a 500."""

import pytest
from django.test import Client

from maillage.reimbursements.models import Dispute, StatementPayment
from tests.programmes.builders import staff
from tests.racing import run_together

pytestmark = pytest.mark.django_db(transaction=True)


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
