"""Registration use cases: a person registers (registered, awaiting the organiser's approval,
or on the waiting list), cancels, leaves the waiting list, accepts or declines seats offered
from it; an organiser approves or declines, changes the capacity, cancels the event, marks
attendance and messages the registrants; the system lapses offers past their deadline.

Each use case takes the acting user, checks their right (events.permissions for organisers),
writes atomically, records who did what in EventLog in the same transaction, queues its emails
there too (events.notifications), and raises RegistrationRefused (a field and a French
message; nothing written) when a rule forbids it.

Concurrency: every write locks the event's row first (`SELECT … FOR UPDATE`; SQLite's write
transactions are serialised anyway), then the registration's: one order, no deadlock, and the
waiting list is read and offered under that lock, so offers follow its order. Seats are taken
by one `UPDATE … SET seats_taken = seats_taken + n WHERE seats_taken + n <= capacity`, and the
CHECK event_seats_within_capacity refuses any overbooking in the database itself. Seats freed
(a cancellation, a decline, a lapsed offer, a capacity raised, a registration deadline moved
later) are offered to the waiting list in the same transaction that freed them
(waitlist.offers, waitlist.hold_until), and a newcomer never takes free seats a waiting entry
fits (waitlist.left_for_newcomer). An offer never outlasts registration: a deadline moved
earlier shortens the offers out (registration_window_changed).

Instants are aware datetimes (`now` defaults to the current time); amounts integer cents.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Field
from django.utils import timezone

from maillage.accounts.models import User
from maillage.core.formatting import french_moment
from maillage.core.text import count, euros, french_number
from maillage.eligibility.models import ChildProfile
from maillage.eligibility.selectors import children_of
from maillage.events import funding, notifications, selectors, waitlist
from maillage.events.models import (
    ACTIVE_STATUSES,
    HOLDING_STATUSES,
    MAX_EVENT_CAPACITY,
    Event,
    EventLog,
    EventMessage,
    EventStatus,
    LogAction,
    Registration,
    RegistrationStatus,
    takes_the_public,
)
from maillage.events.permissions import require_organiser

logger = logging.getLogger(__name__)

S = RegistrationStatus
# Statuses whose shares programmes paid (events.funding.commit): released when they end.
FUNDED_STATUSES = (S.REGISTERED, S.AWAITING_APPROVAL)
# How many messages an organiser may send to one event's registrants per MESSAGE_WINDOW.
MESSAGES_PER_WINDOW = 3
MESSAGE_WINDOW = timedelta(hours=24)

NOT_YOURS = "Cette inscription n'est pas la vôtre."
VERIFY_FIRST = "Confirmez votre adresse électronique pour vous inscrire."


class RegistrationRefused(ValidationError):
    """A registration rule forbids the request: `field` names what it is about («seats»,
    «event», «status», «capacity», «reason», «subject», «body», «attended») and `message`
    says why, in French. Nothing was written. As a ValidationError, {field: [message]}."""

    def __init__(self, field: str, message: str):
        super().__init__({field: [message]})
        self.field = field
        self.message = message
        self.code = None
        self.params = None


def _person(actor: User | AnonymousUser) -> User:
    """The acting person, signed in with a verified address; PermissionDenied otherwise."""
    if not (isinstance(actor, User) and actor.can_book):
        raise PermissionDenied(VERIFY_FIRST)
    return actor


def _organiser(actor: User | AnonymousUser, event: Event) -> User:
    """The acting organiser of `event` (events.permissions); PermissionDenied otherwise."""
    require_organiser(actor, event)
    assert isinstance(actor, User)  # an anonymous user organises nothing
    return actor


# --- Writes under the event's lock ------------------------------------------------------------


def _lock_event(event_id: int) -> Event:
    """The event's row, locked until the transaction ends (every registration write of the
    event takes this lock first)."""
    return Event.objects.select_for_update().get(pk=event_id)


def _lock(registration: Registration) -> Registration:
    """The registration's row as it is now, locked after its event's (the one lock order),
    its `event` the locked event."""
    event = _lock_event(registration.event_id)
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    locked.event = event
    return locked


def _take_seats(event: Event, seats: int) -> bool:
    """Add `seats` to the event's seats taken if they fit in its capacity (one UPDATE); True
    when they did. The CHECK event_seats_within_capacity backs the condition up."""
    taken = Event.objects.filter(pk=event.pk, seats_taken__lte=F("capacity") - seats).update(
        seats_taken=F("seats_taken") + seats
    )
    if taken:
        event.seats_taken += seats
    return bool(taken)


def _give_back_seats(event: Event, seats: int) -> None:
    """Take `seats` off the event's seats taken (one UPDATE; the CHECK keeps it ≥ 0)."""
    Event.objects.filter(pk=event.pk).update(seats_taken=F("seats_taken") - seats)
    event.seats_taken -= seats


