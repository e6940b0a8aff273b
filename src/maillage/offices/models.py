"""Offices and long-term offers of places, for companies and project holders who would
otherwise leave for Paris, and the requests they send to one or several places.

An `OfficeOffer` is a place's long-term offer (a private office, a dedicated desk, a team
space, a workshop, a domiciliation) at a monthly price in integer euro cents, excluding tax
(«hors taxes»: companies compare offers that way). An `OfficeRequest` is one company's
request; it reaches each place it addresses as one `OfficeRequestPlace`, which that place's
managers alone see and answer. A request is shown to the places only once its sender
confirmed their email address (`confirmed_at`); its personal data is erased after the
retention period (`anonymised_at`), its figures kept for the Département's view of demand.
Every bound is also a CHECK constraint, so the database refuses what the forms refuse.
"""

from __future__ import annotations

from collections.abc import Collection

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from stdnum.fr import siren as siren_number

from maillage.core.dates import long_date
from maillage.core.money import CentsField
from maillage.core.text import count, euros, french_number
from maillage.core.validators import (
    MultiLine,
    PersonName,
    SingleLine,
    between,
    euros_between,
    one_line,
)
from maillage.places import kinds
from maillage.places.models import Place, PlaceStatus, today_in_paris
from maillage.places.validators import validate_french_phone, validate_siren
from maillage.territory.models import Commune

OFFER_TITLE_MAX = 150
OFFER_DESCRIPTION_MAX = 5000
# A whole floor of a large building; a tiers-lieu's offices are far smaller.
MAX_SURFACE_M2 = 10_000
# Workstations of one offer, and asked by one request.
MAX_WORKSTATIONS = 500
# A month's price excluding tax, and a request's monthly budget.
MAX_MONTHLY_PRICE_CENTS = 100_000_00
# A commercial lease runs 9 years; a tiers-lieu's commitment is shorter.
MAX_COMMITMENT_MONTHS = 120
COMPANY_NAME_MAX = 150
CONTACT_NAME_MAX = 150
MESSAGE_MAX = 3000
REPLY_MAX = 3000


class OfficeKind(models.TextChoices):
    """What an offer is: a private office and a workshop are the space kinds of that name
    (places.kinds), let for months; the others are offers only."""

    PRIVATE_OFFICE = kinds.SpaceKind.PRIVATE_OFFICE, "Bureau privatif"
    DEDICATED_DESK = "dedicated_desk", "Poste dédié en espace partagé"
    TEAM_SPACE = "team_space", "Plateau pour une équipe"
    WORKSHOP = kinds.SpaceKind.WORKSHOP, "Atelier ou local d'activité"
    DOMICILIATION = "domiciliation", "Domiciliation d'entreprise"


# Kinds whose surface is given (a dedicated desk's is optional; a domiciliation has none, nor
# any workstation: it is an address for the company's seat).
KINDS_WITH_SURFACE = (OfficeKind.PRIVATE_OFFICE, OfficeKind.TEAM_SPACE, OfficeKind.WORKSHOP)


class OfferStatus(models.TextChoices):
    """Where an offer stands: a draft only its managers see, published, or withdrawn."""

    DRAFT = "draft", "Brouillon"
    PUBLISHED = "published", "Publiée"
    WITHDRAWN = "withdrawn", "Retirée"


class OfficeOfferQuerySet(models.QuerySet["OfficeOffer"]):
    """The offers the public pages read."""

    def published(self) -> OfficeOfferQuerySet:
        """The offers the public sees: published, of a place that is not closed."""
        return self.filter(status=OfferStatus.PUBLISHED).exclude(place__status=PlaceStatus.CLOSED)

    def shown(self, departement: str) -> OfficeOfferQuerySet:
        """The published offers of the places of `departement` (its INSEE code)."""
        return self.published().filter(place__commune__departement_id=departement)


