"""Workshops and events held in a place, organised by the place or by the Département.

An event's `seats_taken` counts the seats its registrations hold (registered, awaiting the
organiser's approval, offered from the waiting list); a CHECK keeps it between 0 and the
capacity, so the database itself refuses an overbooking, even between concurrent
transactions. Prices are integer euro cents; instants are aware datetimes (UTC in the
database, shown in Paris time).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.text import slugify

from maillage.booking.models import COUNTER_MAX
from maillage.core.models import feed_modified_field
from maillage.core.money import CentsField
from maillage.core.text import french_number
from maillage.core.validators import MultiLine, SingleLine, between, euros_between
from maillage.places.models import Place, PlaceStatus

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


# A closed place does not take the public: its events leave the agenda and the feeds, take no
# registration, and none is published or moved there. A place «en projet» or «en préparation»
# does: its holders hold information meetings and co-building workshops there before it opens.
PLACE_CLOSED = "Ce lieu est fermé : il n'accueille pas d'événement."


def takes_the_public(place: Place) -> bool:
    """Whether `place` may hold events people come to (every status but closed)."""
    return place.status != PlaceStatus.CLOSED


class EventQuerySet(models.QuerySet["Event"]):
    def published(self) -> EventQuerySet:
        """Events shown to the public (cancelled ones stay listed, marked cancelled)."""
        return self.filter(status__in=[EventStatus.PUBLISHED, EventStatus.CANCELLED])

    def with_awaiting(self) -> EventQuerySet:
        """Each event with `awaiting`: how many of its registrations await the organiser's
        approval (counted in the same query)."""
        return self.annotate(
            awaiting=models.Count(
                "registrations",
                filter=Q(registrations__status=RegistrationStatus.AWAITING_APPROVAL),
            )
        )

    def having_awaiting(self) -> EventQuerySet:
        """The events with at least one registration awaiting the organiser's approval."""
        return self.filter(
            models.Exists(
                Registration.objects.filter(
                    event=models.OuterRef("pk"), status=RegistrationStatus.AWAITING_APPROVAL
                )
            )
        )

    def at_places_taking_the_public(self) -> EventQuerySet:
        """Events whose place takes the public (takes_the_public: not closed)."""
        return self.exclude(place__status=PlaceStatus.CLOSED)


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
    feed_modified = feed_modified_field()

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = "atelier ou événement"
        verbose_name_plural = "ateliers et événements"
        ordering = ["start", "pk"]
        indexes = [
            models.Index(fields=["status", "start"], name="event_status_start"),
            models.Index(fields=["feed_modified", "id"], name="event_feed_order"),
        ]
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

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save the event; an existing event's `seats_taken` is never written here (only
        events.services' `UPDATE … SET seats_taken = seats_taken ± n` move it), so that a
        form holding the event as it was read cannot write back a stale count. The capacity
        changes through events.services.change_capacity, which offers new seats to the
        waiting list."""
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.attname
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "seats_taken"
            ]
        super().save(*args, **kwargs)

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


# A registration's reason (a decline, a cancellation by the organiser), on one line.
REASON_MAX = 300
# An organiser's message to the registrants of an event.
MESSAGE_SUBJECT_MAX = 150
MESSAGE_BODY_MAX = 5000


class RegistrationStatus(models.TextChoices):
    """Where a registration stands. Awaiting the organiser's approval, registered and offered
    hold seats (counted in Event.seats_taken); waiting does not (its seats are offered when
    they free up). Cancelled, declined and lapsed are final."""

    AWAITING_APPROVAL = "awaiting_approval", "En attente de l'accord de l'organisateur"
    REGISTERED = "registered", "Inscription confirmée"
    WAITING = "waiting", "Sur la liste d'attente"
    OFFERED = "offered", "Place proposée, à confirmer"
    CANCELLED = "cancelled", "Annulée"
    DECLINED = "declined", "Refusée par l'organisateur"
    LAPSED = "lapsed", "Proposition expirée"


# Statuses holding seats of the event (Event.seats_taken counts them).
HOLDING_STATUSES = (
    RegistrationStatus.AWAITING_APPROVAL,
    RegistrationStatus.REGISTERED,
    RegistrationStatus.OFFERED,
)
# Statuses of a registration in force: at most one per event and beneficiary (the person, or
# one of their child profiles).
ACTIVE_STATUSES = (*HOLDING_STATUSES, RegistrationStatus.WAITING)


class RegistrationQuerySet(models.QuerySet["Registration"]):
    """Registrations by where they stand."""

    def active(self) -> RegistrationQuerySet:
        """Registrations still in force (holding seats or waiting)."""
        return self.filter(status__in=ACTIVE_STATUSES)

    def holding(self) -> RegistrationQuerySet:
        """Registrations holding seats (awaiting approval, registered, offered)."""
        return self.filter(status__in=HOLDING_STATUSES)

    def waiting_in_order(self) -> RegistrationQuerySet:
        """The waiting entries in the waiting list's order: who joined first, then by id."""
        return self.filter(status=RegistrationStatus.WAITING).order_by("waiting_since", "pk")


