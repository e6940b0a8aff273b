"""Statements (relevés): what a programme owes a place, or an employer owes the places, for
one closed month, frozen once issued.

A month's statements are issued at once (StatementMonth, one row per month, the months in
order). Each statement is numbered without gaps in its series (a place's statements of a
year; an employer's of a year) and carries the SHA-256 digest of its canonical CSV
(reimbursements.canonical). Triggers (migration 0002) refuse any UPDATE or DELETE of a month,
a statement or a line, a number that is not the next of its series, and a line beyond the
count its statement declared: an issued statement cannot change, whatever writes the rows.

Lines hold ids and amounts, never names: erasing a person leaves every statement valid.
Amounts are integer cents (a correction line may be negative); days are Paris days.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length

from maillage.booking.models import Booking
from maillage.core.text import euros
from maillage.core.validators import MultiLine, SingleLine, between
from maillage.events.models import Registration
from maillage.places.models import Place
from maillage.programmes.models import MAX_BUDGET_CENTS, BookingShare, Employer, Programme

DIGEST_LENGTH = 64  # hexadecimal SHA-256
# A statement's amounts: within what programmes may hold (programmes.models.MAX_BUDGET_CENTS).
MAX_STATEMENT_CENTS = MAX_BUDGET_CENTS
MAX_LINES = 2**31 - 1


class StatementMonth(models.Model):
    """A closed month (`month`: its first day, Paris) whose statements were issued, when and
    by whom (`issued_by` NULL: the scheduled task)."""

    month = models.DateField("mois", unique=True)
    issued_at = models.DateTimeField("émis le")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="émis par",
    )

    class Meta:
        verbose_name = "mois émis"
        verbose_name_plural = "mois émis"
        ordering = ["-month"]
        constraints = [
            models.CheckConstraint(
                condition=Q(month__day=1), name="statement_month_is_a_first_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%m/%Y}"


class Payer(models.TextChoices):
    """Who a statement asks to pay: a programme (a place's reimbursement statement) or an
    employer (its members' days under its quota, place by place)."""

    PROGRAMME = "programme", "dispositif"
    EMPLOYER = "employer", "employeur"


class LineKind(models.TextChoices):
    """A line of the month's own bookings, or a correction of an earlier month's (a booking
    honoured, disputed or fixed after its month's statement)."""

    REGULAR = "regular", "réservation du mois"
    CORRECTION = "correction", "correction"


class ReimbursementStatement(models.Model):
    """One statement: a programme's to a place (`place`, `programme`), or an employer's
    (`employer`, its lines naming each place), for `month`. Numbered `number` (1, 2… without
    gaps) in its series: the place's (or the employer's) statements issued in `year`.
    `issued_on` (Paris day) plus the payer's payment delay gives `payment_due_on`.
    `line_count`, `total_cents` (signed) and `digest` (SHA-256 of the canonical CSV) are
    fixed at issue; `maillage statements verify` checks them against the lines."""

    month = models.ForeignKey(
        StatementMonth, on_delete=models.PROTECT, related_name="statements", verbose_name="mois"
    )
    payer = models.CharField("payeur", max_length=10, choices=Payer.choices)
    place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="lieu",
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="dispositif",
    )
    employer = models.ForeignKey(
        Employer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="employeur",
    )
    year = models.PositiveSmallIntegerField("année", validators=between(2000, 9999, "L'année"))
    number = models.PositiveIntegerField("numéro", validators=between(1, MAX_LINES, "Le numéro"))
    issued_on = models.DateField("émis le")
    payment_due_on = models.DateField("paiement prévu le")
    line_count = models.PositiveIntegerField(
        "lignes", validators=between(1, MAX_LINES, "Le nombre de lignes")
    )
    total_cents = models.BigIntegerField(
        "total (centimes)",
        validators=between(-MAX_STATEMENT_CENTS, MAX_STATEMENT_CENTS, "Le total"),
    )
    digest = models.CharField(
        "empreinte SHA-256", max_length=DIGEST_LENGTH, validators=[SingleLine("L'empreinte")]
    )

    class Meta:
        verbose_name = "relevé de remboursement"
        verbose_name_plural = "relevés de remboursement"
        ordering = ["-month__month", "payer", "place_id", "programme_id", "employer_id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        payer=Payer.PROGRAMME,
                        place__isnull=False,
                        programme__isnull=False,
                        employer__isnull=True,
                    )
                    | Q(
                        payer=Payer.EMPLOYER,
                        place__isnull=True,
                        programme__isnull=True,
                        employer__isnull=False,
                    )
                ),
                name="statement_payer_and_parties",
            ),
            models.UniqueConstraint(
                fields=["place", "year", "number"],
                condition=Q(payer=Payer.PROGRAMME),
                name="statement_place_number_unique",
            ),
            models.UniqueConstraint(
                fields=["employer", "year", "number"],
                condition=Q(payer=Payer.EMPLOYER),
                name="statement_employer_number_unique",
            ),
            models.UniqueConstraint(
                fields=["month", "place", "programme"],
                condition=Q(payer=Payer.PROGRAMME),
                name="statement_place_month_unique",
            ),
            models.UniqueConstraint(
                fields=["month", "employer"],
                condition=Q(payer=Payer.EMPLOYER),
                name="statement_employer_month_unique",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="statement_number_positive"),
            models.CheckConstraint(condition=Q(line_count__gte=1), name="statement_has_lines"),
            models.CheckConstraint(
                condition=Q(payment_due_on__gte=F("issued_on")),
                name="statement_due_after_issue",
            ),
            models.CheckConstraint(
                condition=models.lookups.Exact(Length("digest"), DIGEST_LENGTH),
                name="statement_digest_length",
            ),
        ]

    def __str__(self) -> str:
        return f"Relevé n° {self.reference}"

    @property
    def reference(self) -> str:
        """The number as printed: «2026-0007» (a place's), «E2026-0003» (an employer's)."""
        prefix = "E" if self.payer == Payer.EMPLOYER else ""
        return f"{prefix}{self.year}-{self.number:04d}"

    @property
    def total_euros(self) -> str:
        return euros(self.total_cents)

    @property
    def paid(self) -> StatementPayment | None:
        """Its payment, once staff recorded it."""
        try:
            return self.payment
        except StatementPayment.DoesNotExist:
            return None

    @property
    def nothing_to_pay(self) -> str | None:
        """Why a statement whose total is not positive (its corrections outweigh the rest)
        asks no payment, in French; None when it asks one."""
        if self.total_cents > 0:
            return None
        if self.total_cents == 0:
            return "aucun paiement : les lignes s'équilibrent"
        payer = "de l'employeur" if self.payer == Payer.EMPLOYER else "du dispositif"
        return f"aucun paiement : solde de {euros(-self.total_cents)} en faveur {payer}"

    @property
    def payment_state(self) -> str:
        """«payé le 15/01/2027», «prévu le 31/01/2027» until its payment is recorded, or
        nothing_to_pay."""
        paid = self.paid
        if paid is not None:
            return f"payé le {paid.paid_on:%d/%m/%Y}"
        return self.nothing_to_pay or f"prévu le {self.payment_due_on:%d/%m/%Y}"


