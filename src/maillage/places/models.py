from collections.abc import Collection, Iterable
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import models
from django.db.models import Q
from django.utils import timezone
from stdnum.fr import siret as siret_number

from maillage.core.links import PageLink
from maillage.core.model_fields import own_field
from maillage.core.models import feed_modified_field
from maillage.core.money import CentsField
from maillage.core.text import fold, with_de
from maillage.core.validators import (
    MultiLine,
    SingleLine,
    between,
    euros_between,
    one_line,
    real_between,
)
from maillage.places import kinds, lifecycle, photos, schedule
from maillage.places.validators import (
    validate_french_phone,
    validate_photo,
    validate_postal_code,
    validate_siret,
)
from maillage.territory.models import Commune

# «Très haut débit» in France: at least 30 Mbit/s down.
THD_MIN_DOWN_MBPS = 30
# A place's booking terms stay within these (hours): two weeks to decide, a month's notice.
MAX_APPROVAL_DELAY_HOURS = 14 * 24
MAX_CANCELLATION_NOTICE_HOURS = 30 * 24
# Domain bounds of what people type (PostgreSQL's column ranges are far wider).
MAX_MBPS = 100_000
PLACE_NAME_MAX = 150
SPACE_NAME_MAX = 100
MAX_CAPACITY = 1_000
MAX_PRICE_CENTS = 100_000_00
MINUTES_IN_A_WEEK = 7 * 24 * 60


class PlaceStatus(models.TextChoices):
    """The database's choices for places.lifecycle.Status (the one definition)."""

    PROJECT = lifecycle.Status.PROJECT, lifecycle.STATUS_LABELS[lifecycle.Status.PROJECT]
    PREPARING = lifecycle.Status.PREPARING, lifecycle.STATUS_LABELS[lifecycle.Status.PREPARING]
    OPEN = lifecycle.Status.OPEN, lifecycle.STATUS_LABELS[lifecycle.Status.OPEN]
    CLOSED = lifecycle.Status.CLOSED, lifecycle.STATUS_LABELS[lifecycle.Status.CLOSED]


class BroadbandTechnology(models.TextChoices):
    FIBRE = "fibre", "Fibre optique"
    OTHER = "other", "Autre (câble, cuivre, radio, satellite)"
    UNKNOWN = "unknown", "Non renseignée"


class Service(models.Model):
    """A service a place offers (tag): meeting rooms, fablab, café, childcare…"""

    slug = models.SlugField("identifiant", unique=True)
    name = models.CharField("nom", max_length=80, unique=True, validators=[SingleLine("Le nom")])

    class Meta:
        verbose_name = "service"
        verbose_name_plural = "services"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Equipment(models.Model):
    """Equipment of a space: screen, videoconference, 3D printer…"""

    slug = models.SlugField("identifiant", unique=True)
    name = models.CharField("nom", max_length=80, unique=True, validators=[SingleLine("Le nom")])

    class Meta:
        verbose_name = "équipement"
        verbose_name_plural = "équipements"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PlaceQuerySet(models.QuerySet["Place"]):
    def in_departement(self, code: str) -> "PlaceQuerySet":
        return self.filter(commune__departement_id=code)

    def listed(self) -> "PlaceQuerySet":
        """What the public directory shows by default: every place that is not closed."""
        return self.exclude(status=PlaceStatus.CLOSED)

    def open(self, today: date) -> "PlaceQuerySet":
        """The places open on `today` (a Paris day): «ouvert» and their opening date reached,
        as lifecycle.takes_bookings says. They take bookings, count as existing sites in the
        observatory and in the network's figures; an «ouvert» place opening later does not."""
        return self.filter(status=PlaceStatus.OPEN, opening_date__lte=today)

    def preparing(self, today: date) -> "PlaceQuerySet":
        """The places about to open on `today` (a Paris day): «en préparation», and «ouvert»
        ones whose opening date is still to come (shown as in preparation:
        Place.shown_status). With PlaceQuerySet.open, every place that is or will soon be
        a site."""
        return self.filter(
            Q(status=PlaceStatus.PREPARING) | Q(status=PlaceStatus.OPEN, opening_date__gt=today)
        )

    def with_thd(self) -> "PlaceQuerySet":
        return self.filter(broadband_down_mbps__gte=THD_MIN_DOWN_MBPS)

    def shown_as(self, status: str, today: date) -> "PlaceQuerySet":
        """The places whose status visitors see (Place.shown_status) is `status` on `today`
        (a Paris day): an «ouvert» place opening later is with the places in preparation,
        as its badge says."""
        if status == PlaceStatus.OPEN:
            return self.open(today)
        if status == PlaceStatus.PREPARING:
            return self.preparing(today)
        return self.filter(status=status)

    def with_features(self, fields: Iterable[str]) -> "PlaceQuerySet":
        """The places offering every accessibility feature named (ACCESSIBILITY_FIELDS)."""
        return self.filter(**{field: True for field in fields if field in ACCESSIBILITY_FIELDS})

    def matching(self, text: str) -> "PlaceQuerySet":
        """The places whose name, commune, postal code or presentation hold every word of
        `text` (accents and case aside)."""
        queryset = self
        for word in fold(text).split():
            queryset = queryset.filter(search_text__contains=word)
        return queryset

    def within_box(
        self, min_lon: float, min_lat: float, max_lon: float, max_lat: float
    ) -> "PlaceQuerySet":
        """The places whose point lies in the box (WGS84 degrees, edges included)."""
        return self.filter(
            longitude__gte=min_lon,
            longitude__lte=max_lon,
            latitude__gte=min_lat,
            latitude__lte=max_lat,
        )