def _log(
    event: Event,
    actor: User | None,
    action: LogAction,
    now: datetime,
    *,
    registration: Registration | None = None,
    from_status: str | None = None,
    to_status: str | None = None,
    detail: str = "",
) -> None:
    EventLog.objects.create(
        event=event,
        registration=registration,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        detail=detail[:300],
        at=now,
    )


def _move(
    registration: Registration,
    target: RegistrationStatus,
    actor: User | None,
    now: datetime,
    reason: str = "",
) -> str:
    """Set the registration's status (its offer's deadline and attendance mark cleared,
    `reason` kept), saved and logged; the status it had."""
    was = registration.status
    registration.status = target
    registration.status_reason = reason
    if target != S.OFFERED:
        registration.offered_until = None
    registration.attended = None
    registration.save()
    _log(
        registration.event,
        actor,
        LogAction.STATUS,
        now,
        registration=registration,
        from_status=was,
        to_status=target,
        detail=reason,
    )
    return was


def _end(
    registration: Registration,
    target: RegistrationStatus,
    actor: User | None,
    now: datetime,
    reason: str = "",
    *,
    late: bool = False,
) -> None:
    """The registration stops (cancelled, declined, lapsed): its seats, if it held any, go
    back to the event, and what programmes paid of it is released (`late`: a late
    cancellation, cancellation_is_late). The caller offers the freed seats
    (_offer_free_seats) once it has ended all it ends."""
    was = _move(registration, target, actor, now, reason)
    if was in HOLDING_STATUSES:
        _give_back_seats(registration.event, registration.seats)
    if was in FUNDED_STATUSES:
        funding.release(registration, late=late, actor=actor)


def _queue(event: Event) -> list[waitlist.Waiting]:
    """The event's waiting list in its order, as waitlist's rules read it."""
    queue = Registration.objects.filter(event=event).waiting_in_order()
    return [waitlist.Waiting(pk, seats) for pk, seats in queue.values_list("pk", "seats")]


def _offer_free_seats(event: Event, now: datetime) -> list[Registration]:
    """Offer the event's free seats to its waiting list (waitlist.offers), held until
    waitlist.hold_until; each entry offered is told. The caller holds the event's lock.
    Nothing is offered for an event not published, or when less than
    waitlist.MIN_OFFER_HOLD is left before its registration deadline (the seats stay free
    until registration closes; newcomers come behind the entries they fit). The
    registrations offered."""
    event.refresh_from_db(
        fields=["seats_taken", "capacity", "status", "hold_hours", "registration_closes_at"]
    )
    free = event.capacity - event.seats_taken
    until = waitlist.hold_until(now, event.hold_hours, event.registration_closes_at)
    if free <= 0 or until is None or event.status != EventStatus.PUBLISHED:
        return []
    chosen = waitlist.offers(free, _queue(event))
    if not chosen:
        return []
    offered = list(
        Registration.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(pk__in=chosen, status=S.WAITING)
        .order_by("pk")
    )
    if not _take_seats(event, sum(r.seats for r in offered)):
        raise RuntimeError(f"event {event.pk}: seats offered were not free under its lock")
    for registration in offered:
        registration.event = event
        registration.offered_until = until
        _move(registration, S.OFFERED, None, now)
        notifications.queue("offered", registration, registration.user)
    return offered


# --- Rules ---------------------------------------------------------------------------------


def registration_refusal(event: Event, now: datetime) -> RegistrationRefused | None:
    """Why no one may register for `event` at `now` (None: registration is open): not
    published, cancelled, its place closed (models.takes_the_public), not open yet, or past
    the deadline (Paris time in the message)."""
    if event.status == EventStatus.CANCELLED:
        return RegistrationRefused("event", "Cet atelier est annulé.")
    if event.status != EventStatus.PUBLISHED:
        return RegistrationRefused("event", "Cet atelier n'est pas publié.")
    if not takes_the_public(event.place):
        return RegistrationRefused(
            "event", "Ce lieu est fermé : cet atelier ne prend pas d'inscription."
        )
    if now < event.registration_opens_at:
        return RegistrationRefused(
            "event", f"Les inscriptions ouvrent {french_moment(event.registration_opens_at)}."
        )
    if now >= event.registration_closes_at:
        return RegistrationRefused(
            "event",
            f"Les inscriptions sont closes depuis {french_moment(event.registration_closes_at)}.",
        )
    return None