class StatementLine(models.Model):
    """A line of a statement: the share it states (`share`, and its booking or event
    registration), its place and programme, the Paris day of the booking's or event's
    start (`served_on`), and what it adds to the statement (`cents`: the share's amount on a
    regular line; on a correction, what changed since it was last stated, possibly
    negative). `position`: 1… `line_count` of its statement."""

    statement = models.ForeignKey(
        ReimbursementStatement,
        on_delete=models.PROTECT,
        related_name="lines",
        verbose_name="relevé",
    )
    position = models.PositiveIntegerField("ligne", validators=between(1, MAX_LINES, "La position"))
    kind = models.CharField("nature", max_length=10, choices=LineKind.choices)
    share = models.ForeignKey(
        BookingShare, on_delete=models.PROTECT, related_name="+", verbose_name="part"
    )
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="+", verbose_name="lieu"
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="+", verbose_name="dispositif"
    )
    booking = models.ForeignKey(
        Booking,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="réservation",
    )
    registration = models.ForeignKey(
        Registration,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="inscription à un atelier",
    )
    served_on = models.DateField("jour")
    cents = models.BigIntegerField(
        "montant (centimes)",
        validators=between(-MAX_STATEMENT_CENTS, MAX_STATEMENT_CENTS, "Le montant"),
    )

    class Meta:
        verbose_name = "ligne de relevé"
        verbose_name_plural = "lignes de relevé"
        ordering = ["statement", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "position"], name="statement_line_position_unique"
            ),
            models.UniqueConstraint(
                fields=["statement", "share"], name="statement_line_share_once"
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1), name="statement_line_position_positive"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=LineKind.values), name="statement_line_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(booking__isnull=False, registration__isnull=True)
                | Q(booking__isnull=True, registration__isnull=False),
                name="statement_line_booking_or_registration",
            ),
            models.CheckConstraint(condition=~Q(cents=0), name="statement_line_amount_not_zero"),
            models.CheckConstraint(
                condition=~Q(kind=LineKind.REGULAR) | Q(cents__gt=0),
                name="statement_line_regular_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"Ligne {self.position}"


MAX_DISPUTE_REASON = 1000


class Dispute(models.Model):
    """Staff contested a stated line (`line`): the booking or registration was not honoured
    as stated (a mistaken check-in, a service not given). Its share (`share`, once: a
    unique constraint) was given back when the dispute was recorded, so what was stated
    comes off the next month's statement as a correction line. Final; who (`actor`), when
    (`at`, UTC) and why (`reason`)."""

    line = models.ForeignKey(
        StatementLine, on_delete=models.PROTECT, related_name="+", verbose_name="ligne"
    )
    share = models.OneToOneField(
        BookingShare, on_delete=models.PROTECT, related_name="+", verbose_name="part"
    )
    reason = models.TextField(
        "motif", max_length=MAX_DISPUTE_REASON, validators=[MultiLine("Le motif")]
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="contestée par",
    )
    at = models.DateTimeField("contestée le")

    class Meta:
        verbose_name = "contestation"
        verbose_name_plural = "contestations"
        ordering = ["-at"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="dispute_has_a_reason"),
        ]

    def __str__(self) -> str:
        return f"Contestation n° {self.pk}"


MAX_PAYMENT_REFERENCE = 60


class StatementPayment(models.Model):
    """A statement paid: the Paris day the payment was made (`paid_on`) and its reference
    (the payment order's number, «mandat n° …»), recorded by staff (`recorded_by`, when:
    `recorded_at`, UTC). Once per statement."""

    statement = models.OneToOneField(
        ReimbursementStatement,
        on_delete=models.PROTECT,
        related_name="payment",
        verbose_name="relevé",
    )
    paid_on = models.DateField("payé le")
    reference = models.CharField(
        "référence du paiement",
        max_length=MAX_PAYMENT_REFERENCE,
        help_text="Le numéro du mandat de paiement, par exemple.",
        validators=[SingleLine("La référence du paiement")],
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="enregistré par",
    )
    recorded_at = models.DateTimeField("enregistré le")

    class Meta:
        verbose_name = "paiement de relevé"
        verbose_name_plural = "paiements de relevés"
        constraints = [
            models.CheckConstraint(
                condition=~Q(reference=""), name="statement_payment_has_a_reference"
            ),
        ]

    def __str__(self) -> str:
        return f"Paiement du {self.paid_on:%d/%m/%Y}"
