"""Use cases on places: each checks the actor's rights, validates, and writes atomically."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from maillage.places import permissions, schedule
from maillage.places.models import (
    Closure,
    Equipment,
    OpeningHours,
    Place,
    Service,
    Space,
    today_in_paris,
)

if TYPE_CHECKING:
    from maillage.accounts.models import User

NOT_YOUR_PLACE = "Vous ne gérez pas ce lieu."


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


@transaction.atomic
def create_place(
    actor: User,
    *,
    services: Iterable[Service | int] = (),
    managers: Iterable[User | int] = (),
    **fields: Any,
) -> Place:
    _require(
        permissions.can_create_place(actor),
        "Seuls les agents du Département peuvent créer un lieu.",
    )
    place = Place(**fields)
    place.full_clean()
    place.save()
    place.services.set(services)
    place.managers.set(managers)
    return place


@transaction.atomic
def update_place(actor: User, place: Place, **fields: Any) -> Place:
    _require(permissions.can_edit_place(actor, place), NOT_YOUR_PLACE)
    if "status" in fields and fields["status"] != place.status:
        _require(
            permissions.can_change_status(actor, place),
            "Seuls les agents du Département peuvent changer le statut d'un lieu.",
        )
    place = Place.objects.select_for_update().get(pk=place.pk)
    for name, value in fields.items():
        setattr(place, name, value)
    place.full_clean()
    place.save()
    return place


@transaction.atomic
def set_managers(actor: User, place: Place, managers: Iterable[User | int]) -> None:
    _require(permissions.can_edit_place(actor, place), NOT_YOUR_PLACE)
    place.managers.set(managers)


@transaction.atomic
def add_space(
    actor: User, place: Place, *, equipment: Iterable[Equipment | int] = (), **fields: Any
) -> Space:
    _require(permissions.can_edit_place(actor, place), NOT_YOUR_PLACE)
    space = Space(place=place, **fields)
    space.full_clean()
    space.save()
    space.equipment.set(equipment)
    return space


@transaction.atomic
def replace_opening_hours(actor: User, place: Place, ranges: list[schedule.OpeningRange]) -> None:
    """Set a place's whole week of opening hours at once."""
    _require(permissions.can_edit_place(actor, place), NOT_YOUR_PLACE)
    errors = schedule.opening_hours_errors(ranges)
    if errors:
        raise ValidationError({"opening_hours": errors})
    OpeningHours.objects.filter(place=place).delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(place=place, weekday=r.weekday, opens=r.opens, closes=r.closes) for r in ranges
    )


@transaction.atomic
def add_closure(
    actor: User, place: Place, *, start_date: date, end_date: date, reason: str
) -> Closure:
    _require(permissions.can_edit_place(actor, place), NOT_YOUR_PLACE)
    # Lock the place so that two closures added at once are checked against each other.
    Place.objects.select_for_update().filter(pk=place.pk).first()
    closure = Closure(place=place, start_date=start_date, end_date=end_date, reason=reason)
    closure.full_clean()
    others = [c.as_range() for c in place.closures.all()]
    errors = schedule.closure_errors(closure.as_range(), today_in_paris(), others)
    if errors:
        raise ValidationError({"end_date": errors})
    closure.save()
    return closure