def cancellation_is_late(event: Event, now: datetime) -> bool:
    """Whether a person cancelling their own registration at `now` cancels late: its
    registration has closed, so the seats freed can no longer go to anyone (nothing is
    offered past the deadline). Programmes then apply their late rule to what they paid, as
    for a booking cancelled past the place's notice. An organiser's cancellation, a decline
    or the event's cancellation is never late."""
    return now >= event.registration_closes_at


def seats_refusal(event: Event, seats: object) -> RegistrationRefused | None:
    """Why `seats` is not a number of seats one may ask for `event` (None: it is): a whole
    number from 1 to the event's max_seats_per_registration."""
    most = event.max_seats_per_registration
    if isinstance(seats, bool) or not isinstance(seats, int) or not 1 <= seats <= most:
        if most == 1:
            return RegistrationRefused("seats", "Une inscription est pour une seule place.")
        return RegistrationRefused(
            "seats", f"Le nombre de places doit être entre 1 et {most} par inscription."
        )
    return None


def _status_refusal(
    registration: Registration, allowed: tuple[RegistrationStatus, ...], doing: str
) -> RegistrationRefused | None:
    """Why the registration's status forbids `doing` (French infinitive), or None."""
    if registration.status in allowed:
        return None
    label = RegistrationStatus(registration.status).label.lower()
    return RegistrationRefused("status", f"Une inscription « {label} » ne permet pas de {doing}.")


def _own(actor: User | AnonymousUser, registration: Registration) -> User:
    """The person whose registration it is; PermissionDenied for anyone else."""
    if not (isinstance(actor, User) and actor.is_active and registration.user_id == actor.pk):
        raise PermissionDenied(NOT_YOURS)
    return actor


def offer_deadline(registration: Registration) -> datetime:
    """Until when the seats offered to `registration` (an offer) may be accepted: its
    `offered_until`, never past its event's registration deadline."""
    assert registration.offered_until is not None  # registration_offer_has_deadline
    return min(registration.offered_until, registration.event.registration_closes_at)


def person_actions(registration: Registration, now: datetime) -> set[str]:
    """What the person may do with their registration at `now`, for pages to offer:
    «cancel» (before the start), «leave» (the waiting list), «accept» and «decline_offer»
    (seats offered, before their deadline: past it the offer reads as lapsed)."""
    event = registration.event
    if event.status == EventStatus.CANCELLED or now >= event.start:
        return set()
    status = registration.status
    actions = set()
    if status in (S.REGISTERED, S.AWAITING_APPROVAL):
        actions.add("cancel")
    if status == S.WAITING:
        actions.add("leave")
    if status == S.OFFERED and now < offer_deadline(registration):
        # Past its deadline the offer has lapsed, swept or not yet (expire_offers).
        actions |= {"decline_offer", "accept"}
    return actions


def organiser_actions(registration: Registration, now: datetime) -> set[str]:
    """What an organiser may do with a registration at `now`, for pages to offer:
    «approve» and «decline» (awaiting approval, before the end: deciding on it is declining
    it, with its reason), «cancel» (registered, offered or waiting, before the end),
    «attendance» (registered, from the start)."""
    event = registration.event
    if event.status == EventStatus.CANCELLED:
        return set()
    status = registration.status
    actions = set()
    if now < event.end:
        if status == S.AWAITING_APPROVAL:
            actions |= {"approve", "decline"}
        elif status in (*HOLDING_STATUSES, S.WAITING):
            actions.add("cancel")
    if status == S.REGISTERED and now >= event.start:
        actions.add("attendance")
    return actions


# --- A person's use cases ------------------------------------------------------------------


