import secrets
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import models
from django.db.models import F, Prefetch, Q
from django.utils import timezone

from maillage.booking import lifecycle
from maillage.core.models import OutboundEmail, feed_modified_field
from maillage.core.money import CentsField
from maillage.core.validators import PersonName, SingleLine, between, euros_between, one_line
from maillage.places.models import MAX_CAPACITY, Place, Space
from maillage.places.validators import validate_french_phone

# A booking's price: a year of days at the highest price a space may ask, seats included.
MAX_BOOKING_PRICE_CENTS = 10_000_000_00
MAX_SERIES_WEEKS = 52
# A PositiveSmallIntegerField's column range on PostgreSQL, for counters no one types.
SMALL_COUNTER_MAX = 32767
# A PositiveIntegerField's column range on PostgreSQL.
COUNTER_MAX = 2147483647
# A walk-in's name and contact (an email address's longest, RFC 5321).
WALK_IN_NAME_MAX = 150
WALK_IN_CONTACT_MAX = 254


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


def validate_walk_in_contact(value: str) -> None:
    """How to reach a walk-in: an email address, or a French phone number (one of them)."""
    text = value.strip()
    try:
        if "@" in text:
            EmailValidator()(text)
        else:
            validate_french_phone(text)
    except ValidationError:
        raise ValidationError(
            "Le contact doit être une adresse électronique (nom@exemple.fr) ou un numéro de "
            "téléphone (01 23 45 67 89 ou +33 1 23 45 67 89).",
            code="walk_in_contact",
        ) from None


class BookingStatus(models.TextChoices):
    """The database's choices for booking.lifecycle.Status (the one definition)."""

    PENDING = lifecycle.Status.PENDING, lifecycle.STATUS_LABELS[lifecycle.Status.PENDING]
    CONFIRMED = lifecycle.Status.CONFIRMED, lifecycle.STATUS_LABELS[lifecycle.Status.CONFIRMED]
    CHECKED_IN = lifecycle.Status.CHECKED_IN, lifecycle.STATUS_LABELS[lifecycle.Status.CHECKED_IN]
    NO_SHOW = lifecycle.Status.NO_SHOW, lifecycle.STATUS_LABELS[lifecycle.Status.NO_SHOW]
    CANCELLED = lifecycle.Status.CANCELLED, lifecycle.STATUS_LABELS[lifecycle.Status.CANCELLED]
    REFUSED = lifecycle.Status.REFUSED, lifecycle.STATUS_LABELS[lifecycle.Status.REFUSED]
    EXPIRED = lifecycle.Status.EXPIRED, lifecycle.STATUS_LABELS[lifecycle.Status.EXPIRED]


# Statuses in which a booking holds its slot (a past no-show held it too).
HOLDING_STATUSES = tuple(BookingStatus(status) for status in lifecycle.HOLDING_STATUSES)


class BookingQuerySet(models.QuerySet["Booking"]):
    def holding(self) -> "BookingQuerySet":
        return self.filter(status__in=HOLDING_STATUSES)

    def meeting(self, start: datetime, end: datetime) -> "BookingQuerySet":
        """Bookings whose blocked span (buffers included) meets [start, end)."""
        return self.filter(blocked_start__lt=end, blocked_end__gt=start)

    def awaiting_decision(self, now: datetime) -> "BookingQuerySet":
        """Requests a manager can still accept or refuse at `now` (an aware instant)."""
        return self.filter(status=BookingStatus.PENDING, pending_until__gt=now)

    def own(self, user_id: int) -> "BookingQuerySet":
        """The bookings the person `user_id` made for themselves: not those a manager made
        for walk-ins (whose `user` is the manager)."""
        return self.filter(user_id=user_id, walk_in_name="")

    def with_history(self) -> "BookingQuerySet":
        """With each booking's history (`events`, oldest first, with their actors) read in
        one more query for them all."""
        return self.prefetch_related(
            Prefetch("events", queryset=BookingEvent.objects.select_related("actor").order_by("id"))
        )