class OfficeOffer(models.Model):
    """A long-term offer of `place`: `monthly_price_cents` a month excluding tax, from
    `available_from` (a Paris day), for `min_commitment_months` at least; `surface_m2` and
    `workstations` per its kind (none for a domiciliation)."""

    place = models.ForeignKey(
        Place, on_delete=models.CASCADE, related_name="office_offers", verbose_name="lieu"
    )
    title = models.CharField(
        "intitulé", max_length=OFFER_TITLE_MAX, validators=[SingleLine("L'intitulé")]
    )
    kind = models.CharField("type d'offre", max_length=20, choices=OfficeKind.choices)
    surface_m2 = models.PositiveIntegerField(
        "surface (m²)",
        null=True,
        blank=True,
        validators=between(1, MAX_SURFACE_M2, "La surface", "m²"),
        help_text="Obligatoire pour un bureau privatif, un plateau ou un atelier ; "
        "vide pour une domiciliation.",
    )
    workstations = models.PositiveSmallIntegerField(
        "postes de travail",
        null=True,
        blank=True,
        validators=between(1, MAX_WORKSTATIONS, "Le nombre de postes de travail"),
        help_text="Au moins 1 ; vide pour une domiciliation.",
    )
    monthly_price_cents = CentsField(
        "prix mensuel hors taxes (€)",
        validators=euros_between(0, MAX_MONTHLY_PRICE_CENTS, "Le prix mensuel"),
        help_text="Par mois, hors taxes (HT), charges comprises ou non : précisez-le dans "
        "la description.",
    )
    available_from = models.DateField("disponible à partir du")
    min_commitment_months = models.PositiveSmallIntegerField(
        "engagement minimal (mois)",
        default=1,
        validators=between(1, MAX_COMMITMENT_MONTHS, "L'engagement minimal", "mois"),
    )
    description = models.TextField(
        "description",
        max_length=OFFER_DESCRIPTION_MAX,
        blank=True,
        validators=[MultiLine("La description")],
        help_text="Services compris (accès Internet, salles de réunion, courrier…), charges, "
        "conditions.",
    )
    status = models.CharField(
        "statut", max_length=10, choices=OfferStatus.choices, default=OfferStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
        verbose_name="créée par",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
        verbose_name="modifiée par",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    objects = OfficeOfferQuerySet.as_manager()

    class Meta:
        verbose_name = "offre de bureaux"
        verbose_name_plural = "offres de bureaux"
        ordering = ["place", "title", "pk"]
        indexes = [models.Index(fields=["status", "available_from"], name="office_offer_shown")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OfficeKind.values), name="office_offer_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=OfferStatus.values), name="office_offer_status_known"
            ),
            models.CheckConstraint(
                condition=one_line("title", OFFER_TITLE_MAX), name="office_offer_title_one_line"
            ),
            models.CheckConstraint(
                condition=Q(surface_m2__isnull=True)
                | Q(surface_m2__gte=1, surface_m2__lte=MAX_SURFACE_M2),
                name="office_offer_surface_range",
            ),
            models.CheckConstraint(
                condition=Q(kind=OfficeKind.DOMICILIATION, workstations__isnull=True)
                | (
                    ~Q(kind=OfficeKind.DOMICILIATION)
                    & Q(workstations__isnull=False)
                    & Q(workstations__gte=1, workstations__lte=MAX_WORKSTATIONS)
                ),
                name="office_offer_workstations_by_kind",
            ),
            models.CheckConstraint(
                condition=~Q(kind=OfficeKind.DOMICILIATION) | Q(surface_m2__isnull=True),
                name="office_offer_domiciliation_without_surface",
            ),
            models.CheckConstraint(
                condition=Q(monthly_price_cents__gte=0)
                & Q(monthly_price_cents__lte=MAX_MONTHLY_PRICE_CENTS),
                name="office_offer_price_range",
            ),
            models.CheckConstraint(
                condition=Q(min_commitment_months__gte=1)
                & Q(min_commitment_months__lte=MAX_COMMITMENT_MONTHS),
                name="office_offer_commitment_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == OfferStatus.PUBLISHED

    @property
    def summary(self) -> str:
        """«3 postes · 25 m² · 900 € HT par mois · dès le 1er février 2027» (a domiciliation
        has no workstation nor surface; «disponible» once the day has come, Paris)."""
        parts = []
        if self.workstations is not None:
            parts.append(count(self.workstations, "poste"))
        if self.surface_m2 is not None:
            parts.append(f"{french_number(self.surface_m2)}\u00a0m²")
        parts.append(f"{euros(self.monthly_price_cents)} HT par mois")
        if self.is_available_now:
            parts.append("disponible")
        else:
            parts.append(f"dès le {long_date(self.available_from)}")
        return " · ".join(parts)

    @property
    def is_available_now(self) -> bool:
        """Whether the offer is available today (Paris)."""
        return self.available_from <= today_in_paris()

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind == OfficeKind.DOMICILIATION:
            if self.surface_m2 is not None:
                errors["surface_m2"] = (
                    "Une domiciliation n'a pas de surface : laissez la surface vide."
                )
            if self.workstations is not None:
                errors["workstations"] = (
                    "Une domiciliation n'a pas de poste de travail : laissez ce nombre vide."
                )
        else:
            if self.kind in KINDS_WITH_SURFACE and self.surface_m2 is None:
                errors["surface_m2"] = (
                    "Indiquez la surface (en m²) d'un bureau privatif, d'un plateau ou "
                    "d'un atelier."
                )
            if self.workstations is None:
                errors["workstations"] = "Indiquez le nombre de postes de travail (au moins 1)."
        if errors:
            raise ValidationError(errors)


# What a change of status does to an offer, as its history says it.
STATUS_CHANGES = {
    OfferStatus.DRAFT: "remise en brouillon",
    OfferStatus.PUBLISHED: "publiée",
    OfferStatus.WITHDRAWN: "retirée",
}


class OfficeOfferLog(models.Model):
    """Who did what to an offer, appended by offices.services.save_offer in the transaction
    of the change, never changed, deleted after MAILLAGE_ACTION_LOG_RETENTION_DAYS
    (core.retention): its creation (`from_status` NULL), each change of its status
    (published, withdrawn, back to draft), each other edit (the same status), by `actor`, at
    `at` (UTC). Ids, not names. The offer's own `updated_by` is only the last of them."""

    offer = models.ForeignKey(
        OfficeOffer, on_delete=models.CASCADE, related_name="log", verbose_name="offre"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="fait par",
    )
    from_status = models.CharField(  # noqa: DJ001 — NULL: the offer did not exist yet
        "statut avant", max_length=10, choices=OfferStatus.choices, null=True, blank=True
    )
    to_status = models.CharField("statut après", max_length=10, choices=OfferStatus.choices)
    at = models.DateTimeField("le")

    class Meta:
        verbose_name = "action sur une offre de bureaux"
        verbose_name_plural = "historique des offres de bureaux"
        ordering = ["offer", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_status__in=OfferStatus.values),
                name="office_offer_log_to_known",
            ),
            models.CheckConstraint(
                condition=Q(from_status__isnull=True) | Q(from_status__in=OfferStatus.values),
                name="office_offer_log_from_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.what} (offre n° {self.offer_id})"

    @property
    def what(self) -> str:
        """What happened, in French: «créée (brouillon)», «publiée», «retirée», «remise en
        brouillon», «modifiée»."""
        if self.from_status is None:
            return f"créée ({OfferStatus(self.to_status).label.lower()})"
        if self.from_status == self.to_status:
            return "modifiée"
        return STATUS_CHANGES[OfferStatus(self.to_status)]


class OfficeRequestQuerySet(models.QuerySet["OfficeRequest"]):
    """Requests by their confirmation."""

    def confirmed(self) -> OfficeRequestQuerySet:
        """Requests whose sender confirmed their address: the places see them."""
        return self.filter(confirmed_at__isnull=False)


# The personal data of a request, erased after the retention period (services.purge).
PERSONAL_FIELDS = ("company_name", "siren", "contact_name", "email", "phone", "message")


class OfficeRequest(models.Model):
    """A company's (or a project holder's) request for `workstations` workstations from
    `start_date` (a Paris day), for at most `budget_cents` a month excluding tax (None:
    not said), in `communes` (those wished and those of the places addressed). It reaches
    each place addressed as an OfficeRequestPlace."""

    company_name = models.CharField(
        "entreprise ou projet",
        max_length=COMPANY_NAME_MAX,
        validators=[SingleLine("Le nom de l'entreprise")],
    )
    siren = models.CharField(
        "SIREN",
        max_length=9,
        blank=True,
        validators=[SingleLine("Le SIREN"), validate_siren],
        help_text="9 chiffres, facultatif (un projet n'en a pas encore).",
    )
    contact_name = models.CharField(
        "nom du contact",
        max_length=CONTACT_NAME_MAX,
        validators=[PersonName("Le nom du contact")],
    )
    email = models.EmailField(
        "adresse électronique",
        help_text="Un lien de confirmation y est envoyé ; les lieux vous répondent à cette "
        "adresse.",
    )
    phone = models.CharField(
        "téléphone",
        max_length=20,
        blank=True,
        validators=[SingleLine("Le téléphone"), validate_french_phone],
    )
    workstations = models.PositiveSmallIntegerField(
        "postes de travail nécessaires",
        validators=between(1, MAX_WORKSTATIONS, "Le nombre de postes de travail"),
    )
    start_date = models.DateField("date d'entrée souhaitée")
    budget_cents = CentsField(
        "budget mensuel hors taxes (€)",
        null=True,
        blank=True,
        validators=euros_between(0, MAX_MONTHLY_PRICE_CENTS, "Le budget mensuel"),
        help_text="Facultatif.",
    )
    communes = models.ManyToManyField(
        Commune, blank=True, related_name="office_requests", verbose_name="communes souhaitées"
    )
    message = models.TextField(
        "message",
        max_length=MESSAGE_MAX,
        blank=True,
        validators=[MultiLine("Le message")],
        help_text="Votre activité, vos besoins (salle de réunion, stockage, accès le soir…).",
    )
    created_at = models.DateTimeField("envoyée le", default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField("adresse confirmée le", null=True, editable=False)
    anonymised_at = models.DateTimeField(
        "données personnelles effacées le", null=True, editable=False
    )

    objects = OfficeRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "demande de bureaux"
        verbose_name_plural = "demandes de bureaux"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["confirmed_at"], name="office_request_confirmed"),
            models.Index(fields=["email", "created_at"], name="office_request_email"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(workstations__gte=1) & Q(workstations__lte=MAX_WORKSTATIONS),
                name="office_request_workstations_range",
            ),
            models.CheckConstraint(
                condition=Q(budget_cents__isnull=True)
                | Q(budget_cents__gte=0, budget_cents__lte=MAX_MONTHLY_PRICE_CENTS),
                name="office_request_budget_range",
            ),
            models.CheckConstraint(
                condition=one_line("company_name", COMPANY_NAME_MAX)
                & one_line("contact_name", CONTACT_NAME_MAX),
                name="office_request_names_one_line",
            ),
            # Until erased, who asked is known; erased, nothing personal is left.
            models.CheckConstraint(
                condition=Q(anonymised_at__isnull=True)
                & ~Q(company_name="")
                & ~Q(contact_name="")
                & ~Q(email="")
                | Q(
                    anonymised_at__isnull=False,
                    confirmed_at__isnull=False,
                    company_name="",
                    siren="",
                    contact_name="",
                    email="",
                    phone="",
                    message="",
                ),
                name="office_request_personal_data",
            ),
        ]

    def __str__(self) -> str:
        return self.company_name or f"Demande n° {self.pk} (anonymisée)"

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        if self.siren:
            self.siren = siren_number.compact(self.siren)
        super().clean_fields(exclude=exclude)