def register(
    actor: User | AnonymousUser,
    event: Event,
    seats: int,
    now: datetime | None = None,
    child_id: int | None = None,
) -> Registration:
    """`actor` registers for `seats` seats of `event`, for themself or for their child
    profile `child_id` (whose pass pays its share; one registration in force per event and
    beneficiary): registered, or awaiting the organiser's
    approval (event.needs_approval) when the seats are free for a newcomer (free seats a
    waiting entry fits are that entry's: waitlist.left_for_newcomer); on the waiting list,
    behind those entries, when they are not and the event has one. When the registration
    holds seats, its price is frozen from events.funding's quote (the list price, event
    price × seats, without a funder) and programmes' shares are committed; a waiting
    entry's price is the list price until it accepts seats offered. The person is told by
    email (a waiting entry with its rank), the organisers when it awaits their approval.

    Raises PermissionDenied when no one with a verified address is signed in, and
    RegistrationRefused: not published or cancelled («event»), not open yet or past the
    deadline («event»), registered already («event»), a child profile not the person's
    («pour»), seats not within 1 and the event's
    maximum («seats»), full without a waiting list («seats»), a programme's share that no
    longer holds («seats»)."""
    person = _person(actor)
    now = now or timezone.now()
    with transaction.atomic():
        event = _lock_event(event.pk)
        if refusal := registration_refusal(event, now) or seats_refusal(event, seats):
            raise refusal
        child = children_of(person).filter(pk=child_id).first() if child_id is not None else None
        if child_id is not None and child is None:
            raise RegistrationRefused("pour", "Ce profil d'enfant n'est pas l'un des vôtres.")
        if Registration.objects.filter(event=event, user=person, child_id=child_id).active():
            raise _twice(child)
        list_cents = event.price_cents * seats
        free = (
            waitlist.left_for_newcomer(event.seats_left, _queue(event)) if event.seats_left else 0
        )
        if seats <= free and _take_seats(event, seats):
            status = S.AWAITING_APPROVAL if event.needs_approval else S.REGISTERED
        elif event.has_waiting_list:
            status = S.WAITING
        elif free > 0:
            left = "qu'une place" if free == 1 else f"que {free} places"
            raise RegistrationRefused("seats", f"Il ne reste {left} : demandez-en moins.")
        else:
            raise RegistrationRefused("seats", "Cet atelier est complet.")
        # The price is frozen once seats are held: a waiting entry's is the list price until
        # it accepts seats offered (accept_offer quotes it then).
        quote = (
            funding.Quote(list_cents=list_cents, person_cents=list_cents)
            if status == S.WAITING
            else selectors.quote_for(person, event, seats, now, child_id)
        )
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    event=event,
                    user=person,
                    child_id=child_id,
                    seats=seats,
                    status=status,
                    waiting_since=now if status == S.WAITING else None,
                    price_cents=list_cents,
                    person_price_cents=quote.person_cents,
                )
        except IntegrityError as error:  # registration_one_active_per_person / _child
            raise _twice(child) from error
        _log(event, person, LogAction.STATUS, now, registration=registration, to_status=status)
        if status != S.WAITING:
            _commit(registration, quote, person)
        notifications.registration_made(registration)
    return registration


def _twice(child: ChildProfile | None) -> RegistrationRefused:
    who = f"{child.first_name} est déjà inscrit·e" if child else "Vous êtes déjà inscrit"
    return RegistrationRefused("event", f"{who} à cet atelier ou sur sa liste d'attente.")


def _commit(registration: Registration, quote: funding.Quote, actor: User) -> None:
    """Have programmes commit their shares; RegistrationRefused («seats») when one no
    longer holds (the caller's transaction is then rolled back)."""
    try:
        funding.commit(registration, quote, actor)
    except funding.FundingRefused as refused:
        raise RegistrationRefused(
            "seats",
            f"Le tarif réduit ne s'applique plus : {refused.message}. Prix public : "
            f"{euros(quote.list_cents)} ; inscrivez-vous de nouveau pour l'accepter.",
        ) from refused


