"""Use cases on places: each checks the actor's rights, validates, and writes atomically.

Every write of a place, a space, opening hours or closures goes through here: the back-office
(places.admin), the demo loader, the tests. A function raises PermissionDenied (French message)
when the actor may not, ValidationError (fields named, French) when the data breaks a rule, and
then writes nothing.

Apps above places add their own rules about closures without places importing them: booking
registers, when it is ready, a guard refusing a closure over bookings (register_closure_guard).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from maillage.places import manager_access, permissions, schedule
from maillage.places.models import (
    Closure,
    Equipment,
    OpeningHours,
    Place,
    PlacePhoto,
    Service,
    Space,
    today_in_paris,
)
from maillage.places.permissions import NOT_YOUR_PLACE

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from maillage.accounts.models import User

    # Who acts: a request's user (the rights refuse an anonymous one).
    Actor = User | AnonymousUser


# A rule of another app about closing a place over some days: (place, closure) → why it is
# refused, in French, or None. Called only for a place already saved.
ClosureGuard = Callable[[Place, schedule.DateRange], str | None]
_closure_guards: list[ClosureGuard] = []


def register_closure_guard(guard: ClosureGuard) -> None:
    """Have `guard` judge every new or moved closure (once, however often registered)."""
    if guard not in _closure_guards:
        _closure_guards.append(guard)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _locked(place: Place) -> Place:
    """The place's row, locked until the transaction ends: edits of one place queue."""
    return Place.objects.select_for_update().get(pk=place.pk)


@transaction.atomic
def save_place(
    actor: Actor,
    place: Place,
    *,
    services: Iterable[Service | int] | None = None,
    managers: Iterable[User | int] | None = None,
) -> Place:
    """Create `place` (no primary key yet) or save the changes made to its fields (by a form,
    or by update_place); `services` and `managers`, when given, replace the place's lists.

    Creating a place and changing its status need Département rights; editing one needs the
    rights on it as stored (places.permissions). Raises PermissionDenied, or ValidationError
    for the model's rules (status transitions, coordinates in the commune…)."""
    if place.pk is None:
        _require(
            permissions.can_create_place(actor),
            "Seuls les agents du Département peuvent créer un lieu.",
        )
    else:
        stored = _locked(place)
        _require(permissions.can_edit_place(actor, stored), NOT_YOUR_PLACE)
        if place.status != stored.status:
            _require(
                permissions.can_change_status(actor, stored),
                "Seuls les agents du Département peuvent changer le statut d'un lieu.",
            )
    place.full_clean()
    place.save()
    if services is not None:
        place.services.set(services)
    if managers is not None:
        manager_access.replace_managers(actor, place, managers)
    return place


def create_place(
    actor: Actor,
    *,
    services: Iterable[Service | int] = (),
    managers: Iterable[User | int] = (),
    **fields: Any,
) -> Place:
    """A new place with these model fields (save_place's rights and errors)."""
    return save_place(actor, Place(**fields), services=services, managers=managers)


@transaction.atomic
def update_place(actor: Actor, place: Place, **fields: Any) -> Place:
    """The stored place with these model fields changed (save_place's rights and errors)."""
    place = _locked(place)
    for name, value in fields.items():
        setattr(place, name, value)
    return save_place(actor, place)


@transaction.atomic
def set_managers(actor: Actor, place: Place, managers: Iterable[User | int]) -> None:
    """Replace the place's managers (the rights on the place are needed), each grant and
    withdrawal logged (places.manager_access)."""
    _require(permissions.can_edit_place(actor, _locked(place)), NOT_YOUR_PLACE)
    manager_access.replace_managers(actor, place, managers)


@transaction.atomic
def delete_place(actor: Actor, place: Place) -> None:
    """Delete a place (Département rights), with what belongs to it (its photos' files
    once the deletion commits)."""
    _require(
        permissions.can_delete_place(actor, place),
        "Seuls les agents du Département peuvent supprimer un lieu.",
    )
    files = list(PlacePhoto.objects.filter(place=place).values_list("image", flat=True))
    place.delete()
    _delete_files_on_commit(files)


@transaction.atomic
def save_space(
    actor: Actor, space: Space, *, equipment: Iterable[Equipment | int] | None = None
) -> Space:
    """Create or save `space`; `equipment`, when given, replaces its list. The rights on its
    place are needed, and on the place it was in when it moves. Raises PermissionDenied or
    ValidationError (the model's rules: capacity, prices, booking terms)."""
    _require(permissions.can_edit_place(actor, _locked(space.place)), NOT_YOUR_PLACE)
    if space.pk is not None:
        before = Space.objects.select_related("place").filter(pk=space.pk).first()
        if before is not None and before.place_id != space.place_id:
            _require(permissions.can_edit_place(actor, before.place), NOT_YOUR_PLACE)
    space.full_clean()
    space.save()
    if equipment is not None:
        space.equipment.set(equipment)
    return space


def add_space(
    actor: Actor, place: Place, *, equipment: Iterable[Equipment | int] = (), **fields: Any
) -> Space:
    """A new space of `place` with these model fields (save_space's rights and errors)."""
    return save_space(actor, Space(place=place, **fields), equipment=equipment)