# A place's public page, by its slug: the public site serves it (and registers it).
PLACE_PAGE = PageLink("a place's public page")


class Place(models.Model):
    """A tiers-lieu, from the project stage to its closure."""

    name = models.CharField("nom", max_length=PLACE_NAME_MAX, validators=[SingleLine("Le nom")])
    slug = models.SlugField("identifiant d'URL", max_length=160, unique=True)
    description = models.TextField(
        "présentation", blank=True, validators=[MultiLine("La présentation")]
    )
    address = models.CharField("adresse", max_length=200, validators=[SingleLine("L'adresse")])
    postal_code = models.CharField(
        "code postal", max_length=5, validators=[SingleLine("Le code postal"), validate_postal_code]
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="places", verbose_name="commune"
    )
    latitude = models.FloatField("latitude", validators=real_between(-90, 90, "La latitude"))
    longitude = models.FloatField("longitude", validators=real_between(-180, 180, "La longitude"))
    status = models.CharField(
        "statut", max_length=10, choices=PlaceStatus.choices, default=PlaceStatus.PROJECT
    )
    opening_date = models.DateField("date d'ouverture", null=True, blank=True)
    siret = models.CharField(
        "SIRET", max_length=14, blank=True, validators=[SingleLine("Le SIRET"), validate_siret]
    )
    website = models.URLField("site web", blank=True)
    email = models.EmailField("adresse électronique", blank=True)
    phone = models.CharField(
        "téléphone",
        max_length=20,
        blank=True,
        validators=[SingleLine("Le téléphone"), validate_french_phone],
    )
    access_text = models.TextField(
        "accès et transports",
        blank=True,
        validators=[MultiLine("L'accès et les transports")],
        help_text="Lignes de transport en commun, stationnement, entrée du bâtiment…",
    )
    payment_terms = models.TextField(
        "conditions de paiement",
        blank=True,
        validators=[MultiLine("Les conditions de paiement")],
        help_text="Moyens de paiement acceptés, moment du paiement, facture…",
    )
    services = models.ManyToManyField(Service, blank=True, verbose_name="services")
    broadband_technology = models.CharField(
        "technologie d'accès à Internet",
        max_length=10,
        choices=BroadbandTechnology.choices,
        default=BroadbandTechnology.UNKNOWN,
    )
    broadband_down_mbps = models.PositiveIntegerField(
        "débit descendant (Mbit/s)",
        null=True,
        blank=True,
        validators=between(0, MAX_MBPS, "Le débit descendant", "Mbit/s"),
    )
    broadband_up_mbps = models.PositiveIntegerField(
        "débit montant (Mbit/s)",
        null=True,
        blank=True,
        validators=between(0, MAX_MBPS, "Le débit montant", "Mbit/s"),
    )
    step_free_access = models.BooleanField("accès de plain-pied ou par ascenseur", default=False)
    accessible_toilets = models.BooleanField("toilettes adaptées", default=False)
    hearing_loop = models.BooleanField("boucle à induction magnétique", default=False)
    accessible_parking = models.BooleanField("place de stationnement adaptée", default=False)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="managed_places",
        verbose_name="gestionnaires",
    )
    is_fictional = models.BooleanField(
        "exemple fictif", default=False, help_text="Lieu de démonstration, qui n'existe pas."
    )
    requires_approval = models.BooleanField(
        "réservations validées par un gestionnaire",
        default=False,
        help_text="Cochée : chaque réservation attend l'accord d'un gestionnaire du lieu. "
        "Sinon, les réservations sont confirmées immédiatement.",
    )
    approval_delay_hours = models.PositiveSmallIntegerField(
        "délai de validation (heures)",
        default=48,
        validators=between(1, MAX_APPROVAL_DELAY_HOURS, "Le délai de validation", "heures"),
        help_text=f"De 1 à {MAX_APPROVAL_DELAY_HOURS} heures. Une réservation non validée "
        "dans ce délai, ou au plus tard à son début, expire et libère le créneau.",
    )
    cancellation_notice_hours = models.PositiveSmallIntegerField(
        "annulation possible jusqu'à (heures avant le début)",
        default=24,
        validators=between(0, MAX_CANCELLATION_NOTICE_HOURS, "Le préavis d'annulation", "heures"),
        help_text=f"De 0 à {MAX_CANCELLATION_NOTICE_HOURS} heures. Jusque-là, la personne "
        "annule elle-même une réservation confirmée ; ensuite, elle contacte le lieu.",
    )
    search_text = models.TextField(
        editable=False, default="", validators=[MultiLine("Le texte de recherche")]
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    feed_modified = feed_modified_field()

    objects = PlaceQuerySet.as_manager()

    class Meta:
        verbose_name = "tiers-lieu"
        verbose_name_plural = "tiers-lieux"
        ordering = ["name"]
        indexes = [
            models.Index(fields=["status", "name"]),
            models.Index(fields=["feed_modified", "id"], name="place_feed_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PlaceStatus.values), name="place_status_known"
            ),
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180)
                & Q(longitude__lte=180),
                name="place_coordinates_in_range",
            ),
            models.CheckConstraint(
                condition=~Q(
                    status__in=sorted(str(s) for s in lifecycle.STATUSES_WITH_OPENING_DATE)
                )
                | Q(opening_date__isnull=False),
                name="place_open_has_opening_date",
                violation_error_message="Un lieu ouvert ou fermé doit avoir une date d'ouverture.",
            ),
            models.CheckConstraint(
                condition=Q(approval_delay_hours__gte=1)
                & Q(approval_delay_hours__lte=MAX_APPROVAL_DELAY_HOURS),
                name="place_approval_delay_in_range",
                violation_error_message=f"Le délai de validation va de 1 à "
                f"{MAX_APPROVAL_DELAY_HOURS} heures.",
            ),
            models.CheckConstraint(
                condition=Q(cancellation_notice_hours__lte=MAX_CANCELLATION_NOTICE_HOURS),
                name="place_cancellation_notice_in_range",
                violation_error_message=f"Le préavis d'annulation va de 0 à "
                f"{MAX_CANCELLATION_NOTICE_HOURS} heures.",
            ),
            models.CheckConstraint(
                condition=one_line("name", PLACE_NAME_MAX), name="place_name_one_line"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Accent-free copy of what visitors search, so «sevres» finds «Sèvres» on any database.
        commune = self.commune.name if self.commune_id else ""
        self.search_text = fold(" ".join([self.name, commune, self.postal_code, self.description]))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return PLACE_PAGE(self.slug)

    def takes_bookings_on(self, today: date) -> bool:
        """Whether the place takes bookings on `today` (a Paris day): open, and opened."""
        return lifecycle.takes_bookings(self.status, self.opening_date, today)

    @property
    def takes_bookings(self) -> bool:
        """Whether the place takes bookings today (Paris): its page offers its spaces'
        calendars then, as Space.objects.bookable does."""
        return self.takes_bookings_on(today_in_paris())

    @property
    def opens_later(self) -> bool:
        """Open, but its opening date is still to come (Paris today): its page says «Ouvre le»."""
        return self.status == PlaceStatus.OPEN and not self.takes_bookings_on(today_in_paris())

    @property
    def shown_status(self) -> str:
        """The status visitors see: an «ouvert» place opening later shows as in preparation."""
        return PlaceStatus.PREPARING if self.opens_later else self.status

    @property
    def status_label(self) -> str:
        """The badge's words: «Ouverture prochaine» for an «ouvert» place opening later."""
        return "Ouverture prochaine" if self.opens_later else self.get_status_display()

    @property
    def directions_url(self) -> str:
        """A route to the place's point on OpenStreetMap (the visitor chooses where from)."""
        return (
            "https://www.openstreetmap.org/directions?route="
            f"%3B{self.latitude:.6f}%2C{self.longitude:.6f}"
        )

    @property
    def has_thd(self) -> bool:
        return (self.broadband_down_mbps or 0) >= THD_MIN_DOWN_MBPS

    @property
    def accessibility(self) -> list[tuple[str, bool]]:
        return [
            (str(own_field(Place, name).verbose_name), getattr(self, name))
            for name in ACCESSIBILITY_FIELDS
        ]

    @property
    def accessibility_features(self) -> list[str]:
        return [
            str(own_field(Place, name).verbose_name)
            for name in ACCESSIBILITY_FIELDS
            if getattr(self, name)
        ]

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        if self.siret:
            self.siret = siret_number.compact(self.siret)
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.pk:
            previous = Place.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if previous:
                message = lifecycle.transition_error(
                    lifecycle.Status(previous), lifecycle.Status(self.status)
                )
                if message:
                    errors.setdefault("status", []).append(message)
        if self.status in lifecycle.STATUSES_WITH_OPENING_DATE and not self.opening_date:
            errors.setdefault("opening_date", []).append(
                "Un lieu ouvert ou fermé doit avoir une date d'ouverture."
            )
        # Only a real point is looked for in the commune (NaN compares false).
        located = (
            self.latitude is not None
            and self.longitude is not None
            and -90 <= self.latitude <= 90
            and -180 <= self.longitude <= 180
        )
        if self.commune_id and located and not self.commune.contains(self.latitude, self.longitude):
            errors.setdefault("latitude", []).append(
                f"Le point ({self.latitude:.5f}, {self.longitude:.5f}) n'est pas "
                f"dans la commune {with_de(self.commune.name)}."
            )
        if self.commune_id and self.postal_code:
            known = self.commune.postal_codes.split()
            if known and self.postal_code not in known:
                errors.setdefault("postal_code", []).append(
                    f"Le code postal {self.postal_code} n'est pas celui "
                    f"{with_de(self.commune.name)} "
                    f"({', '.join(known)})."
                )
        if errors:
            raise ValidationError(errors)


ACCESSIBILITY_FIELDS = (
    "step_free_access",
    "accessible_toilets",
    "hearing_loop",
    "accessible_parking",
)


class SpaceKind(models.TextChoices):
    """The database's choices for places.kinds.SpaceKind (the one definition)."""

    DESK = kinds.SpaceKind.DESK, kinds.KIND_LABELS[kinds.SpaceKind.DESK]
    MEETING_ROOM = kinds.SpaceKind.MEETING_ROOM, kinds.KIND_LABELS[kinds.SpaceKind.MEETING_ROOM]
    PRIVATE_OFFICE = (
        kinds.SpaceKind.PRIVATE_OFFICE,
        kinds.KIND_LABELS[kinds.SpaceKind.PRIVATE_OFFICE],
    )
    EVENT_HALL = kinds.SpaceKind.EVENT_HALL, kinds.KIND_LABELS[kinds.SpaceKind.EVENT_HALL]
    WORKSHOP = kinds.SpaceKind.WORKSHOP, kinds.KIND_LABELS[kinds.SpaceKind.WORKSHOP]


# Kinds whose capacity counts as workstations («postes de travail»).
SEAT_KINDS = (SpaceKind.DESK, SpaceKind.PRIVATE_OFFICE)


SLOT_CHOICES = (15, 30, 60)


class SpaceQuerySet(models.QuerySet["Space"]):
    def bookable(self, today: date) -> "SpaceQuerySet":
        """The spaces that can be booked on `today` (a Paris day): marked bookable, in a place
        open that day (PlaceQuerySet.open)."""
        return self.filter(is_bookable=True, place__in=Place.objects.open(today).values("pk"))


def space_title(place_name: str, space_name: str) -> str:
    """«Le Belvédère — Espace partagé»: how a space is named wherever it stands apart from
    its place's page (search results, bookings, a series' actions): many spaces share a
    generic name."""
    return f"{place_name} — {space_name}"


class Space(models.Model):
    """A bookable (or not) space inside a place: open-space desks, a room, an office…"""

    place = models.ForeignKey(
        Place, on_delete=models.CASCADE, related_name="spaces", verbose_name="lieu"
    )
    name = models.CharField("nom", max_length=SPACE_NAME_MAX, validators=[SingleLine("Le nom")])
    kind = models.CharField("type", max_length=20, choices=SpaceKind.choices)
    capacity = models.PositiveSmallIntegerField(
        "capacité",
        validators=between(1, MAX_CAPACITY, "La capacité", "postes ou personnes"),
        help_text="Nombre de postes (espace partagé) ou de personnes.",
    )
    is_bookable = models.BooleanField("réservable", default=True)
    price_hour_cents = CentsField(
        "prix à l'heure (€)",
        null=True,
        blank=True,
        validators=euros_between(0, MAX_PRICE_CENTS, "Le prix à l'heure"),
    )
    price_half_day_cents = CentsField(
        "prix à la demi-journée (€)",
        null=True,
        blank=True,
        validators=euros_between(0, MAX_PRICE_CENTS, "Le prix à la demi-journée"),
    )
    price_day_cents = CentsField(
        "prix à la journée (€)",
        null=True,
        blank=True,
        validators=euros_between(0, MAX_PRICE_CENTS, "Le prix à la journée"),
    )
    equipment = models.ManyToManyField(Equipment, blank=True, verbose_name="équipements")
    description = models.TextField(
        "description", blank=True, validators=[MultiLine("La description")]
    )
    slot_minutes = models.PositiveSmallIntegerField(
        "pas des créneaux (minutes)", choices=[(m, f"{m} min") for m in SLOT_CHOICES], default=30
    )
    min_duration_minutes = models.PositiveSmallIntegerField(
        "durée minimale (minutes)",
        default=30,
        validators=between(0, MINUTES_IN_A_WEEK, "La durée minimale", "minutes"),
    )
    max_duration_minutes = models.PositiveSmallIntegerField(
        "durée maximale (minutes)",
        null=True,
        blank=True,
        help_text="Vide : sans limite.",
        validators=between(1, MINUTES_IN_A_WEEK, "La durée maximale", "minutes"),
    )
    min_notice_minutes = models.PositiveIntegerField(
        "délai minimal avant le début (minutes)",
        default=0,
        validators=between(0, 366 * 24 * 60, "Le délai minimal avant le début", "minutes"),
    )
    max_advance_days = models.PositiveSmallIntegerField(
        "réservable jusqu'à (jours à l'avance)",
        null=True,
        blank=True,
        default=90,
        help_text="Vide : sans limite.",
        validators=between(1, 2 * 366, "Le délai de réservation", "jours"),
    )
    buffer_before_minutes = models.PositiveSmallIntegerField(
        "temps de préparation avant (minutes)",
        default=0,
        help_text="Salles et bureaux seulement : entre deux réservations.",
        validators=between(0, 24 * 60, "Le temps de préparation", "minutes"),
    )
    buffer_after_minutes = models.PositiveSmallIntegerField(
        "temps de remise en état après (minutes)",
        default=0,
        help_text="Salles et bureaux seulement : entre deux réservations.",
        validators=between(0, 24 * 60, "Le temps de remise en état", "minutes"),
    )
    feed_modified = feed_modified_field()

    objects = SpaceQuerySet.as_manager()

    class Meta:
        verbose_name = "espace"
        verbose_name_plural = "espaces"
        ordering = ["place", "kind", "name"]
        indexes = [models.Index(fields=["feed_modified", "id"], name="space_feed_order")]
        constraints = [
            models.UniqueConstraint(
                fields=["place", "name"],
                name="space_name_unique_in_place",
                violation_error_message="Ce lieu a déjà un espace de ce nom.",
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="space_capacity_positive",
                violation_error_message="La capacité doit être d'au moins 1 poste ou personne.",
            ),
            models.CheckConstraint(condition=Q(kind__in=SpaceKind.values), name="space_kind_known"),
            models.CheckConstraint(
                condition=one_line("name", SPACE_NAME_MAX), name="space_name_one_line"
            ),
            models.CheckConstraint(
                condition=Q(capacity__lte=MAX_CAPACITY),
                name="space_capacity_at_most_1000",
                violation_error_message="La capacité est d'au plus 1\u202f000 postes ou personnes.",
            ),
            models.CheckConstraint(
                condition=Q(price_hour_cents__lte=MAX_PRICE_CENTS)
                & Q(price_half_day_cents__lte=MAX_PRICE_CENTS)
                & Q(price_day_cents__lte=MAX_PRICE_CENTS),
                name="space_prices_at_most_100000_euros",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.place})"

    @property
    def full_name(self) -> str:
        """«Le Belvédère — Espace partagé»: the space named with its place (space_title)."""
        return space_title(self.place.name, self.name)

    @property
    def is_exclusive(self) -> bool:
        """Booked whole (a room, an office), as opposed to desks whose seats are shared."""
        return kinds.SpaceKind(self.kind).is_exclusive

    def clean(self) -> None:
        errors = {}
        # An unknown kind is refused by the field's own validation, which runs first.
        known_kind = self.kind in SpaceKind.values
        if (
            known_kind
            and not self.is_exclusive
            and (self.buffer_before_minutes or self.buffer_after_minutes)
        ):
            errors["buffer_before_minutes"] = (
                "Les temps de préparation ne s'appliquent qu'aux salles et bureaux, "
                "pas aux postes en espace partagé."
            )
        if self.max_duration_minutes is not None and self.max_duration_minutes < max(
            self.min_duration_minutes, 1
        ):
            errors["max_duration_minutes"] = "La durée maximale doit dépasser la durée minimale."
        for name in ("min_duration_minutes", "max_duration_minutes"):
            value = getattr(self, name)
            if value and value % self.slot_minutes:
                errors[name] = f"La durée doit être un multiple du pas ({self.slot_minutes} min)."
        if errors:
            raise ValidationError(errors)


class OpeningHours(models.Model):
    """One opening range of a weekday; a day may have several (9:00–12:30, 14:00–19:00)."""

    WEEKDAYS = [(i, name.capitalize()) for i, name in enumerate(schedule.WEEKDAY_NAMES)]

    place = models.ForeignKey(
        Place, on_delete=models.CASCADE, related_name="opening_hours", verbose_name="lieu"
    )
    weekday = models.PositiveSmallIntegerField("jour", choices=WEEKDAYS)
    opens = models.TimeField("ouverture")
    closes = models.TimeField("fermeture")

    class Meta:
        verbose_name = "plage d'ouverture"
        verbose_name_plural = "horaires d'ouverture"
        ordering = ["place", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="opening_weekday_valid"),
            # A closing time of 00:00 is midnight, the day's end (places.schedule).
            models.CheckConstraint(
                condition=Q(closes__gt=models.F("opens")) | Q(closes=schedule.MIDNIGHT),
                name="opening_closes_after_opens",
                violation_error_message="L'heure de fermeture doit être après l'heure "
                "d'ouverture (00:00 : minuit, à la fin de la journée).",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {schedule.range_label(self.as_range())}"

    def as_range(self) -> schedule.OpeningRange:
        return schedule.OpeningRange(self.weekday, self.opens, self.closes)

    @property
    def closes_at_midnight(self) -> bool:
        """Closes at the day's end: stored as 00:00, shown as 24h00."""
        return schedule.closes_at_midnight(self.as_range())

    def clean(self) -> None:
        if self.opens is None or self.closes is None or self.weekday is None:
            return
        # Overlaps between ranges are checked where the whole week is known: the admin
        # formset and services.replace_opening_hours.
        message = schedule.opening_range_error(self.as_range())
        if message:
            raise ValidationError({"closes": message})


class Closure(models.Model):
    """An exceptional closure of a place: inclusive date range with a reason."""

    place = models.ForeignKey(
        Place, on_delete=models.CASCADE, related_name="closures", verbose_name="lieu"
    )
    start_date = models.DateField("premier jour")
    end_date = models.DateField("dernier jour")
    reason = models.CharField("motif", max_length=200, validators=[SingleLine("Le motif")])

    class Meta:
        verbose_name = "fermeture exceptionnelle"
        verbose_name_plural = "fermetures exceptionnelles"
        ordering = ["place", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="closure_end_not_before_start",
                violation_error_message="La date de fin doit être après la date de début.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start_date:%d/%m/%Y}–{self.end_date:%d/%m/%Y} : {self.reason}"

    def as_range(self) -> schedule.DateRange:
        return schedule.DateRange(self.start_date, self.end_date)

    def clean(self) -> None:
        if self.start_date is None or self.end_date is None:
            return
        # Overlaps with the place's other closures are checked with all of them at hand:
        # the admin formset and services.add_closure.
        errors = schedule.closure_errors(self.as_range(), today_in_paris(), others=[])
        if errors:
            raise ValidationError({"end_date": errors})


def today_in_paris() -> date:
    return timezone.localdate()


MAX_PHOTO_BYTES = 5 * 1024 * 1024


def validate_photo_size(image: "File[bytes]") -> None:
    if image.size > MAX_PHOTO_BYTES:
        raise ValidationError("La photo dépasse 5 Mo : réduisez-la avant de l'envoyer.")


class PlacePhoto(models.Model):
    """A photo of a place, with the text that describes it to those who cannot see it."""

    place = models.ForeignKey(
        Place, on_delete=models.CASCADE, related_name="photos", verbose_name="lieu"
    )
    image = models.ImageField(
        "photo",
        upload_to="lieux/%Y/%m/",
        validators=[validate_photo_size, validate_photo],
        help_text="JPEG, PNG ou WebP, 5 Mo et 40 mégapixels au plus ; la photo est publiée "
        "réduite à 2 560 pixels de côté, sans ses métadonnées (EXIF, position GPS).",
    )
    alt_text = models.CharField(
        "description de la photo",
        max_length=200,
        help_text="Ce que montre la photo, pour les personnes qui ne la voient pas.",
        validators=[SingleLine("La description de la photo")],
    )
    position = models.PositiveSmallIntegerField(
        "ordre", default=0, validators=between(0, 1_000, "L'ordre")
    )

    class Meta:
        verbose_name = "photo"
        verbose_name_plural = "photos"
        ordering = ["place", "position", "pk"]

    def __str__(self) -> str:
        return self.alt_text

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A new upload is replaced by its clean copy (places.photos.stored_copy): the
        # original, with its metadata and full size, is never written.
        if self.image and not self.image._committed:  # type: ignore[attr-defined]  # FieldFile's flag
            with photos.open_photo(self.image.file) as image:
                content, extension = photos.stored_copy(image)
            stem = Path(self.image.name or "").stem or "photo"
            self.image.save(f"{stem}.{extension}", ContentFile(content), save=False)
        super().save(*args, **kwargs)


class ListingRequestStatus(models.TextChoices):
    """A listing request's review (its own words: not a booking's lifecycle)."""

    TO_REVIEW = "to_review", "À examiner"
    ACCEPTED = "accepted", "Lieu créé"
    DECLINED = "declined", "Refusée"


class ListingRequest(models.Model):
    """A tiers-lieu's request to join the network («Référencer mon tiers-lieu»): the place,
    its contact and its SIRET, sent by anyone and reviewed by Département staff, who create
    the place (places.onboarding) or refuse the request with a reason."""

    place_name = models.CharField(
        "nom du tiers-lieu", max_length=PLACE_NAME_MAX, validators=[SingleLine("Le nom")]
    )
    description = models.TextField(
        "présentation", blank=True, validators=[MultiLine("La présentation")]
    )
    address = models.CharField("adresse", max_length=200, validators=[SingleLine("L'adresse")])
    postal_code = models.CharField(
        "code postal", max_length=5, validators=[SingleLine("Le code postal"), validate_postal_code]
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="listing_requests", verbose_name="commune"
    )
    siret = models.CharField(
        "SIRET", max_length=14, validators=[SingleLine("Le SIRET"), validate_siret]
    )
    website = models.URLField("site web", blank=True)
    contact_name = models.CharField(
        "nom du contact", max_length=150, validators=[SingleLine("Le nom du contact")]
    )
    contact_email = models.EmailField("adresse électronique du contact")
    contact_phone = models.CharField(
        "téléphone du contact",
        max_length=20,
        blank=True,
        validators=[SingleLine("Le téléphone"), validate_french_phone],
    )
    submitted_at = models.DateTimeField("envoyée le", default=timezone.now)
    status = models.CharField(
        "état",
        max_length=10,
        choices=ListingRequestStatus.choices,
        default=ListingRequestStatus.TO_REVIEW,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="examinée par",
    )
    reviewed_at = models.DateTimeField("examinée le", null=True, blank=True)
    refusal_reason = models.TextField(
        "motif du refus", blank=True, validators=[MultiLine("Le motif du refus")]
    )
    place = models.ForeignKey(
        Place,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="lieu créé",
    )

    class Meta:
        verbose_name = "demande de référencement"
        verbose_name_plural = "demandes de référencement"
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ListingRequestStatus.values),
                name="listing_request_status_known",
            ),
        ]

    def __str__(self) -> str:
        return self.place_name

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        if self.siret:
            self.siret = siret_number.compact(self.siret)
        super().clean_fields(exclude=exclude)