def cancel(
    actor: User | AnonymousUser,
    registration: Registration,
    reason: str = "",
    now: datetime | None = None,
) -> Registration:
    """Cancel a registration: the person their own (registered or awaiting approval)
    before the event starts; an organiser anyone's still in force (the waiting list
    and offers included) before it ends, with a `reason` the person receives. Freed seats
    are offered to the waiting list. Raises PermissionDenied for anyone else,
    RegistrationRefused for a status that cannot be cancelled («status»), a started event
    («event»), an organiser's missing reason («reason»)."""
    now = now or timezone.now()
    with transaction.atomic():
        registration = _lock(registration)
        event = registration.event
        own = isinstance(actor, User) and registration.user_id == actor.pk
        if own:
            refusal = _status_refusal(
                registration, (S.REGISTERED, S.AWAITING_APPROVAL), "l'annuler"
            )
            if refusal is None and now >= event.start:
                refusal = RegistrationRefused(
                    "event", "L'atelier a commencé : l'inscription ne s'annule plus."
                )
        else:
            _organiser(actor, event)
            refusal = _status_refusal(registration, (*HOLDING_STATUSES, S.WAITING), "l'annuler")
            if refusal is None and now >= event.end:
                refusal = RegistrationRefused(
                    "event", "L'atelier est terminé : l'inscription ne s'annule plus."
                )
            if refusal is None and not reason.strip():
                refusal = RegistrationRefused(
                    "reason", "Indiquez le motif de l'annulation à la personne."
                )
        if refusal:
            raise refusal
        acting = actor if isinstance(actor, User) else None
        late = own and cancellation_is_late(event, now)
        _end(registration, S.CANCELLED, acting, now, _reason(reason), late=late)
        notifications.queue("cancelled", registration, registration.user, by_organiser=not own)
        _offer_free_seats(event, now)
    return registration


def _reason(reason: str) -> str:
    """A reason as kept: one line, its ends trimmed; RegistrationRefused («reason») when it
    holds control characters or is too long."""
    text = " ".join(reason.split())
    field = Registration._meta.get_field("status_reason")
    assert isinstance(field, Field)  # a column, not a relation
    try:
        field.clean(text, None)
    except ValidationError as error:
        raise RegistrationRefused("reason", error.messages[0]) from error
    return text


def leave_waiting_list(
    actor: User | AnonymousUser, registration: Registration, now: datetime | None = None
) -> Registration:
    """The person leaves the waiting list (their registration cancelled; the entries behind
    move up). Raises PermissionDenied for anyone else, RegistrationRefused («status») for a
    registration not waiting."""
    now = now or timezone.now()
    with transaction.atomic():
        registration = _lock(registration)
        person = _own(actor, registration)
        if refusal := _status_refusal(registration, (S.WAITING,), "quitter la liste d'attente"):
            raise refusal
        _end(registration, S.CANCELLED, person, now)
        notifications.queue("left", registration, person)
    return registration


def accept_offer(
    actor: User | AnonymousUser, registration: Registration, now: datetime | None = None
) -> Registration:
    """The person accepts the seats offered to them, before the offer's deadline
    (offer_deadline: `offered_until`, never past the registration deadline): registered, or
    awaiting the organiser's approval when the event needs it (the price quoted and frozen
    now, programmes' shares committed). Past the deadline the offer lapses (its seats offered
    to the next entries while registration is open, committed) and RegistrationRefused
    («status») says so. Raises
    PermissionDenied for anyone else, RegistrationRefused for a registration not offered
    («status») or a programme's share that no longer holds («seats»)."""
    now = now or timezone.now()
    lapsed = False
    with transaction.atomic():
        registration = _lock(registration)
        person = _own(actor, registration)
        if refusal := _status_refusal(registration, (S.OFFERED,), "confirmer des places"):
            raise refusal
        event = registration.event
        deadline = offer_deadline(registration)
        if now >= deadline:
            _lapse(registration, now)
            _offer_free_seats(event, now)
            lapsed = True
        else:
            quote = selectors.quote_for(
                person, event, registration.seats, now, registration.child_id
            )
            registration.price_cents = quote.list_cents
            registration.person_price_cents = quote.person_cents
            target = S.AWAITING_APPROVAL if event.needs_approval else S.REGISTERED
            _move(registration, target, person, now)
            _commit(registration, quote, person)
            notifications.registration_made(registration)
    if lapsed:
        raise RegistrationRefused(
            "status",
            f"Le délai pour confirmer ces places a pris fin {french_moment(deadline)} : "
            "elles ne vous sont plus réservées.",
        )
    return registration


def decline_offer(
    actor: User | AnonymousUser, registration: Registration, now: datetime | None = None
) -> Registration:
    """The person declines the seats offered to them: their registration is cancelled and
    the seats go to the next entries, if any while registration is open (the email says
    whether they did). Raises PermissionDenied for anyone else,
    RegistrationRefused («status») for a registration not offered."""
    now = now or timezone.now()
    with transaction.atomic():
        registration = _lock(registration)
        person = _own(actor, registration)
        if refusal := _status_refusal(registration, (S.OFFERED,), "refuser des places"):
            raise refusal
        _end(registration, S.CANCELLED, person, now)
        passed_on = bool(_offer_free_seats(registration.event, now))
        notifications.queue("offer_declined", registration, person, passed_on=passed_on)
    return registration