class Registration(models.Model):
    """A person's registration for `seats` seats of an event (at most the event's
    `max_seats_per_registration`), for themself or for one of their child profiles
    (`child`; at most one in force per event and beneficiary). The prices are frozen when
    the registration starts holding seats: `price_cents` the list price (the event's price
    × seats, cents), `person_price_cents` what the person pays of it (programmes pay the
    rest, events.funding).

    A waiting entry's place in the list is (`waiting_since`, `id`); an offer from the waiting
    list holds its seats until `offered_until` (an aware instant). `attended` is the
    organiser's mark after the start (None: not marked). `reminded_at`: when the reminder of
    the day before was queued. Changes go through events.services, which records each in
    EventLog."""

    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="registrations", verbose_name="atelier"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="event_registrations",
        verbose_name="personne",
    )
    # For whom: the person themself (None) or one of their child profiles, whose pass pays
    # its share (events.services.register checks the profile is the person's).
    child = models.ForeignKey(
        "eligibility.ChildProfile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="event_registrations",
        verbose_name="pour l'enfant",
    )
    seats = models.PositiveSmallIntegerField(
        "places", default=1, validators=between(1, MAX_EVENT_CAPACITY, "Le nombre de places")
    )
    status = models.CharField("statut", max_length=20, choices=RegistrationStatus.choices)
    status_reason = models.CharField(
        "motif", max_length=REASON_MAX, blank=True, validators=[SingleLine("Le motif")]
    )
    waiting_since = models.DateTimeField("sur la liste d'attente depuis", null=True, blank=True)
    offered_until = models.DateTimeField("place proposée jusqu'au", null=True, blank=True)
    attended = models.BooleanField("présent", null=True, blank=True)
    price_cents = CentsField(
        "prix (€)",
        default=0,
        validators=euros_between(0, MAX_EVENT_PRICE_CENTS * MAX_EVENT_CAPACITY, "Le prix"),
    )
    person_price_cents = CentsField(
        "prix payé par la personne (€)",
        default=0,
        validators=euros_between(
            0, MAX_EVENT_PRICE_CENTS * MAX_EVENT_CAPACITY, "Le prix payé par la personne"
        ),
    )
    reminded_at = models.DateTimeField("rappel envoyé le", null=True, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = "inscription"
        verbose_name_plural = "inscriptions"
        ordering = ["event", "created_at", "pk"]
        indexes = [
            models.Index(fields=["event", "status", "waiting_since"], name="registration_queue"),
            models.Index(fields=["status", "offered_until"], name="registration_offers"),
            models.Index(fields=["user", "status"], name="registration_person"),
        ]
        constraints = [
            # Registering twice for the same beneficiary is refused by the database itself: one
            # registration in force per event for the person, and one for each of their
            # children.
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(status__in=ACTIVE_STATUSES, child__isnull=True),
                name="registration_one_active_per_person",
            ),
            models.UniqueConstraint(
                fields=["event", "child"],
                condition=Q(status__in=ACTIVE_STATUSES, child__isnull=False),
                name="registration_one_active_per_child",
            ),
            models.CheckConstraint(
                condition=Q(seats__gte=1) & Q(seats__lte=MAX_EVENT_CAPACITY),
                name="registration_seats_range",
            ),
            models.CheckConstraint(
                condition=Q(status__in=RegistrationStatus.values),
                name="registration_status_known",
            ),
            # An offer, and only an offer, has a deadline.
            models.CheckConstraint(
                condition=Q(status=RegistrationStatus.OFFERED, offered_until__isnull=False)
                | (~Q(status=RegistrationStatus.OFFERED) & Q(offered_until__isnull=True)),
                name="registration_offer_has_deadline",
            ),
            # A waiting entry, and an offer made to one, has its place in the list.
            models.CheckConstraint(
                condition=~Q(status__in=[RegistrationStatus.WAITING, RegistrationStatus.OFFERED])
                | Q(waiting_since__isnull=False),
                name="registration_waiting_has_rank",
            ),
            # Only a registered person is marked present or absent.
            models.CheckConstraint(
                condition=Q(attended__isnull=True) | Q(status=RegistrationStatus.REGISTERED),
                name="registration_attended_if_registered",
            ),
            models.CheckConstraint(
                condition=Q(person_price_cents__gte=0)
                & Q(person_price_cents__lte=F("price_cents")),
                name="registration_person_price_within_price",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.event}"


class LogAction(models.TextChoices):
    """What an EventLog row records."""

    STATUS = "status", "changement de statut"
    ATTENDANCE = "attendance", "présence"
    CAPACITY = "capacity", "nombre de places"
    EVENT_CANCELLED = "event_cancelled", "atelier annulé"
    # An offer's deadline brought forward to a registration deadline moved earlier: `detail`
    # says from when to when.
    OFFER_SHORTENED = "offer_shortened", "délai de confirmation avancé"
    # Its preparation (events.organising): `detail` names the fields an edit changed.
    CREATED = "created", "atelier créé"
    EDITED = "edited", "atelier modifié"
    PUBLISHED = "published", "atelier publié"


class EventLog(models.Model):
    """Who did what to an event and its registrations, appended by events.services (and
    events.organising) in the transaction of the change: a registration's status change
    (`from_status` NULL when it was created), an attendance mark, a capacity change, an
    offer's deadline brought forward, the event's creation, edit, publication or
    cancellation, by `actor` (NULL: the system, such
    as an offer lapsing), at `at` (UTC), with `detail` (the reason given, «20 → 25»,
    «présent», the fields an edit changed). Ids, not names."""

    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="log", verbose_name="atelier"
    )
    registration = models.ForeignKey(
        Registration,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="log",
        verbose_name="inscription",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="fait par",
    )
    action = models.CharField("action", max_length=16, choices=LogAction.choices)
    from_status = models.CharField(  # noqa: DJ001 — NULL: the registration did not exist yet
        "statut avant", max_length=20, choices=RegistrationStatus.choices, null=True, blank=True
    )
    to_status = models.CharField(  # noqa: DJ001 — NULL: not a status change
        "statut après", max_length=20, choices=RegistrationStatus.choices, null=True, blank=True
    )
    detail = models.CharField(
        "détail", max_length=REASON_MAX, blank=True, validators=[SingleLine("Le détail")]
    )
    at = models.DateTimeField("le")

    class Meta:
        verbose_name = "action sur les inscriptions"
        verbose_name_plural = "journal des inscriptions"
        ordering = ["event", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=LogAction.values), name="event_log_action_known"
            ),
            # A status change names a registration and its new status.
            models.CheckConstraint(
                condition=~Q(action=LogAction.STATUS)
                | (Q(registration__isnull=False) & Q(to_status__in=RegistrationStatus.values)),
                name="event_log_status_change",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} n° {self.pk}"