class ManagerInvitation(models.Model):
    """An invitation to manage a place, sent by email: its link (places.manager_access) lets
    the person set a password (or sign in) and become a manager; it works once, until
    `expires_at`."""

    place = models.ForeignKey(
        Place, on_delete=models.CASCADE, related_name="invitations", verbose_name="lieu"
    )
    email = models.EmailField("adresse électronique")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="invitée par",
    )
    created_at = models.DateTimeField("envoyée le", default=timezone.now)
    expires_at = models.DateTimeField("valable jusqu'au")
    accepted_at = models.DateTimeField("acceptée le", null=True, blank=True)

    class Meta:
        verbose_name = "invitation de gestionnaire"
        verbose_name_plural = "invitations de gestionnaires"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.email} ({self.place})"


class ManagerChangeAction(models.TextChoices):
    GRANTED = "granted", "Nommé gestionnaire"
    WITHDRAWN = "withdrawn", "Retiré des gestionnaires"


class ManagerChange(models.Model):
    """One grant or withdrawal of a place's management (never changed): who did it, when,
    on which place, to whom. Written by places.manager_access in the change's transaction;
    deleted after MAILLAGE_ACTION_LOG_RETENTION_DAYS (core.retention)."""

    place = models.ForeignKey(
        Place, on_delete=models.CASCADE, related_name="manager_changes", verbose_name="lieu"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="personne",
    )
    person_email = models.EmailField("adresse de la personne")
    action = models.CharField("action", max_length=10, choices=ManagerChangeAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="par",
    )
    at = models.DateTimeField("le", default=timezone.now)

    class Meta:
        verbose_name = "changement de gestionnaire"
        verbose_name_plural = "changements de gestionnaires"
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=ManagerChangeAction.values),
                name="manager_change_action_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} : {self.person_email} ({self.place})"
