"""The use cases of preparing an event: create, edit, publish.

Who organises an event is events.permissions' rule: a place's managers organise the events
their place organises, Département staff every event, and alone hold one for the Département
(in any place). Each function takes the acting user, locks the event's row, checks the
rights and the rules, and writes nothing when it raises: PermissionDenied (French message)
when the actor may not, ValidationError (fields named, French) when the event breaks a rule.

A published event keeps its date, place, organiser, price and registration rules (people
registered for them); its capacity changes through the registrations' own use case, which
offers freed seats to the waiting list. Its registration deadline and its hold may change:
events.services.registration_window_changed then applies them to the waiting list, in the
same transaction, under the event's lock (offers out shortened to a deadline moved earlier,
free seats offered when it moves later).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Field
from django.utils import timezone

from maillage.accounts.models import User
from maillage.accounts.roles import has_departement_rights
from maillage.events import services
from maillage.events.models import (
    PLACE_CLOSED,
    REASON_MAX,
    Event,
    EventLog,
    EventStatus,
    LogAction,
    Organiser,
    takes_the_public,
)
from maillage.events.permissions import require_organiser
from maillage.places import permissions
from maillage.places.models import Place

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    # Who acts: a request's user (the rights refuse an anonymous one).
    Actor = User | AnonymousUser

DEPARTEMENT_ONLY = "Seuls les agents du Département organisent les événements du Département."
# What a published event keeps (people registered for it as it was), by field.
FROZEN_ONCE_PUBLISHED = {
    "place": "Le lieu",
    "organiser": "L'organisateur",
    "start": "Le début",
    "end": "La fin",
    "price_cents": "Le prix",
    "capacity": "Le nombre de places",
    "max_seats_per_registration": "Le nombre de places par inscription",
    "registration_opens_at": "L'ouverture des inscriptions",
    "needs_approval": "La validation des inscriptions",
    "has_waiting_list": "La liste d'attente",
}
# What a published event may change that its waiting list must follow
# (services.registration_window_changed).
REGISTRATION_WINDOW = ("registration_closes_at", "hold_hours")


def _require_may_hold(actor: Actor, event: Event) -> None:
    """Whether `actor` may have `event` organised as it says, in its place."""
    if event.organiser == Organiser.DEPARTEMENT:
        if not has_departement_rights(actor):
            raise PermissionDenied(DEPARTEMENT_ONLY)
    elif not permissions.can_edit_place(actor, event.place):
        raise PermissionDenied(permissions.NOT_YOUR_PLACE)


def place_errors(event: Event) -> dict[str, str]:
    """{«place»: PLACE_CLOSED} when `event`'s place is closed (models.takes_the_public): no
    event is created, moved or published there; empty otherwise."""
    return {} if takes_the_public(event.place) else {"place": PLACE_CLOSED}


def event_errors(event: Event, now: datetime) -> dict[str, str]:
    """The rules between an event's fields that its CHECK constraints hold, and a new
    event's start after `now`, as French messages by field (empty when it keeps them all).
    Fields missing (None) are the fields' own errors, not judged here."""
    errors: dict[str, str] = {}
    start, end = event.start, event.end
    if event.pk is None and start and start <= now:
        errors["start"] = "Le début doit être dans le futur."
    opens, closes = event.registration_opens_at, event.registration_closes_at
    if start and end and end <= start:
        errors["end"] = "La fin doit être après le début."
    if opens and closes and closes <= opens:
        errors["registration_closes_at"] = (
            "La clôture des inscriptions doit être après leur ouverture."
        )
    elif closes and end and closes > end:
        errors["registration_closes_at"] = (
            "La clôture des inscriptions ne peut pas être après la fin de l'événement."
        )
    capacity, per_registration = event.capacity, event.max_seats_per_registration
    if capacity and per_registration and per_registration > capacity:
        errors["max_seats_per_registration"] = (
            "Pas plus de places par inscription que de places en tout."
        )
    return errors