@transaction.atomic
def delete_space(actor: Actor, space: Space) -> None:
    """Delete a space (the rights on its place as stored are needed)."""
    place_id = Space.objects.filter(pk=space.pk).values_list("place_id", flat=True).get()
    _require(permissions.can_edit_place(actor, _locked(Place(pk=place_id))), NOT_YOUR_PLACE)
    space.delete()


def _delete_files_on_commit(names: list[str]) -> None:
    """Delete photos' stored files (MEDIA_ROOT, served publicly) once the transaction that
    deleted or replaced them commits; on a rollback the rows, and their files, stay."""
    storage = PlacePhoto._meta.get_field("image").storage
    names = [name for name in names if name]

    def delete() -> None:
        for name in names:
            storage.delete(name)

    if names:
        transaction.on_commit(delete, robust=True)


@transaction.atomic
def save_photo(actor: Actor, photo: PlacePhoto) -> PlacePhoto:
    """Add or change a photo of its place (the rights on the place are needed). The model's
    validators judge the file (places.photos: format by content, 5 MB, 40 megapixels) and
    its description; the stored copy is re-encoded without metadata (PlacePhoto.save).
    Raises PermissionDenied, or ValidationError naming the field."""
    _require(permissions.can_edit_place(actor, _locked(photo.place)), NOT_YOUR_PLACE)
    photo.full_clean()
    before = PlacePhoto.objects.filter(pk=photo.pk).values_list("image", flat=True).first()
    photo.save()
    if before and before != photo.image.name:
        _delete_files_on_commit([before])  # the file it replaces
    return photo


@transaction.atomic
def delete_photo(actor: Actor, photo: PlacePhoto) -> None:
    """Delete a photo (the rights on its place as stored are needed), and its file once the
    deletion commits."""
    place_id, name = PlacePhoto.objects.filter(pk=photo.pk).values_list("place_id", "image").get()
    _require(permissions.can_edit_place(actor, _locked(Place(pk=place_id))), NOT_YOUR_PLACE)
    photo.delete()
    _delete_files_on_commit([name])


@transaction.atomic
def replace_opening_hours(actor: Actor, place: Place, ranges: list[schedule.OpeningRange]) -> None:
    """Set a place's whole week of opening hours at once (`ranges`: Paris wall-clock times).
    Raises ValidationError under "opening_hours" for a range ending before it starts or two
    ranges of a day that overlap."""
    _require(permissions.can_edit_place(actor, _locked(place)), NOT_YOUR_PLACE)
    errors = schedule.opening_hours_errors(ranges)
    if errors:
        raise ValidationError({"opening_hours": errors})
    OpeningHours.objects.filter(place=place).delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(place=place, weekday=r.weekday, opens=r.opens, closes=r.closes) for r in ranges
    )


def closure_errors(
    place: Place,
    kept: list[schedule.DateRange],
    new: list[schedule.DateRange],
    *,
    guards: bool = True,
) -> list[str]:
    """Why a place's closures as they would be are refused: `kept` are those left as they
    are, `new` those added or moved. Each new one is judged by schedule.closure_errors
    (length, how far back or ahead, overlaps with the others) and, for a place already
    saved and unless `guards` is False (a preview that shows what they would say), by the
    registered guards (booking: no closure over bookings). Sorted, each message once; empty
    when the closures may be saved."""
    today = today_in_paris()
    errors = []
    for index, closure in enumerate(new):
        errors += schedule.closure_errors(closure, today, [*kept, *new[index + 1 :]])
        if guards and place.pk is not None:
            errors += [message for guard in _closure_guards if (message := guard(place, closure))]
    return sorted(set(errors))


@transaction.atomic
def save_closures(
    actor: Actor, place: Place, *, saved: Iterable[Closure] = (), deleted: Iterable[Closure] = ()
) -> None:
    """Add or change the `saved` closures of `place` and delete the `deleted` ones, judged
    together (closure_errors) with the place locked, so that two edits at once are checked
    against each other. Raises PermissionDenied, or ValidationError under "end_date"."""
    _require(permissions.can_edit_place(actor, _locked(place)), NOT_YOUR_PLACE)
    saved, deleted = list(saved), list(deleted)
    stored = {closure.pk: closure.as_range() for closure in place.closures.all()}
    for closure in [*saved, *deleted]:
        # Only this place's closures, as stored: not one of another place renamed.
        if closure.place_id != place.pk or (closure.pk is not None and closure.pk not in stored):
            raise PermissionDenied(NOT_YOUR_PLACE)
    for closure in saved:
        closure.full_clean()
    touched = {closure.pk for closure in [*saved, *deleted]}
    kept = [dates for pk, dates in stored.items() if pk not in touched]
    new = []
    for closure in saved:
        if stored.get(closure.pk) == closure.as_range():
            kept.append(closure.as_range())  # its reason only changes
        else:
            new.append(closure.as_range())
    errors = closure_errors(place, kept, new)
    if errors:
        raise ValidationError({"end_date": errors})
    Closure.objects.filter(place=place, pk__in=[closure.pk for closure in deleted]).delete()
    for closure in saved:
        closure.save()


def add_closure(
    actor: Actor, place: Place, *, start_date: date, end_date: date, reason: str
) -> Closure:
    """A new closure of `place` over these Paris days, both included (save_closures's rights
    and errors)."""
    closure = Closure(place=place, start_date=start_date, end_date=end_date, reason=reason)
    save_closures(actor, place, saved=[closure])
    return closure
