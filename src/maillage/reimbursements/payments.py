"""Staff record that a statement was paid: the place then reads «payé le …» instead of the
expected date."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from maillage.accounts.models import User
from maillage.accounts.roles import has_departement_rights
from maillage.core.dates import long_date
from maillage.programmes.periods import PARIS
from maillage.reimbursements.models import (
    ReimbursementStatement,
    StatementPayment,
)


def record_payment(
    statement: ReimbursementStatement,
    actor: User,
    paid_on: date,
    reference: str,
    now: datetime | None = None,
) -> StatementPayment:
    """Record that `statement` was paid on the Paris day `paid_on` (from its issue day to
    today) under `reference` (the payment order's number), by `actor` (Département staff).
    Once per statement, and only for a statement asking a payment (a positive total).
    Raises PermissionDenied (not staff) and ValidationError naming the
    field (`paid_on`, `reference`) or saying it is already recorded; nothing is written
    then."""
    if not has_departement_rights(actor):
        raise PermissionDenied("Seule l'équipe du Département enregistre un paiement.")
    if statement.nothing_to_pay is not None:
        raise ValidationError(f"Ce relevé ne demande {statement.nothing_to_pay}.")
    now = now or timezone.now()
    today = now.astimezone(PARIS).date()
    if paid_on < statement.issued_on:
        raise ValidationError(
            {
                "paid_on": f"Le relevé a été émis le {long_date(statement.issued_on)} : il n'a "
                "pas pu être payé avant."
            }
        )
    if paid_on > today:
        raise ValidationError({"paid_on": "Un paiement s'enregistre une fois fait, pas avant."})
    payment = StatementPayment(
        statement=statement,
        paid_on=paid_on,
        reference=(reference or "").strip(),
        recorded_by=actor,
        recorded_at=now,
    )
    payment.full_clean(exclude=["statement"])
    try:
        with transaction.atomic():
            payment.save()
    except IntegrityError:
        raise ValidationError("Le paiement de ce relevé est déjà enregistré.") from None
    return payment
