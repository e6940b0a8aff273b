"""Staff's forms on a statement's page: its payment, and a line contested."""

from django import forms

from maillage.booking.forms import IsoDateField
from maillage.core.validators import MultiLine, SingleLine
from maillage.reimbursements.models import MAX_DISPUTE_REASON, MAX_PAYMENT_REFERENCE


class PaymentForm(forms.Form):
    """The day a statement was paid and the payment's reference (payments.record_payment
    checks the day against the statement and today)."""

    paid_on = IsoDateField(
        label="Payé le",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Indiquez le jour du paiement."},
    )
    reference = forms.CharField(
        label="Référence du paiement",
        max_length=MAX_PAYMENT_REFERENCE,
        help_text="Le numéro du mandat de paiement, par exemple.",
        validators=[SingleLine("La référence du paiement")],
        error_messages={
            "required": "Indiquez la référence du paiement.",
            "max_length": f"La référence compte au plus {MAX_PAYMENT_REFERENCE} caractères.",
        },
    )


class DisputeForm(forms.Form):
    """Why staff contest a line (disputes.dispute)."""

    reason = forms.CharField(
        label="Motif de la contestation",
        max_length=MAX_DISPUTE_REASON,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[MultiLine("Le motif")],
        help_text="Ce motif est conservé avec la contestation. Ne citez pas la situation "
        "personnelle de la personne.",
        error_messages={
            "required": "Indiquez le motif de la contestation.",
            "max_length": f"Le motif compte au plus {MAX_DISPUTE_REASON} caractères.",
        },
    )