# --- The organiser's use cases -------------------------------------------------------------


def approve(
    actor: User | AnonymousUser, registration: Registration, now: datetime | None = None
) -> Registration:
    """An organiser accepts a registration awaiting approval, before the event ends: it is
    registered, the person told. Raises PermissionDenied for anyone else,
    RegistrationRefused («status», «event»)."""
    now = now or timezone.now()
    with transaction.atomic():
        registration = _lock(registration)
        organiser = _organiser(actor, registration.event)
        if refusal := _decision_refusal(registration, now, "l'accepter"):
            raise refusal
        _move(registration, S.REGISTERED, organiser, now)
        notifications.queue("approved", registration, registration.user)
    return registration


def decline(
    actor: User | AnonymousUser,
    registration: Registration,
    reason: str,
    now: datetime | None = None,
) -> Registration:
    """An organiser declines a registration awaiting approval, before the event ends, with
    a `reason` the person receives; its seats go to the waiting list. Raises
    PermissionDenied for anyone else, RegistrationRefused («status», «event», «reason»)."""
    now = now or timezone.now()
    with transaction.atomic():
        registration = _lock(registration)
        organiser = _organiser(actor, registration.event)
        if refusal := _decision_refusal(registration, now, "la refuser"):
            raise refusal
        if not reason.strip():
            raise RegistrationRefused("reason", "Indiquez le motif du refus à la personne.")
        _end(registration, S.DECLINED, organiser, now, _reason(reason))
        notifications.queue("declined", registration, registration.user)
        _offer_free_seats(registration.event, now)
    return registration


def _decision_refusal(
    registration: Registration, now: datetime, doing: str
) -> RegistrationRefused | None:
    if refusal := _status_refusal(registration, (S.AWAITING_APPROVAL,), doing):
        return refusal
    if now >= registration.event.end:
        return RegistrationRefused("event", "L'atelier est terminé.")
    return None


def capacity_refusal(event: Event, capacity: object) -> RegistrationRefused | None:
    """Why `event` may not have `capacity` seats (None: it may): a whole number from 1 to
    MAX_EVENT_CAPACITY, never below the seats taken (as `event` holds them), nor below the
    seats a waiting entry asks (it could never be offered them: the organiser cancels it
    first, with a reason the person receives)."""
    if isinstance(capacity, bool) or not isinstance(capacity, int):
        capacity = 0
    if not 1 <= capacity <= MAX_EVENT_CAPACITY:
        return RegistrationRefused(
            "capacity",
            f"Le nombre de places doit être entre 1 et {french_number(MAX_EVENT_CAPACITY)}.",
        )
    if capacity < event.seats_taken:
        return RegistrationRefused(
            "capacity",
            f"{count(event.seats_taken, 'place')} sont déjà prises : le nombre de places "
            f"ne peut pas descendre en dessous de {event.seats_taken}.",
        )
    too_big = Registration.objects.filter(event=event, status=S.WAITING, seats__gt=capacity).count()
    if too_big:
        asking = (
            "Une inscription de la liste d'attente demande"
            if too_big == 1
            else f"{too_big} inscriptions de la liste d'attente demandent"
        )
        return RegistrationRefused(
            "capacity",
            f"{asking} plus de {count(capacity, 'place')} : annulez-les d'abord (avec un "
            "motif pour ces personnes), ou gardez plus de places.",
        )
    return None


def change_capacity(
    actor: User | AnonymousUser, event: Event, capacity: int, now: datetime | None = None
) -> Event:
    """An organiser sets the event's number of seats: raised, the new seats are offered to
    the waiting list at once; lowered, never below the seats taken nor the seats a waiting
    entry asks (and the seats one registration may ask follow it down). Raises
    PermissionDenied for anyone else, RegistrationRefused («capacity») for a number out of
    1…MAX_EVENT_CAPACITY or below those seats (capacity_refusal), («event») for a cancelled
    event. Returns the event as saved."""
    now = now or timezone.now()
    with transaction.atomic():
        event = _lock_event(event.pk)
        organiser = _organiser(actor, event)
        if event.status == EventStatus.CANCELLED:
            raise RegistrationRefused("event", "Cet atelier est annulé.")
        if refusal := capacity_refusal(event, capacity):
            raise refusal
        before = event.capacity
        event.capacity = capacity
        event.max_seats_per_registration = min(event.max_seats_per_registration, capacity)
        event.save(update_fields=["capacity", "max_seats_per_registration", "updated_at"])
        _log(event, organiser, LogAction.CAPACITY, now, detail=f"{before} → {capacity}")
        _offer_free_seats(event, now)
    return event


