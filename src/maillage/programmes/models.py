"""Programmes (dispositifs): who pays part of a booking (or of a priced event registration)
besides the person, and the running balances they pay from.

Every running balance is one row whose bounds are CHECK constraints (never below zero, never
over its cap), moved only by one `UPDATE … SET x = x ± n` statement (programmes.balances):
the database itself refuses an overspend, even between concurrent transactions. Every
movement is a row of the append-only ledger (LedgerEntry, triggers refuse UPDATE and DELETE),
from which `maillage ledger check` recomputes each balance. Amounts are integer euro cents;
days are Paris calendar days.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from maillage.booking.models import MAX_BOOKING_PRICE_CENTS, SMALL_COUNTER_MAX, Booking, Channel
from maillage.core.money import CentsField
from maillage.core.text import euros
from maillage.core.validators import MultiLine, SingleLine, between, euros_between
from maillage.events.models import Registration
from maillage.places.models import Place, SpaceKind

# An envelope, a credit or a cap: at most ten million euros.
MAX_BUDGET_CENTS = 10_000_000_00
BASIS_POINTS = 10_000
MAX_PRIORITY = 1000
# A year of minutes, for an hours-per-year cap.
MAX_MINUTES = 366 * 24 * 60
# Days between a statement and its payment: 30 by default, the legal delay for French local
# authorities (Code de la commande publique, art. R. 2192-10); a year at most.
DEFAULT_PAYMENT_DELAY_DAYS = 30
MAX_PAYMENT_DELAY_DAYS = 365


def payment_delay_field() -> models.PositiveSmallIntegerField[int, int]:
    """A payer's payment delay, in days (a programme's, an employer's)."""
    return models.PositiveSmallIntegerField(
        "délai de paiement (jours)",
        default=DEFAULT_PAYMENT_DELAY_DAYS,
        help_text="Jours entre l'émission d'un relevé et son paiement prévu (30 jours : le "
        "délai légal des collectivités territoriales).",
        validators=between(0, MAX_PAYMENT_DELAY_DAYS, "Le délai de paiement"),
    )


def validate_space_kinds(value: object) -> None:
    """A list of known space kinds (places.models.SpaceKind), each once."""
    if not isinstance(value, list) or not all(kind in SpaceKind.values for kind in value):
        raise ValidationError(
            "Les types d'espaces sont une liste de types connus : "
            + ", ".join(SpaceKind.values)
            + ".",
            code="space_kinds",
        )
    if len(set(value)) != len(value):
        raise ValidationError("Chaque type d'espace n'est donné qu'une fois.", code="space_kinds")


class BenefitKind(models.TextChoices):
    """What a programme pays (the issue's «rate», «credit (pass)» and «quota»)."""

    PERCENT = "percent", "Tarif : la personne paie un pourcentage du prix"
    FIXED = "fixed", "Tarif : la personne paie un montant fixe par heure, demi-journée ou jour"
    FREE = "free", "Gratuit pour la personne"
    CREDIT = "credit", "Crédit par bénéficiaire et par période (pass)"
    QUOTA = "quota", "Quota de jours payés par un employeur"


class Period(models.TextChoices):
    """The period of a credit or a cap (Paris days): the school year runs from 1 September
    to 31 August (the Pass+ Hauts-de-Seine's year)."""

    SCHOOL_YEAR = "school_year", "année scolaire (1er septembre – 31 août)"
    CALENDAR_YEAR = "calendar_year", "année civile"
    MONTH = "month", "mois"
    WEEK = "week", "semaine (lundi – dimanche)"


class LateRule(models.TextChoices):
    """A late cancellation or a no-show: does the programme still pay the place?"""

    PLACE_PAID = "place_paid", "le lieu est payé : la part reste consommée"
    GIVEN_BACK = "given_back", "le lieu n'est pas payé : la part est rendue"


