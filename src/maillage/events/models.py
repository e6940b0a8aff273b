"""Workshops and events held in a place, organised by the place or by the Département.

An event's `seats_taken` counts the seats its registrations hold (registered, awaiting the
organiser's approval, offered from the waiting list); a CHECK keeps it between 0 and the
capacity, so the database itself refuses an overbooking, even between concurrent
transactions. Prices are integer euro cents; instants are aware datetimes (UTC in the
database, shown in Paris time).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.text import slugify

from maillage.core.money import CentsField
from maillage.core.validators import MultiLine, SingleLine, between, euros_between
from maillage.places.models import Place

EVENT_TITLE_MAX = 150
EVENT_DESCRIPTION_MAX = 5000
# An event's seats: the largest room of a tiers-lieu is far below.
MAX_EVENT_CAPACITY = 1000
# A seat's price: a workshop, not a training course.
MAX_EVENT_PRICE_CENTS = 10_000_00
# How long seats offered from the waiting list are held for the entry (hours).
DEFAULT_HOLD_HOURS = 24
MAX_HOLD_HOURS = 7 * 24


class Audience(models.TextChoices):
    """Whom an event is for (the agenda's filter)."""

    EVERYONE = "everyone", "Tout public"
    COLLEGIENS = "collegiens", "Collégiens"
    STUDENTS = "students", "Lycéens et étudiants"
    JOB_SEEKERS = "job_seekers", "Demandeurs d'emploi"
    ENTREPRENEURS = "entrepreneurs", "Entrepreneurs et porteurs de projet"
    TELEWORKERS = "teleworkers", "Télétravailleurs et coworkers"
    SENIORS = "seniors", "Seniors"
    MANAGERS = "managers", "Gestionnaires de tiers-lieux"


class Organiser(models.TextChoices):
    """Who organises an event: the place itself, or the Département holding it in the place."""

    PLACE = "place", "Le lieu"
    DEPARTEMENT = "departement", "Le Département"


class EventStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    PUBLISHED = "published", "Publié"
    CANCELLED = "cancelled", "Annulé"


class EventQuerySet(models.QuerySet["Event"]):
    def published(self) -> EventQuerySet:
        """Events shown to the public (cancelled ones stay listed, marked cancelled)."""
        return self.filter(status__in=[EventStatus.PUBLISHED, EventStatus.CANCELLED])


class Event(models.Model):
    """A workshop or event in `place`, from `start` to `end` (aware datetimes), for
    `capacity` seats at `price_cents` each (0: free). Registration is open from
    `registration_opens_at` to `registration_closes_at` (the deadline)."""

    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="events", verbose_name="lieu"
    )
    organiser = models.CharField(
        "organisé par", max_length=12, choices=Organiser.choices, default=Organiser.PLACE
    )
    title = models.CharField(
        "titre", max_length=EVENT_TITLE_MAX, validators=[SingleLine("Le titre")]
    )
    description = models.TextField(
        "description",
        max_length=EVENT_DESCRIPTION_MAX,
        blank=True,
        validators=[MultiLine("La description")],
    )
    audience = models.CharField(
        "public", max_length=16, choices=Audience.choices, default=Audience.EVERYONE
    )
    start = models.DateTimeField("début")
    end = models.DateTimeField("fin")
    capacity = models.PositiveIntegerField(
        "nombre de places", validators=between(1, MAX_EVENT_CAPACITY, "Le nombre de places")
    )
    # Seats held by registrations: moved only by one `UPDATE … SET seats_taken = seats_taken
    # ± n` statement, bounded by the CHECK below.
    seats_taken = models.PositiveIntegerField(
        "places prises",
        default=0,
        editable=False,
        validators=between(0, MAX_EVENT_CAPACITY, "Le nombre de places prises"),
    )
    max_seats_per_registration = models.PositiveSmallIntegerField(
        "places par inscription au plus",
        default=1,
        validators=between(1, MAX_EVENT_CAPACITY, "Le nombre de places par inscription"),
    )
    price_cents = CentsField(
        "prix par place (€)",
        default=0,
        validators=euros_between(0, MAX_EVENT_PRICE_CENTS, "Le prix par place"),
        help_text="0 : gratuit. Les tarifs solidaires des dispositifs s'appliquent.",
    )
    registration_opens_at = models.DateTimeField("ouverture des inscriptions")
    registration_closes_at = models.DateTimeField("clôture des inscriptions")
    needs_approval = models.BooleanField(
        "inscriptions validées par l'organisateur",
        default=False,
        help_text="Chaque inscription attend l'accord de l'organisateur.",
    )
    has_waiting_list = models.BooleanField("liste d'attente", default=True)
    hold_hours = models.PositiveSmallIntegerField(
        "délai pour confirmer une place proposée (heures)",
        default=DEFAULT_HOLD_HOURS,
        validators=between(1, MAX_HOLD_HOURS, "Le délai pour confirmer", "h"),
        help_text="Jamais au-delà de la clôture des inscriptions.",
    )
    status = models.CharField(
        "statut", max_length=10, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="créé par",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = "atelier ou événement"
        verbose_name_plural = "ateliers et événements"
        ordering = ["start", "pk"]
        indexes = [models.Index(fields=["status", "start"], name="event_status_start")]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="event_ends_after_start"),
            models.CheckConstraint(
                condition=Q(capacity__gte=1) & Q(capacity__lte=MAX_EVENT_CAPACITY),
                name="event_capacity_range",
            ),
            models.CheckConstraint(
                condition=Q(seats_taken__gte=0) & Q(seats_taken__lte=F("capacity")),
                name="event_seats_within_capacity",
            ),
            models.CheckConstraint(
                condition=Q(max_seats_per_registration__gte=1)
                & Q(max_seats_per_registration__lte=F("capacity")),
                name="event_seats_per_registration_range",
            ),
            models.CheckConstraint(
                condition=Q(price_cents__gte=0) & Q(price_cents__lte=MAX_EVENT_PRICE_CENTS),
                name="event_price_range",
            ),
            models.CheckConstraint(
                condition=Q(registration_closes_at__gt=F("registration_opens_at"))
                & Q(registration_closes_at__lte=F("end")),
                name="event_registration_window",
            ),
            models.CheckConstraint(
                condition=Q(hold_hours__gte=1) & Q(hold_hours__lte=MAX_HOLD_HOURS),
                name="event_hold_hours_range",
            ),
            models.CheckConstraint(
                condition=Q(organiser__in=Organiser.values), name="event_organiser_known"
            ),
            models.CheckConstraint(
                condition=Q(audience__in=Audience.values), name="event_audience_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=EventStatus.values), name="event_status_known"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        """The event's public page, «/agenda/<id>-<slug>/»."""
        return reverse("events:event", args=[self.pk, self.slug])

    @property
    def seats_left(self) -> int:
        return self.capacity - self.seats_taken

    @property
    def is_free(self) -> bool:
        return self.price_cents == 0

    @property
    def slug(self) -> str:
        """The title as the event's address says it («atelier-export»; «atelier» when the
        title has no letter or digit)."""
        return slugify(self.title)[:80].strip("-") or "atelier"