def cancel_event(
    actor: User | AnonymousUser, event: Event, reason: str = "", now: datetime | None = None
) -> Event:
    """An organiser cancels the event before it ends: every registration still in force is
    cancelled (what programmes paid released), its person told (with `reason`, if any), the
    seats taken back to 0. Raises PermissionDenied for anyone else, RegistrationRefused
    («event») for an event cancelled already or over, («reason») for an unreadable reason.
    Returns the event."""
    now = now or timezone.now()
    with transaction.atomic():
        event = _lock_event(event.pk)
        organiser = _organiser(actor, event)
        if event.status == EventStatus.CANCELLED:
            raise RegistrationRefused("event", "Cet atelier est déjà annulé.")
        if now >= event.end:
            raise RegistrationRefused("event", "Un atelier terminé ne peut plus être annulé.")
        reason = _reason(reason)
        event.status = EventStatus.CANCELLED
        event.save(update_fields=["status", "updated_at"])
        active = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(event=event, status__in=ACTIVE_STATUSES)
        )
        for registration in active.order_by("pk"):
            registration.event = event
            _end(registration, S.CANCELLED, organiser, now, reason)
            notifications.queue("event_cancelled", registration, registration.user)
        _log(event, organiser, LogAction.EVENT_CANCELLED, now, detail=reason)
    return event


def mark_attendance(
    actor: User | AnonymousUser,
    registration: Registration,
    attended: bool | None,
    now: datetime | None = None,
) -> Registration:
    """An organiser marks a registered person present (True), absent (False) or not marked
    (None), from the event's start. An absence is, for programmes, a late cancellation: what
    they paid is released under their late rule; taken again when the mark is corrected.
    Raises PermissionDenied for anyone else, RegistrationRefused («attended») before the
    start or when a programme can no longer pay its share again, («status») for a
    registration not registered."""
    now = now or timezone.now()
    with transaction.atomic():
        registration = _lock(registration)
        organiser = _organiser(actor, registration.event)
        if refusal := _status_refusal(registration, (S.REGISTERED,), "noter la présence"):
            raise refusal
        if now < registration.event.start:
            raise RegistrationRefused(
                "attended", "La présence se note à partir du début de l'atelier."
            )
        was_absent = registration.attended is False
        registration.attended = attended
        registration.save(update_fields=["attended", "updated_at"])
        if attended is False and not was_absent:
            funding.release(registration, late=True, actor=organiser)
        elif was_absent and attended is not False:
            try:
                funding.reinstate(registration, actor=organiser)
            except funding.FundingRefused as refused:
                raise RegistrationRefused(
                    "attended",
                    "Le dispositif ne peut plus payer sa part de cette inscription : "
                    f"{refused.message}.",
                ) from refused
        detail = {True: "présent", False: "absent", None: "non noté"}[attended]
        _log(
            registration.event,
            organiser,
            LogAction.ATTENDANCE,
            now,
            registration=registration,
            detail=detail,
        )
    return registration