class Employer(models.Model):
    """An organisation paying for its members' days in tiers-lieux (the Département for its
    agents, a company under an agreement). Members are invited by email, or are everyone
    whose verified address ends with `@email_domain`."""

    name = models.CharField("nom", max_length=200, validators=[SingleLine("Le nom")])
    email_domain = models.CharField(
        "domaine des adresses des membres",
        max_length=200,
        blank=True,
        help_text="Par exemple « hauts-de-seine.fr » : toute adresse vérifiée de ce domaine "
        "est membre. Vide : seulement les personnes invitées.",
        validators=[SingleLine("Le domaine")],
    )
    payment_delay_days = payment_delay_field()
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "employeur"
        verbose_name_plural = "employeurs"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(email_domain__contains="@") & ~Q(email_domain__contains=" "),
                name="employer_domain_is_a_domain",
            ),
            models.CheckConstraint(
                condition=Q(payment_delay_days__lte=MAX_PAYMENT_DELAY_DAYS),
                name="employer_payment_delay_range",
                violation_error_message="Le délai de paiement est d'un an au plus.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person invited by an employer by `email` (lower case): whoever holds a verified
    account under that address is a member (no link to the account is stored).
    `places`: the places their quota may be spent at (none: all the
    programme's places)."""

    employer = models.ForeignKey(
        Employer, on_delete=models.CASCADE, related_name="memberships", verbose_name="employeur"
    )
    email = models.EmailField("adresse électronique")
    places = models.ManyToManyField(
        Place, blank=True, related_name="+", verbose_name="lieux autorisés"
    )
    created_at = models.DateTimeField("invité le", auto_now_add=True)

    class Meta:
        verbose_name = "membre"
        verbose_name_plural = "membres"
        constraints = [
            models.UniqueConstraint(fields=["employer", "email"], name="membership_unique"),
            models.CheckConstraint(
                condition=Q(email=Lower("email")),
                name="membership_email_lower_case",
                violation_error_message="L'adresse est enregistrée en minuscules.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.employer})"

    def clean(self) -> None:
        """Addresses are kept in lower case (accounts' rule), and looked up exactly."""
        self.email = self.email.strip().lower()


# Employers pay their members' telework days, not workshops.
EVENTS_NOT_QUOTA = (
    "Un quota de jours payé par un employeur (télétravail) ne s'applique pas aux ateliers et "
    "événements."
)

# The telework days a week the civil service allows its agents at most (décret n° 2016-151
# du 11 février 2016, art. 3).
CIVIL_SERVICE_TELEWORK_DAYS_PER_WEEK = 3


class Programme(models.Model):
    """A scheme (dispositif) set up by staff: who is eligible (categories, or the members of
    an employer), where (the places that joined, the space kinds), when (valid_from …
    valid_until, Paris days, both included), and what it pays (`kind` and its parameters).
    `version` is raised each time the rule changes (services.save_programme), and frozen with
    each share it pays (BookingShare), as is `rule`. `covers_events`: it also pays part of
    priced event registrations at its places (never an employer's quota: a CHECK).
    `terms`: staff's payment and reimbursement terms, which the places' managers read before
    joining."""

    name = models.CharField(
        "nom interne", max_length=200, unique=True, validators=[SingleLine("Le nom")]
    )
    public_label = models.CharField(
        "libellé public",
        max_length=80,
        help_text="Ce que voient la personne et le lieu (« Tarif solidaire ») : jamais la "
        "catégorie qui ouvre le droit.",
        validators=[SingleLine("Le libellé public")],
    )
    funder = models.CharField("financeur", max_length=200, validators=[SingleLine("Le financeur")])
    kind = models.CharField("avantage", max_length=10, choices=BenefitKind.choices)
    person_basis_points = models.PositiveSmallIntegerField(
        "part payée par la personne (points de base : 2000 = 20 %)",
        null=True,
        blank=True,
        validators=between(0, BASIS_POINTS, "La part payée par la personne"),
    )
    fixed_hour_cents = CentsField(
        "montant fixe par heure (€)",
        null=True,
        blank=True,
        validators=euros_between(0, MAX_BOOKING_PRICE_CENTS, "Le montant par heure"),
    )
    fixed_half_day_cents = CentsField(
        "montant fixe par demi-journée (€)",
        null=True,
        blank=True,
        validators=euros_between(0, MAX_BOOKING_PRICE_CENTS, "Le montant par demi-journée"),
    )
    fixed_day_cents = CentsField(
        "montant fixe par jour (€)",
        null=True,
        blank=True,
        validators=euros_between(0, MAX_BOOKING_PRICE_CENTS, "Le montant par jour"),
    )
    credit_cents = CentsField(
        "crédit par période (€)",
        null=True,
        blank=True,
        validators=euros_between(0, MAX_BUDGET_CENTS, "Le crédit"),
    )
    credit_bursary_cents = CentsField(
        "crédit par période des boursiers (€)",
        null=True,
        blank=True,
        validators=euros_between(0, MAX_BUDGET_CENTS, "Le crédit des boursiers"),
    )
    credit_period = models.CharField(
        "période du crédit", max_length=14, choices=Period.choices, blank=True
    )
    categories = models.ManyToManyField(
        "eligibility.Category",
        blank=True,
        related_name="+",
        verbose_name="catégories éligibles",
        help_text="Qui y a droit (sauf un quota d'employeur : ses membres).",
    )
    employer = models.ForeignKey(
        Employer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
        verbose_name="employeur",
    )
    quota_days = models.PositiveSmallIntegerField(
        "jours du quota",
        null=True,
        blank=True,
        validators=between(1, 31, "Le nombre de jours du quota"),
        help_text=(
            "Pour des agents publics : 3 jours par semaine au plus (décret n° 2016-151). "
            "Une entreprise fixe le sien."
        ),
    )
    quota_period = models.CharField(
        "période du quota",
        max_length=14,
        blank=True,
        choices=[(Period.WEEK.value, Period.WEEK.label), (Period.MONTH.value, Period.MONTH.label)],
    )
    space_kinds = models.JSONField(
        "types d'espaces",
        default=list,
        blank=True,
        help_text="Vide : tous les types.",
        validators=[validate_space_kinds],
    )
    covers_events = models.BooleanField(
        "s'applique aussi aux ateliers et événements",
        default=False,
        help_text="Le tarif ou le crédit s'applique aussi aux inscriptions payantes aux "
        "ateliers et événements des lieux participants (jamais un quota d'employeur).",
    )
    valid_from = models.DateField("valable du")
    valid_until = models.DateField("valable jusqu'au")
    priority = models.PositiveSmallIntegerField(
        "priorité", default=0, validators=between(0, MAX_PRIORITY, "La priorité")
    )
    cumulative = models.BooleanField(
        "cumulable",
        default=False,
        help_text="S'applique aussi à la part laissée à la personne par un autre dispositif.",
    )
    late_rule = models.CharField(
        "annulation tardive ou absence",
        max_length=12,
        choices=LateRule.choices,
        default=LateRule.PLACE_PAID,
    )
    cap_days_per_month = models.PositiveSmallIntegerField(
        "plafond de jours par mois",
        null=True,
        blank=True,
        help_text="0 suspend le dispositif.",
        validators=between(0, 31, "Le plafond de jours par mois"),
    )
    cap_minutes_per_year = models.PositiveIntegerField(
        "plafond de minutes par an",
        null=True,
        blank=True,
        help_text="0 suspend le dispositif.",
        validators=between(0, MAX_MINUTES, "Le plafond de minutes par an"),
    )
    cap_cents = CentsField(
        "plafond de montant par période (€)",
        null=True,
        blank=True,
        help_text="0 suspend le dispositif.",
        validators=euros_between(0, MAX_BUDGET_CENTS, "Le plafond de montant"),
    )
    cap_period = models.CharField(
        "période du plafond de montant", max_length=14, choices=Period.choices, blank=True
    )
    terms = models.TextField(
        "conditions de paiement et de remboursement du lieu",
        max_length=4000,
        blank=True,
        help_text="Montrées aux gestionnaires avant qu'ils n'engagent leur lieu : quand et "
        "comment le lieu est remboursé de la part payée par le dispositif, les pièces à "
        "fournir. Ne citez jamais la catégorie qui ouvre le droit.",
        validators=[MultiLine("Les conditions")],
    )
    payment_delay_days = payment_delay_field()
    version = models.PositiveIntegerField(
        "version de la règle",
        default=1,
        editable=False,
        validators=between(1, 2**31 - 1, "La version"),
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "dispositif"
        verbose_name_plural = "dispositifs"
        ordering = ["-priority", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=BenefitKind.values),
                name="programme_kind_known",
                violation_error_message="L'avantage doit être un des avantages connus.",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")),
                name="programme_validity_order",
                violation_error_message="La fin de validité précède son début.",
            ),
            models.CheckConstraint(
                condition=Q(priority__lte=MAX_PRIORITY),
                name="programme_priority_range",
                violation_error_message="La priorité doit être entre 0 et 1\u202f000.",
            ),
            models.CheckConstraint(
                condition=Q(payment_delay_days__lte=MAX_PAYMENT_DELAY_DAYS),
                name="programme_payment_delay_range",
                violation_error_message="Le délai de paiement est d'un an au plus.",
            ),
            models.CheckConstraint(
                condition=~Q(kind=BenefitKind.PERCENT)
                | Q(person_basis_points__isnull=False, person_basis_points__lte=BASIS_POINTS),
                name="programme_percent_in_range",
                violation_error_message=(
                    "Un tarif en pourcentage indique la part payée par la "
                    "personne, entre 0 et 10\u202f000 points de base."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(kind=BenefitKind.FIXED)
                | Q(fixed_hour_cents__isnull=False)
                | Q(fixed_half_day_cents__isnull=False)
                | Q(fixed_day_cents__isnull=False),
                name="programme_fixed_has_an_amount",
                violation_error_message=(
                    "Un tarif fixe indique au moins un montant (heure, demi-journée ou jour)."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(kind=BenefitKind.CREDIT)
                | (
                    Q(credit_cents__isnull=False, credit_cents__lte=MAX_BUDGET_CENTS)
                    & ~Q(credit_period="")
                    & (
                        Q(credit_bursary_cents__isnull=True)
                        | Q(credit_bursary_cents__lte=MAX_BUDGET_CENTS)
                    )
                ),
                name="programme_credit_has_amount_and_period",
                violation_error_message="Un crédit indique son montant et sa période.",
            ),
            # A quota is an employer's; other benefits go to categories of people.
            models.CheckConstraint(
                condition=(
                    Q(
                        kind=BenefitKind.QUOTA,
                        employer__isnull=False,
                        quota_days__gte=1,
                        quota_period__in=[Period.WEEK, Period.MONTH],
                    )
                    & (
                        Q(quota_period=Period.WEEK, quota_days__lte=7)
                        | Q(quota_period=Period.MONTH, quota_days__lte=31)
                    )
                )
                | (~Q(kind=BenefitKind.QUOTA) & Q(employer__isnull=True)),
                name="programme_quota_is_an_employers",
                violation_error_message=(
                    "Un quota est celui d'un employeur, avec un nombre de jours (1 à 7 par "
                    "semaine, 1 à 31 par mois) ; seul un quota a un employeur."
                ),
            ),
            models.CheckConstraint(
                condition=Q(cap_days_per_month__isnull=True) | Q(cap_days_per_month__lte=31),
                name="programme_cap_days_range",
                violation_error_message="Le plafond de jours par mois doit être entre 0 et 31.",
            ),
            models.CheckConstraint(
                condition=Q(cap_minutes_per_year__isnull=True)
                | Q(cap_minutes_per_year__lte=MAX_MINUTES),
                name="programme_cap_minutes_range",
                violation_error_message="Le plafond de minutes par an dépasse une année.",
            ),
            models.CheckConstraint(
                condition=Q(cap_cents__isnull=True)
                | (Q(cap_cents__lte=MAX_BUDGET_CENTS) & ~Q(cap_period="")),
                name="programme_cap_cents_has_period",
                violation_error_message="Un plafond de montant indique sa période.",
            ),
            models.CheckConstraint(
                condition=~Q(kind=BenefitKind.QUOTA) | Q(covers_events=False),
                name="programme_events_not_quota",
                violation_error_message=EVENTS_NOT_QUOTA,
            ),
            models.CheckConstraint(
                condition=Q(late_rule__in=LateRule.values),
                name="programme_late_rule_known",
                violation_error_message=(
                    "La règle d'annulation tardive doit être une des règles connues."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def exceeds_civil_service_telework(self) -> bool:
        """Whether the programme is a weekly quota above what the civil service allows its
        agents (CIVIL_SERVICE_TELEWORK_DAYS_PER_WEEK): lawful for a company, so staff are
        warned, not refused."""
        return (
            self.kind == BenefitKind.QUOTA
            and self.quota_period == Period.WEEK
            and (self.quota_days or 0) > CIVIL_SERVICE_TELEWORK_DAYS_PER_WEEK
        )

    def covers(self, space_kind: str) -> bool:
        """Whether the programme applies to spaces of `space_kind` (no kind set: all)."""
        return not self.space_kinds or space_kind in self.space_kinds

    def clean(self) -> None:
        """Each benefit's parameters, named by field (the constraints say the same)."""
        errors: dict[str, str] = {}
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = "La fin de validité précède son début."
        match self.kind:
            case BenefitKind.PERCENT if self.person_basis_points is None:
                errors["person_basis_points"] = (
                    "Indiquez la part payée par la personne (en points de base, 0 à 10 000)."
                )
            case BenefitKind.FIXED if (
                self.fixed_hour_cents is None
                and self.fixed_half_day_cents is None
                and self.fixed_day_cents is None
            ):
                errors["fixed_hour_cents"] = (
                    "Indiquez au moins un montant fixe (heure, demi-journée ou jour)."
                )
            case BenefitKind.CREDIT:
                if self.credit_cents is None:
                    errors["credit_cents"] = "Indiquez le crédit par période."
                if not self.credit_period:
                    errors["credit_period"] = "Indiquez la période du crédit."
            case BenefitKind.QUOTA:
                if self.employer_id is None:
                    errors["employer"] = "Un quota est payé par un employeur : choisissez-le."
                if not self.quota_period:
                    errors["quota_period"] = "Indiquez la période du quota."
                if self.quota_days is None:
                    errors["quota_days"] = "Indiquez le nombre de jours du quota."
                elif self.quota_period == Period.WEEK and self.quota_days > 7:
                    errors["quota_days"] = "Une semaine compte au plus 7 jours."
        if self.kind != BenefitKind.QUOTA and self.employer_id is not None:
            errors["employer"] = "Seul un quota est payé par un employeur."
        if self.kind == BenefitKind.QUOTA and self.covers_events:
            errors["covers_events"] = EVENTS_NOT_QUOTA
        if self.cap_cents is not None and not self.cap_period:
            errors["cap_period"] = "Indiquez la période du plafond de montant."
        if errors:
            raise ValidationError(errors)


class ProgrammePlace(models.Model):
    """A place that joined a programme (its manager accepted the terms: who, when). A place
    that leaves keeps its row with `left_at`: bookings made from then on get nothing."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="places", verbose_name="dispositif"
    )
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="+", verbose_name="lieu"
    )
    joined_at = models.DateTimeField("adhésion le")
    joined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="conditions acceptées par",
    )
    left_at = models.DateTimeField("départ le", null=True, blank=True)

    class Meta:
        verbose_name = "lieu participant"
        verbose_name_plural = "lieux participants"
        constraints = [
            models.UniqueConstraint(fields=["programme", "place"], name="programme_place_unique"),
            models.CheckConstraint(
                condition=Q(left_at__isnull=True) | Q(left_at__gte=F("joined_at")),
                name="programme_place_leaves_after_joining",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.place} — {self.programme}"


class Envelope(models.Model):
    """A programme's budget: `left_cents` never below zero (a CHECK), `budget_cents` what
    staff granted in all. Staff are told by email (`warn_email`) when what is left falls
    below `warn_below_cents`, once per crossing (`warned_at`)."""

    programme = models.OneToOneField(
        Programme, on_delete=models.PROTECT, related_name="envelope", verbose_name="dispositif"
    )
    budget_cents = CentsField(
        "budget accordé (€)",
        default=0,
        editable=False,
        validators=euros_between(0, MAX_BUDGET_CENTS, "Le budget"),
    )
    left_cents = CentsField(
        "reste (€)",
        default=0,
        editable=False,
        validators=euros_between(0, MAX_BUDGET_CENTS, "Le reste"),
    )
    warn_below_cents = CentsField(
        "alerter sous (€)",
        default=0,
        validators=euros_between(0, MAX_BUDGET_CENTS, "Le seuil d'alerte"),
    )
    warn_email = models.EmailField("alerter à l'adresse", blank=True)
    warned_at = models.DateTimeField("alerte envoyée le", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "enveloppe"
        verbose_name_plural = "enveloppes"
        constraints = [
            models.CheckConstraint(
                condition=Q(left_cents__gte=0) & Q(left_cents__lte=F("budget_cents")),
                name="envelope_left_within_budget",
            ),
            models.CheckConstraint(
                condition=Q(budget_cents__lte=MAX_BUDGET_CENTS), name="envelope_budget_range"
            ),
        ]

    def __str__(self) -> str:
        return f"Enveloppe de {self.programme}"


class Wallet(models.Model):
    """A beneficiary's credit for one period of a credit programme: `left_cents` between 0
    and `granted_cents` (a CHECK). The beneficiary is `user`, or one of their children's
    profiles (`child_key`, the profile's id; 0: the user themself)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="+", verbose_name="dispositif"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="compte"
    )
    child_key = models.PositiveIntegerField(
        "profil d'enfant", default=0, validators=between(0, 2**31 - 1, "Le profil d'enfant")
    )
    period_start = models.DateField("début de période")
    granted_cents = CentsField(
        "crédit accordé (€)", validators=euros_between(0, MAX_BUDGET_CENTS, "Le crédit")
    )
    left_cents = CentsField(
        "crédit restant (€)", validators=euros_between(0, MAX_BUDGET_CENTS, "Le crédit")
    )

    class Meta:
        verbose_name = "crédit"
        verbose_name_plural = "crédits"
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "user", "child_key", "period_start"], name="wallet_unique"
            ),
            models.CheckConstraint(
                condition=Q(left_cents__gte=0) & Q(left_cents__lte=F("granted_cents")),
                name="wallet_left_within_granted",
            ),
        ]

    def __str__(self) -> str:
        return f"Crédit n° {self.pk}"


class CapKind(models.TextChoices):
    DAYS = "days", "jours par mois"
    MINUTES = "minutes", "minutes par an"
    CENTS = "cents", "montant par période"
    QUOTA_DAYS = "quota_days", "jours du quota"


class CapCounter(models.Model):
    """What a beneficiary used of one cap (or of their employer's quota) in one period:
    `used` between 0 and `limit` (a CHECK), in the cap's unit (days, minutes or cents).
    `limit` is the programme's when the period's counter was opened, or when it last grew."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="+", verbose_name="dispositif"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="compte"
    )
    child_key = models.PositiveIntegerField(
        "profil d'enfant", default=0, validators=between(0, 2**31 - 1, "Le profil d'enfant")
    )
    kind = models.CharField("plafond", max_length=10, choices=CapKind.choices)
    period_start = models.DateField("début de période")
    limit = models.PositiveBigIntegerField(
        "limite", validators=between(0, MAX_BUDGET_CENTS, "La limite")
    )
    used = models.PositiveBigIntegerField(
        "utilisé", default=0, validators=between(0, MAX_BUDGET_CENTS, "L'utilisé")
    )

    class Meta:
        verbose_name = "compteur de plafond"
        verbose_name_plural = "compteurs de plafonds"
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "user", "child_key", "kind", "period_start"],
                name="cap_counter_unique",
            ),
            models.CheckConstraint(
                condition=Q(used__gte=0) & Q(used__lte=F("limit")),
                name="cap_counter_used_within_limit",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=CapKind.values), name="cap_counter_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"Compteur n° {self.pk}"


class CountedDay(models.Model):
    """A Paris day counted on one day counter (`counter`: a quota's or a days-per-month
    cap's, for one beneficiary and period): it counts once however many bookings hold it
    (`bookings` ≥ 1, a CHECK: the number of ShareDay rows naming it; the row goes when its
    last booking is given back, and the counter is freed of one day)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="+", verbose_name="dispositif"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="compte"
    )
    child_key = models.PositiveIntegerField(
        "profil d'enfant", default=0, validators=between(0, 2**31 - 1, "Le profil d'enfant")
    )
    counter = models.ForeignKey(
        CapCounter, on_delete=models.PROTECT, related_name="+", verbose_name="compteur"
    )
    day = models.DateField("jour")
    bookings = models.PositiveSmallIntegerField(
        "réservations", validators=between(1, SMALL_COUNTER_MAX, "Le nombre de réservations")
    )

    class Meta:
        verbose_name = "jour compté"
        verbose_name_plural = "jours comptés"
        constraints = [
            models.UniqueConstraint(fields=["counter", "day"], name="counted_day_unique"),
            models.CheckConstraint(condition=Q(bookings__gte=1), name="counted_day_has_bookings"),
        ]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y}"


class BookingShare(models.Model):
    """What a programme pays of a booking or of an event registration (exactly one of
    `booking` and `registration`, a CHECK), frozen when it was taken: the cents, the rule and
    its version, the late rule (`late_rule`: whether a late cancellation or a no-show gives
    it back), the beneficiary; the days it counted are its ShareDay rows. `released_at`:
    given back (the booking or registration stopped holding its slot or seats and the
    share's late rule gave it back); `contested_at`: given back for good (never taken
    again). Triggers (migrations 0002 and 0009) refuse shares that
    would add up to more than the booking's or registration's price less what the person
    pays."""

    booking = models.ForeignKey(
        Booking,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shares",
        verbose_name="réservation",
    )
    registration = models.ForeignKey(
        Registration,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shares",
        verbose_name="inscription à un atelier",
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="+", verbose_name="dispositif"
    )
    public_label = models.CharField(
        "libellé public", max_length=80, validators=[SingleLine("Le libellé public")]
    )
    cents = CentsField(
        "montant (€)", validators=euros_between(1, MAX_BOOKING_PRICE_CENTS, "Le montant")
    )
    rule = models.CharField("règle", max_length=80, validators=[SingleLine("La règle")])
    version = models.PositiveIntegerField(
        "version de la règle", validators=between(1, 2**31 - 1, "La version")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="bénéficiaire",
    )
    child_key = models.PositiveIntegerField(
        "profil d'enfant", default=0, validators=between(0, 2**31 - 1, "Le profil d'enfant")
    )
    late_rule = models.CharField(
        "annulation tardive ou absence", max_length=12, choices=LateRule.choices
    )
    released_at = models.DateTimeField("rendue le", null=True, blank=True)
    contested_at = models.DateTimeField(
        "contestée le",
        null=True,
        blank=True,
        help_text="Rendue pour de bon : l'équipe du Département a contesté la ligne du relevé "
        "qui l'a déclarée (remboursements). Un pointage corrigé ne la reprend pas.",
    )

    class Meta:
        verbose_name = "part payée par un dispositif"
        verbose_name_plural = "parts payées par les dispositifs"
        constraints = [
            models.UniqueConstraint(fields=["booking", "programme"], name="booking_share_unique"),
            models.UniqueConstraint(
                fields=["registration", "programme"], name="registration_share_unique"
            ),
            # A share pays for one thing: a booking or a registration.
            models.CheckConstraint(
                condition=Q(booking__isnull=False, registration__isnull=True)
                | Q(booking__isnull=True, registration__isnull=False),
                name="share_of_a_booking_or_a_registration",
            ),
            models.CheckConstraint(condition=Q(cents__gt=0), name="booking_share_positive"),
            models.CheckConstraint(
                condition=Q(contested_at__isnull=True) | Q(released_at__isnull=False),
                name="booking_share_contested_is_given_back",
            ),
            models.CheckConstraint(
                condition=Q(late_rule__in=LateRule.values), name="booking_share_late_rule_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.public_label} : {euros(self.cents)}"


class ShareDay(models.Model):
    """A day a share (not given back) holds on a day counter: giving the share back undoes
    exactly these (CountedDay's bookings less one; the counter freed of the day when it was
    the day's last), whatever the programme's settings have become since. The rows go when
    the share is given back."""

    share = models.ForeignKey(
        BookingShare, on_delete=models.PROTECT, related_name="days", verbose_name="part"
    )
    counter = models.ForeignKey(
        CapCounter, on_delete=models.PROTECT, related_name="+", verbose_name="compteur"
    )
    day = models.DateField("jour")

    class Meta:
        verbose_name = "jour compté d'une part"
        verbose_name_plural = "jours comptés des parts"
        constraints = [
            models.UniqueConstraint(fields=["share", "counter", "day"], name="share_day_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y}"


class Account(models.TextChoices):
    """Which running balance a ledger row moves."""

    ENVELOPE = "envelope", "enveloppe"
    WALLET = "wallet", "crédit"
    CAP = "cap", "compteur de plafond"


class Reason(models.TextChoices):
    BOOKING = "booking", "réservation"
    EVENT = "event", "inscription à un atelier"
    RELEASE = "release", "part rendue"
    GRANT = "grant", "crédit ouvert"
    STAFF = "staff", "changement par l'équipe du Département"


class LedgerEntry(models.Model):
    """One movement of a running balance, in the append-only ledger (triggers refuse UPDATE
    and DELETE, migration 0001): the account (`account` kind and `account_id`), the signed
    `amount` in the account's unit (cents for envelopes, wallets and amount caps; minutes or
    days for the other caps; positive: what is left grows for an envelope or a wallet, what
    is used grows for a cap), why, for which booking or event registration (at most one),
    who (`actor`; NULL: the system), through which channel, when (UTC)."""

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
    account = models.CharField("compte", max_length=10, choices=Account.choices)
    account_id = models.PositiveBigIntegerField(
        "n° du compte", validators=between(1, 2**63 - 1, "Le n° du compte")
    )
    amount = models.BigIntegerField(
        "mouvement", validators=between(-MAX_BUDGET_CENTS, MAX_BUDGET_CENTS, "Le mouvement")
    )
    reason = models.CharField("motif", max_length=10, choices=Reason.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="fait par",
    )
    channel = models.CharField("canal", max_length=12, choices=Channel.choices)
    at = models.DateTimeField("le")

    class Meta:
        verbose_name = "mouvement du grand livre"
        verbose_name_plural = "grand livre"
        ordering = ["id"]
        indexes = [models.Index(fields=["account", "account_id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(account__in=Account.values), name="ledger_account_known"
            ),
            models.CheckConstraint(
                condition=Q(reason__in=Reason.values), name="ledger_reason_known"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="ledger_channel_known"
            ),
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_amount_not_zero"),
            models.CheckConstraint(
                condition=Q(booking__isnull=True) | Q(registration__isnull=True),
                name="ledger_booking_or_registration",
            ),
        ]

    def __str__(self) -> str:
        # No amount: its unit is the account's (the back-office shows it: admin.movement).
        return f"Mouvement n° {self.pk} ({self.get_account_display()} n° {self.account_id})"
