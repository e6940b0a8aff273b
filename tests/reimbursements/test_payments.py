"""Staff record a statement's payment once, on a day between its issue and today."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.reimbursements import disputes, payments, services
from maillage.reimbursements.models import ReimbursementStatement, StatementPayment
from tests.moments import paris
from tests.programmes.builders import staff

pytestmark = pytest.mark.django_db

JANUARY = paris(2027, 1, 1, 6)
LATER = paris(2027, 1, 20, 10)


def test_a_payment_is_recorded_once(statement):
    made = payments.record_payment(
        statement, staff(), date(2027, 1, 15), " Mandat 2027-118 ", LATER
    )
    assert (made.paid_on, made.reference) == (date(2027, 1, 15), "Mandat 2027-118")
    with pytest.raises(ValidationError, match="déjà enregistré"):
        payments.record_payment(statement, staff(), date(2027, 1, 16), "Autre", LATER)
    assert StatementPayment.objects.count() == 1


@pytest.mark.parametrize(
    ("paid_on", "reference", "field"),
    [
        (date(2026, 12, 31), "M-1", "paid_on"),  # before its issue
        (date(2027, 1, 21), "M-1", "paid_on"),  # after today
        (date(2027, 1, 15), "  ", "reference"),
        (date(2027, 1, 15), "x" * 61, "reference"),
        (date(2027, 1, 15), "M-1\nM-2", "reference"),
    ],
)
def test_a_wrong_payment_names_its_field_and_writes_nothing(statement, paid_on, reference, field):
    with pytest.raises(ValidationError) as refused:
        payments.record_payment(statement, staff(), paid_on, reference, LATER)
    assert field in refused.value.message_dict
    assert not StatementPayment.objects.exists()


def test_only_staff_record_a_payment(statement, place_manager):
    with pytest.raises(PermissionDenied):
        payments.record_payment(statement, place_manager, date(2027, 1, 15), "M-1", LATER)


def test_a_statement_asking_no_payment_takes_none(statement, place_manager):
    """Its share given back after December: January's statement is −6 €."""
    line = statement.lines.get()

    disputes.dispute(line, staff(), "Pas venue.", now=JANUARY)
    services.issue_month(date(2027, 1, 1), None, now=paris(2027, 2, 1, 6))
    january = ReimbursementStatement.objects.get(month__month=date(2027, 1, 1))
    assert january.payment_state == "aucun paiement : solde de 6 € en faveur du dispositif"
    with pytest.raises(ValidationError, match="ne demande aucun paiement"):
        payments.record_payment(january, staff(), date(2027, 2, 2), "M-1", paris(2027, 2, 3))