def message_registrants(
    actor: User | AnonymousUser,
    event: Event,
    subject: str,
    body: str,
    now: datetime | None = None,
    *,
    waiting_list: bool = False,
) -> EventMessage:
    """An organiser sends a message to everyone holding seats of the event (registered,
    awaiting approval, offered), and to its waiting list too when `waiting_list`: one email
    each, queued now. At most MESSAGES_PER_WINDOW messages per event per MESSAGE_WINDOW.
    Raises PermissionDenied for anyone else, RegistrationRefused: an empty, multi-line or too
    long subject («subject»), an empty or too long body («body»), no one to write to or too
    many messages lately («event»). Returns the message."""
    now = now or timezone.now()
    subject = " ".join(subject.split())
    body = body.strip()
    with transaction.atomic():
        event = _lock_event(event.pk)
        sender = _organiser(actor, event)
        message = EventMessage(event=event, sender=sender, subject=subject, body=body, sent_at=now)
        for field, value, missing in (
            ("subject", subject, "Indiquez l'objet du message."),
            ("body", body, "Écrivez le message."),
        ):
            if not value:
                raise RegistrationRefused(field, missing)
            model_field = EventMessage._meta.get_field(field)
            assert isinstance(model_field, Field)  # a column, not a relation
            try:
                model_field.clean(value, message)
            except ValidationError as error:
                raise RegistrationRefused(field, error.messages[0]) from error
        recent = EventMessage.objects.filter(event=event, sent_at__gt=now - MESSAGE_WINDOW)
        if recent.count() >= MESSAGES_PER_WINDOW:
            raise RegistrationRefused(
                "event",
                f"{MESSAGES_PER_WINDOW} messages au plus par atelier en 24 heures : "
                "réessayez plus tard.",
            )
        statuses = (*HOLDING_STATUSES, S.WAITING) if waiting_list else HOLDING_STATUSES
        recipients = list(
            Registration.objects.filter(event=event, status__in=statuses)
            .select_related("user")
            .order_by("pk")
        )
        if not recipients:
            raise RegistrationRefused("event", "Personne n'est inscrit à cet atelier.")
        message.recipients = len(recipients)
        message.save()
        for registration in recipients:
            notifications.queue(
                notifications.MESSAGE, registration, registration.user, message=message.pk
            )
    return message


# --- The system's ---------------------------------------------------------------------------


def _lapse(registration: Registration, now: datetime) -> None:
    """The offer's deadline passed: it lapses (the system's change), its seats given back
    (the caller offers them), the person told."""
    _end(registration, S.LAPSED, None, now)
    notifications.queue("lapsed", registration, registration.user)


def _lapse_due(event: Event, now: datetime) -> int:
    """The event's offers whose deadline is reached at `now` lapse (the caller holds the
    event's lock and offers the seats freed); how many."""
    due = list(
        Registration.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(event=event, status=S.OFFERED, offered_until__lte=now)
        .order_by("pk")
    )
    for registration in due:
        registration.event = event
        _lapse(registration, now)
    return len(due)


def registration_window_changed(actor: User, event: Event, now: datetime) -> None:
    """What a published event's new registration deadline or hold does to its waiting list,
    once events.organising.save_event saved them (in its transaction, the event locked):
    an offer out ending after the new deadline now ends at it (an offer never outlasts
    registration), logged as `actor`'s and its person told of the new time; an offer whose
    end is then reached lapses; and the free seats are offered to the waiting list as when
    seats free up (a deadline moved later opens registration again, and the waiting entries
    come before newcomers). A new hold applies to the offers made from now on: the offers
    out keep the time they were given."""
    closes = event.registration_closes_at
    shortened = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(event=event, status=S.OFFERED, offered_until__gt=closes)
        .order_by("pk")
    )
    for registration in shortened:
        assert registration.offered_until is not None  # an offer: the filter says so
        was = registration.offered_until
        registration.event = event
        registration.offered_until = closes
        registration.save(update_fields=["offered_until", "updated_at"])
        _log(
            event,
            actor,
            LogAction.OFFER_SHORTENED,
            now,
            registration=registration,
            detail=f"{french_moment(was)} → {french_moment(closes)}",
        )
        if closes > now:
            notifications.queue("offer_shortened", registration, registration.user)
    _lapse_due(event, now)
    _offer_free_seats(event, now)


def expire_offers(now: datetime | None = None) -> int:
    """Offers past their deadline lapse, and their seats go to the next entries of each
    event's waiting list (for the scheduler). Each event in its own transaction, under its
    lock: an accept racing this sweep is decided before or after it, never both. One event's
    failure is logged and the others go on. How many offers lapsed."""
    now = now or timezone.now()
    event_ids = (
        Registration.objects.filter(status=S.OFFERED, offered_until__lte=now)
        .order_by("event_id")
        .values_list("event_id", flat=True)
        .distinct()
    )
    lapsed = 0
    for event_id in list(event_ids):
        try:
            with transaction.atomic():
                event = _lock_event(event_id)
                due = _lapse_due(event, now)
                _offer_free_seats(event, now)
        except Exception:  # one event's failure must not stop the others' sweep
            logger.exception("offers of event %s not expired", event_id)
        else:
            lapsed += due
    return lapsed