class EventMessage(models.Model):
    """A message an organiser sent to an event's registrants (events.services
    .message_registrants): by `sender`, at `sent_at` (UTC), to `recipients` people; each
    copy is an outbox email built from this row."""

    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="messages", verbose_name="atelier"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="envoyé par",
    )
    subject = models.CharField(
        "objet", max_length=MESSAGE_SUBJECT_MAX, validators=[SingleLine("L'objet")]
    )
    body = models.TextField(
        "message",
        max_length=MESSAGE_BODY_MAX,
        validators=[
            MultiLine("Le message"),
            MaxLengthValidator(
                MESSAGE_BODY_MAX,
                f"Le message doit faire au plus {french_number(MESSAGE_BODY_MAX)} caractères.",
            ),
        ],
    )
    recipients = models.PositiveIntegerField(
        "destinataires",
        default=0,
        validators=between(0, COUNTER_MAX, "Le nombre de destinataires"),
    )
    sent_at = models.DateTimeField("envoyé le")

    class Meta:
        verbose_name = "message aux inscrits"
        verbose_name_plural = "messages aux inscrits"
        ordering = ["event", "-sent_at"]
        indexes = [models.Index(fields=["event", "sent_at"], name="event_message_sent")]

    def __str__(self) -> str:
        return self.subject