class RequestStatus(models.TextChoices):
    """A place's answer to a request it received: none yet, answered, or declined."""

    NEW = "new", "Nouvelle"
    ANSWERED = "answered", "Répondue"
    DECLINED = "declined", "Déclinée"


class OfficeRequestPlaceQuerySet(models.QuerySet["OfficeRequestPlace"]):
    """The requests as the places receive them."""

    def received(self) -> OfficeRequestPlaceQuerySet:
        """The rows the places see: their request's address confirmed."""
        return self.filter(request__confirmed_at__isnull=False)


class OfficeRequestPlace(models.Model):
    """A request as one place receives it: the offers of that place it names, and the
    place's answer (`status`, `reply`: the text emailed to the sender, who decided and
    when)."""

    request = models.ForeignKey(
        OfficeRequest, on_delete=models.CASCADE, related_name="places", verbose_name="demande"
    )
    place = models.ForeignKey(
        Place, on_delete=models.CASCADE, related_name="office_requests", verbose_name="lieu"
    )
    offers = models.ManyToManyField(
        OfficeOffer, blank=True, related_name="request_places", verbose_name="offres"
    )
    status = models.CharField(
        "statut", max_length=10, choices=RequestStatus.choices, default=RequestStatus.NEW
    )
    reply = models.TextField(
        "réponse",
        max_length=REPLY_MAX,
        blank=True,
        validators=[MultiLine("La réponse")],
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
        verbose_name="répondu par",
    )
    decided_at = models.DateTimeField("répondu le", null=True, editable=False)

    objects = OfficeRequestPlaceQuerySet.as_manager()

    class Meta:
        verbose_name = "demande de bureaux reçue par un lieu"
        verbose_name_plural = "demandes de bureaux reçues par les lieux"
        ordering = ["-request__created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "place"], name="office_request_place_once"),
            models.CheckConstraint(
                condition=Q(status__in=RequestStatus.values), name="office_request_status_known"
            ),
            models.CheckConstraint(
                condition=Q(status=RequestStatus.NEW, decided_at__isnull=True)
                | Q(~Q(status=RequestStatus.NEW), decided_at__isnull=False),
                name="office_request_decided_when_not_new",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} → {self.place}"