def _validate(event: Event, now: datetime, more: dict[str, str]) -> None:
    """The field rules (model validators, French), event_errors and `more` (French messages
    by field); ValidationError with every message by field."""
    errors = {field: [message] for field, message in {**more, **event_errors(event, now)}.items()}
    try:
        # The CHECK constraints' rules are event_errors', with French messages.
        event.full_clean(exclude=list(errors), validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


# The fields an organiser edits (events.services moves the others: seats, status).
EDITED_FIELDS = (
    "place",
    "organiser",
    "title",
    "description",
    "audience",
    "start",
    "end",
    "capacity",
    "max_seats_per_registration",
    "price_cents",
    "registration_opens_at",
    "registration_closes_at",
    "needs_approval",
    "has_waiting_list",
    "hold_hours",
)


def _field(name: str) -> Field[Any, Any]:
    field = Event._meta.get_field(name)
    assert isinstance(field, Field)  # a column, not a relation's other side
    return field


def _changed_fields(stored: Event, event: Event) -> list[str]:
    """The EDITED_FIELDS whose value `event` changes from `stored`."""
    return [
        name
        for name in EDITED_FIELDS
        if getattr(event, _field(name).attname) != getattr(stored, _field(name).attname)
    ]


def _log(event: Event, actor: Actor, action: LogAction, now: datetime, detail: str = "") -> None:
    """Who prepared the event how, in EventLog, in the change's transaction (`actor`
    signed in: the rights were checked)."""
    assert isinstance(actor, User)
    EventLog.objects.create(
        event=event, actor=actor, action=action, detail=detail[:REASON_MAX], at=now
    )


def _locked(event: Event) -> Event:
    """The event's row as stored, locked until the transaction ends: edits of one event
    queue."""
    return Event.objects.select_for_update().get(pk=event.pk)


@transaction.atomic
def save_event(actor: Actor, event: Event, now: datetime | None = None) -> Event:
    """Create `event` (no primary key yet: a draft, created by `actor`) or save the changes
    made to its fields (by a form).

    The actor must organise the event as stored, and may hold it as it now says (its place;
    Département staff alone for the Département's). A new event starts after `now`
    (default: the present). A cancelled event is not edited; a published one keeps the
    fields of FROZEN_ONCE_PUBLISHED, and a change of its REGISTRATION_WINDOW goes on to its
    waiting list (services.registration_window_changed). Raises PermissionDenied or
    ValidationError."""
    now = now or timezone.now()
    changed: list[str] = []
    if event.pk is None:
        _require_may_hold(actor, event)
        event.status = EventStatus.DRAFT
        event.created_by = actor  # signed in: _require_may_hold refuses anyone else
    else:
        stored = _locked(event)
        require_organiser(actor, stored)
        _require_may_hold(actor, event)
        if stored.status == EventStatus.CANCELLED:
            raise ValidationError("Cet événement est annulé : il ne se modifie plus.")
        event.status, event.seats_taken = stored.status, stored.seats_taken
        changed = _changed_fields(stored, event)
        if stored.status == EventStatus.PUBLISHED:
            frozen = {
                field: f"{label} d'un événement publié ne se modifie plus."
                for field, label in FROZEN_ONCE_PUBLISHED.items()
                if field in changed
            }
            if frozen:
                raise ValidationError(frozen)
    # No event is created at, or moved to, a closed place (one there already may be edited).
    moved = event.pk is None or "place" in changed
    _validate(event, now, place_errors(event) if moved else {})
    creating = event.pk is None
    event.save()
    if creating:
        _log(event, actor, LogAction.CREATED, now)
    elif changed:
        names = ", ".join(str(_field(name).verbose_name) for name in changed)
        _log(event, actor, LogAction.EDITED, now, names)
        if event.status == EventStatus.PUBLISHED and set(REGISTRATION_WINDOW) & set(changed):
            assert isinstance(actor, User)  # an organiser: require_organiser let them in
            services.registration_window_changed(actor, event, now)
    return event


def publish_errors(event: Event, now: datetime) -> dict[str, str]:
    """Why `event`, as it stands, may not be published at `now`, as French messages by
    field (empty: it may): it must start, and its registration close, after `now`."""
    if event.start <= now:
        return {"start": "L'événement a déjà commencé : il ne se publie plus."}
    if event.registration_closes_at <= now:
        return {
            "registration_closes_at": (
                "La clôture des inscriptions est passée : reportez-la avant de publier."
            )
        }
    return {}


@transaction.atomic
def publish(actor: Actor, event: Event, now: datetime | None = None) -> Event:
    """Publish a draft: it shows in the agenda, its page and the feeds, and people may
    register from its registration opening. It must start, and its registration close,
    after `now` (default: the present; publish_errors). Raises PermissionDenied or
    ValidationError."""
    now = now or timezone.now()
    event = require_organiser(actor, _locked(event))
    if event.status != EventStatus.DRAFT:
        raise ValidationError("Seul un brouillon se publie : cet événement l'est déjà.")
    if errors := place_errors(event) or publish_errors(event, now):
        raise ValidationError(errors)
    event.status = EventStatus.PUBLISHED
    event.save(update_fields=["status", "updated_at"])
    _log(event, actor, LogAction.PUBLISHED, now)
    return event


def organisable_places(actor: Actor) -> list[Place]:
    """The places where `actor` may hold an event, by name: every place for Département
    staff, the places an active manager manages."""
    return list(permissions.editable_places(actor).select_related("commune").order_by("name"))