class BookingSeries(models.Model):
    """A recurring booking (every week, same times): its occurrences are Bookings."""

    space = models.ForeignKey(Space, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    weeks = models.PositiveSmallIntegerField(
        "nombre de semaines", validators=between(1, MAX_SERIES_WEEKS, "Le nombre de semaines")
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "série de réservations"
        verbose_name_plural = "séries de réservations"

    def __str__(self) -> str:
        return f"Série de {self.weeks} semaines ({self.space})"


class Booking(models.Model):
    space = models.ForeignKey(
        Space, on_delete=models.PROTECT, related_name="bookings", verbose_name="espace"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="bookings",
        verbose_name="réservé par",
    )
    # A walk-in (a person without an account) a manager booked for: their name and how to
    # reach them, nothing more; `user` is then the manager. Both empty: `user` booked for
    # themselves (the database default, for raw inserts such as the bench's).
    walk_in_name = models.CharField(
        "nom de la personne sur place",
        max_length=WALK_IN_NAME_MAX,
        blank=True,
        default="",
        db_default="",
        validators=[PersonName("Le nom")],
    )
    walk_in_contact = models.CharField(
        "contact de la personne sur place",
        max_length=WALK_IN_CONTACT_MAX,
        blank=True,
        default="",
        db_default="",
        validators=[SingleLine("Le contact"), validate_walk_in_contact],
    )
    start = models.DateTimeField("début")
    end = models.DateTimeField("fin")
    # The span the booking keeps others out of: with the space's buffers for rooms.
    blocked_start = models.DateTimeField(editable=False)
    blocked_end = models.DateTimeField(editable=False)
    exclusive = models.BooleanField("espace réservé en entier", editable=False)
    seats = models.PositiveSmallIntegerField(
        "postes", default=1, validators=between(1, MAX_CAPACITY, "Le nombre de postes")
    )
    status = models.CharField(
        "statut", max_length=12, choices=BookingStatus.choices, default=BookingStatus.CONFIRMED
    )
    price_cents = CentsField(
        "prix (€)", default=0, validators=euros_between(0, MAX_BOOKING_PRICE_CENTS, "Le prix")
    )
    # What the person pays of `price_cents`: the rest is paid by programmes (social rates,
    # passes, employers), frozen as programmes' BookingShares in the same transaction. No
    # default: a booking written without it would read as paid by someone.
    person_price_cents = CentsField(
        "prix payé par la personne (€)",
        validators=euros_between(0, MAX_BOOKING_PRICE_CENTS, "Le prix payé par la personne"),
    )
    pending_until = models.DateTimeField("à valider avant", null=True, blank=True)
    series = models.ForeignKey(
        BookingSeries,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bookings",
        verbose_name="série",
    )
    # NULL, not "", when absent: the per-user uniqueness applies to real keys only.
    idempotency_key = models.CharField(  # noqa: DJ001
        max_length=100,
        null=True,
        blank=True,
        editable=False,
        validators=[SingleLine("La clé d'idempotence")],
    )
    cancelled_at = models.DateTimeField("annulée le", null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="annulée par",
    )
    status_reason = models.CharField(
        "motif", max_length=300, blank=True, validators=[SingleLine("Le motif")]
    )
    reminder_sent_at = models.DateTimeField("rappel envoyé le", null=True, blank=True)
    # The iCalendar SEQUENCE (RFC 5545 §3.8.7.4) of the event sent by email: raised by each
    # change announced (booking.notifications); a series' event has the highest of its dates'.
    # The database default serves the raw inserts of booking.sql.
    ical_sequence = models.PositiveSmallIntegerField(
        "version de l'événement d'agenda",
        default=0,
        db_default=0,
        editable=False,
        validators=between(0, SMALL_COUNTER_MAX, "La version de l'événement"),
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = "réservation"
        verbose_name_plural = "réservations"
        ordering = ["start"]
        indexes = [
            models.Index(fields=["space", "blocked_start"]),
            models.Index(fields=["blocked_start"]),
            models.Index(fields=["user", "start"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="booking_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(blocked_start__lte=F("start")) & Q(blocked_end__gte=F("end")),
                name="booking_blocked_span_covers_it",
            ),
            models.CheckConstraint(condition=Q(seats__gte=1), name="booking_seats_positive"),
            models.CheckConstraint(
                condition=Q(person_price_cents__gte=0)
                & Q(person_price_cents__lte=F("price_cents")),
                name="booking_person_price_within_price",
            ),
            models.CheckConstraint(
                condition=Q(status__in=BookingStatus.values), name="booking_status_known"
            ),
            models.UniqueConstraint(
                fields=["user", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="booking_idempotency_key_unique_per_user",
            ),
            # A request's deadline never passes its start (services.approval_deadline).
            models.CheckConstraint(
                condition=Q(pending_until__isnull=True) | Q(pending_until__lte=F("start")),
                name="booking_pending_until_by_start",
            ),
            # A request always has a deadline: the write path, the expiry job and the
            # managers' lists compare it with the current time.
            models.CheckConstraint(
                condition=~Q(status=BookingStatus.PENDING) | Q(pending_until__isnull=False),
                name="booking_pending_has_deadline",
            ),
            # A walk-in has a name and a contact, on one line each; a person's own booking
            # has neither.
            models.CheckConstraint(
                condition=(Q(walk_in_name="") & Q(walk_in_contact=""))
                | (
                    ~Q(walk_in_name="")
                    & ~Q(walk_in_contact="")
                    & one_line("walk_in_name", WALK_IN_NAME_MAX)
                    & one_line("walk_in_contact", WALK_IN_CONTACT_MAX)
                ),
                name="booking_walk_in_has_name_and_contact",
            ),
            # No programme pays for a walk-in: they pay the list price.
            models.CheckConstraint(
                condition=Q(walk_in_name="") | Q(person_price_cents=F("price_cents")),
                name="booking_walk_in_pays_list_price",
            ),
            # On PostgreSQL exclusion constraints also forbid two holding bookings of an
            # exclusive space whose blocked spans overlap (migration 0002), and two holding
            # bookings of a space by the same person for themselves that overlap
            # (booking_one_per_person_and_span, migrations 0007 and 0017: a manager's walk-in
            # bookings are not theirs); on SQLite the booking service checks both under the
            # write lock.
        ]

    def __str__(self) -> str:
        # Paris time, as every page shows it (the field holds UTC).
        return f"{self.space} — {timezone.localtime(self.start):%d/%m/%Y %H:%M}"

    @property
    def place(self) -> Place:
        return self.space.place

    @property
    def is_walk_in(self) -> bool:
        """Whether a manager (`user`) booked it for a walk-in without an account."""
        return bool(self.walk_in_name)

    def belongs_to(self, user_id: int | None) -> bool:
        """Whether the person `user_id` booked it for themselves (BookingQuerySet.own):
        a walk-in's booking belongs to no account, not even the manager's who made it."""
        return user_id is not None and self.user_id == user_id and not self.is_walk_in

    @property
    def person_name(self) -> str:
        """Who the booking is for, as managers see them: the walk-in's name, or the full
        name (else the address) of the person who booked."""
        if self.is_walk_in:
            return self.walk_in_name
        return self.user.get_full_name() or self.user.email

    @property
    def person_contact(self) -> str:
        """How to reach who the booking is for: the walk-in's contact (an address or a
        phone number), or the booker's address."""
        return self.walk_in_contact if self.is_walk_in else self.user.email

    @property
    def cancelled_by_person(self) -> bool:
        """Whether the person it is for cancelled it themselves (not the place)."""
        return not self.is_walk_in and self.cancelled_by_id == self.user_id


class Channel(models.TextChoices):
    """Through what a booking change was asked: the caller of booking.services says it."""

    PAGE = "page", "site"
    API = "api", "API"
    BACK_OFFICE = "back_office", "back-office"
    COMMAND = "command", "commande"


class BookingEvent(models.Model):
    """One change of a booking's status, in its append-only history: the booking, who made it
    (`actor`; NULL: the system, such as the expiry of a request), from which status (NULL when
    the booking was created) to which, the reason given (may be empty), the channel and the
    instant (UTC). Ids, not names. booking.services writes it in the transaction of the change;
    database triggers refuse any UPDATE or DELETE of a row (migration 0010), so a booking with a
    history can no longer be deleted either (on_delete=PROTECT)."""

    booking = models.ForeignKey(
        Booking, on_delete=models.PROTECT, related_name="events", verbose_name="réservation"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="fait par",
    )
    from_status = models.CharField(  # noqa: DJ001 — NULL: the booking did not exist yet
        "statut avant", max_length=12, choices=BookingStatus.choices, null=True, blank=True
    )
    to_status = models.CharField("statut après", max_length=12, choices=BookingStatus.choices)
    reason = models.CharField(
        "motif", max_length=300, blank=True, validators=[SingleLine("Le motif")]
    )
    channel = models.CharField("canal", max_length=12, choices=Channel.choices)
    at = models.DateTimeField("le")

    class Meta:
        verbose_name = "changement de réservation"
        verbose_name_plural = "historique des réservations"
        ordering = ["booking", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_status__in=BookingStatus.values), name="booking_event_to_known"
            ),
            # Created pending or confirmed; afterwards, a change changes the status.
            models.CheckConstraint(
                condition=(
                    Q(
                        from_status__isnull=True,
                        to_status__in=[BookingStatus.PENDING, BookingStatus.CONFIRMED],
                    )
                    | (Q(from_status__in=BookingStatus.values) & ~Q(from_status=F("to_status")))
                ),
                name="booking_event_from_known",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="booking_event_channel_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.booking_id} : {self.from_status or '∅'} → {self.to_status}"


class CalendarFeed(models.Model):
    """The secret address of a person's calendar feed (their bookings, or a managed place's)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(
        max_length=64, unique=True, default=new_feed_token, validators=[SingleLine("Le jeton")]
    )
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "agenda en ligne"
        verbose_name_plural = "agendas en ligne"

    def __str__(self) -> str:
        return f"Agenda de {self.user}"


class BookingEmail(models.Model):
    """What a queued booking email tells of: its kind (a key of notifications.KINDS) and
    its bookings. The message waits in core's outbox (`outbound`), queued in the same
    transaction as the change, and is built at delivery by notifications.message_of."""

    outbound = models.OneToOneField(
        OutboundEmail, on_delete=models.CASCADE, related_name="booking_email"
    )
    kind = models.CharField("sorte", max_length=20, validators=[SingleLine("La sorte")])
    bookings = models.ManyToManyField(Booking, related_name="+")

    class Meta:
        verbose_name = "courriel de réservation"
        verbose_name_plural = "courriels de réservation"

    def __str__(self) -> str:
        return f"{self.kind} (courriel n° {self.outbound_id})"


class ExternalCalendar(models.Model):
    """The iCalendar address where a space's other tool (another booking tool, a shared
    calendar) publishes its busy times: imported by booking.external_calendars, now and on
    a schedule, into ExternalBusy rows that availability treats as taking the whole space.

    Who set the address and when (`set_by`, `set_at`); the last import tried
    (`last_attempt_at`), the last that succeeded (`last_success_at`, with how many events it
    read and could not read), and why the last one failed (`last_error`, French; empty when
    it succeeded). A failed import keeps the busy times of the last good one."""

    space = models.OneToOneField(
        Space, on_delete=models.CASCADE, related_name="external_calendar", verbose_name="espace"
    )
    url = models.CharField(
        "adresse de l'agenda (iCalendar)",
        max_length=1000,
        validators=[SingleLine("L'adresse de l'agenda")],
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="adresse donnée par",
    )
    set_at = models.DateTimeField("adresse donnée le")
    # When a manager last asked for an import (saving the address, «Importer maintenant»):
    # the import is in progress until an attempt comes after it.
    import_requested_at = models.DateTimeField("import demandé le", null=True, blank=True)
    last_attempt_at = models.DateTimeField("dernier import tenté le", null=True, blank=True)
    last_success_at = models.DateTimeField("dernier import réussi le", null=True, blank=True)
    last_error = models.CharField(
        "erreur du dernier import",
        max_length=300,
        blank=True,
        validators=[SingleLine("L'erreur du dernier import")],
    )
    events_read = models.PositiveIntegerField(
        "événements lus", default=0, validators=between(0, COUNTER_MAX, "Le nombre d'événements")
    )
    events_skipped = models.PositiveIntegerField(
        "événements illisibles",
        default=0,
        validators=between(0, COUNTER_MAX, "Le nombre d'événements illisibles"),
    )

    class Meta:
        verbose_name = "agenda externe"
        verbose_name_plural = "agendas externes"

    def __str__(self) -> str:
        return f"Agenda externe de {self.space}"

    @property
    def import_in_progress(self) -> bool:
        """Whether an import a manager asked for has not been attempted yet (queued)."""
        requested, attempted = self.import_requested_at, self.last_attempt_at
        return requested is not None and (attempted is None or attempted < requested)


class ExternalBusy(models.Model):
    """A busy time [start, end) (UTC) imported from a space's external calendar: no booking
    of the space may meet it (buffers included, for an exclusive space), and no search or
    slot offers it. Replaced as a whole by each successful import."""

    calendar = models.ForeignKey(
        ExternalCalendar, on_delete=models.CASCADE, related_name="busy", verbose_name="agenda"
    )
    # The calendar's space, kept here so that the booking path reads one index.
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="+")
    start = models.DateTimeField("début")
    end = models.DateTimeField("fin")

    class Meta:
        verbose_name = "occupation importée"
        verbose_name_plural = "occupations importées"
        indexes = [models.Index(fields=["space", "start"]), models.Index(fields=["start"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="external_busy_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        start, end = timezone.localtime(self.start), timezone.localtime(self.end)
        return f"{self.space} occupé du {start:%d/%m/%Y %H:%M} au {end:%d/%m/%Y %H:%M}"


class ManagerEmails(models.Model):
    """Which booking emails a place's manager receives for that place: each new request
    (`new_requests`), each cancellation (`cancellations`), and a daily digest
    (`daily_digest`). No row: the defaults (the first two on, the digest off). Written by
    booking.services.set_manager_emails; read by booking.notifications."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="gestionnaire",
    )
    place = models.ForeignKey(
        Place, on_delete=models.CASCADE, related_name="+", verbose_name="lieu"
    )
    new_requests = models.BooleanField("chaque nouvelle demande à valider", default=True)
    cancellations = models.BooleanField("chaque annulation", default=True)
    daily_digest = models.BooleanField("un récapitulatif chaque matin", default=False)
    # The Paris day whose digest was queued (each day once: notifications.queue_digests).
    digest_sent_on = models.DateField("récapitulatif envoyé le", null=True, editable=False)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "courriels d'un gestionnaire"
        verbose_name_plural = "courriels des gestionnaires"
        constraints = [
            models.UniqueConstraint(fields=["user", "place"], name="manager_emails_once_per_place")
        ]

    def __str__(self) -> str:
        return f"Courriels de {self.user} pour {self.place}"


class SpaceBlock(models.Model):
    """A manager's block of one space over [start, end) (UTC; entered in Paris time, it may
    span midnight or several days), with its one-line reason: like an imported busy time
    (ExternalBusy), no booking of the space may meet it (buffers included, for an exclusive
    space), and no search or slot offers it (booking.sql.busy_meeting reads both).

    Added and lifted through booking.blocks, which record who did it and when; a lifted
    block stays, with `removed_by` and `removed_at`, and no longer keeps anything out."""

    space = models.ForeignKey(
        Space, on_delete=models.CASCADE, related_name="blocks", verbose_name="espace"
    )
    start = models.DateTimeField("début")
    end = models.DateTimeField("fin")
    reason = models.CharField("motif", max_length=200, validators=[SingleLine("Le motif")])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="posé par",
    )
    created_at = models.DateTimeField("posé le", default=timezone.now)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="levé par",
    )
    removed_at = models.DateTimeField("levé le", null=True, blank=True)

    class Meta:
        verbose_name = "blocage d'espace"
        verbose_name_plural = "blocages d'espaces"
        indexes = [models.Index(fields=["space", "start"]), models.Index(fields=["start"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="space_block_ends_after_start",
                violation_error_message="La fin du blocage doit être après son début.",
            ),
        ]

    def __str__(self) -> str:
        start, end = timezone.localtime(self.start), timezone.localtime(self.end)
        return f"{self.space} bloqué du {start:%d/%m/%Y %H:%M} au {end:%d/%m/%Y %H:%M}"


class FeedSlot(models.Model):
    """A slot of a space's grid in the coming weeks, as the slots change feed publishes it
    (OpenActive's Slot of a FacilityUse): [start, end) in UTC. The rows are the grid
    (booking.feed_slots.refresh_feed_slots keeps it: new days, past slots, changed hours);
    what is left of the slot is read with the page (api.feeds), and any write that can change
    it restamps the row in its own transaction (database triggers, migration 0020): a booking,
    an imported busy time or a block meeting [reach_start, reach_end), a change of the space.

    reach_start and reach_end: the slot widened by its space's gap (buffers), so that the
    triggers compare instants only."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="+")
    start = models.DateTimeField("début")
    end = models.DateTimeField("fin")
    reach_start = models.DateTimeField("portée, début")
    reach_end = models.DateTimeField("portée, fin")
    feed_modified = feed_modified_field()

    class Meta:
        verbose_name = "créneau publié"
        verbose_name_plural = "créneaux publiés"
        indexes = [
            models.Index(fields=["feed_modified", "id"], name="feed_slot_order"),
            models.Index(fields=["space", "reach_start"], name="feed_slot_reach"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["space", "start"], name="feed_slot_once"),
            models.CheckConstraint(
                condition=Q(end__gt=F("start"))
                & Q(reach_start__lte=F("start"))
                & Q(reach_end__gte=F("end")),
                name="feed_slot_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        start = timezone.localtime(self.start)
        return f"{self.space_id} le {start:%d/%m/%Y %H:%M}"


class FeedSlotGrid(models.Model):
    """What the slots feed's grid was last made for (booking.feed_slots): the places' data
    version and the Paris day. One row at most."""

    data_version = models.BigIntegerField(
        "version des données des lieux",
        validators=between(0, 2**63 - 1, "La version des données des lieux"),
    )
    day = models.DateField("jour")
    made_at = models.DateTimeField("faite le")

    class Meta:
        verbose_name = "grille des créneaux publiés"
        verbose_name_plural = "grilles des créneaux publiés"

    def __str__(self) -> str:
        return f"Grille du {self.day:%d/%m/%Y} (version {self.data_version})"
