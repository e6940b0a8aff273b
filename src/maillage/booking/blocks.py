"""A manager blocks a space for part of a day (or over midnight, or several days): the use
cases adding and lifting a block (models.SpaceBlock), for the place's managers and
Département staff only, each atomic and recorded (who, when).

A block keeps slots out as an imported busy time does (sql.busy_meeting reads both:
booking, slots, the week view, the search). A block and a booking of the same space are
never decided at once: adding a block takes the space's row lock that conflicts with every
booking's (sql.lock_for_block, sql.lock_seats), then refuses when it would meet a booking
holding its slot; each booking reads the blocks after its own lock.
"""

from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from maillage.accounts.models import User
from maillage.booking import sql
from maillage.booking.models import Booking, SpaceBlock
from maillage.booking.services import SPACE_BUSY
from maillage.core.formatting import french_moment
from maillage.places import permissions
from maillage.places.models import Space
from maillage.places.permissions import NOT_YOUR_PLACE


class BlockHitsBookings(ValidationError):
    """A block would meet bookings holding their slot (`bookings`, earliest first, with
    their space and person): the manager cancels them first. Nothing was written."""

    def __init__(self, bookings: list[Booking]):
        self.bookings = bookings
        when = french_moment(bookings[0].start)
        if len(bookings) == 1:
            message = (
                f"Une réservation est prévue pendant ce blocage ({when}) : annulez-la "
                "d'abord, avec un motif, dans la gestion des réservations."
            )
        else:
            message = (
                f"{len(bookings)} réservations sont prévues pendant ce blocage (la première "
                f"{when}) : annulez-les d'abord, avec un motif, dans la gestion des réservations."
            )
        super().__init__({NON_FIELD_ERRORS: [message]})


def _require_manager(user: User | AnonymousUser, space: Space) -> User:
    if not permissions.can_edit_place(user, space.place) or not isinstance(user, User):
        raise PermissionDenied(NOT_YOUR_PLACE)
    return user


def in_force(space: Space, now: datetime | None = None) -> QuerySet[SpaceBlock]:
    """The space's blocks not lifted and not over at `now`, earliest first."""
    now = now or timezone.now()
    return SpaceBlock.objects.filter(space=space, removed_at__isnull=True, end__gt=now).order_by(
        "start", "pk"
    )


def bookings_hit(space: Space, start: datetime, end: datetime, now: datetime) -> list[Booking]:
    """The bookings of `space` holding their slot at `now` (a pending request past its
    deadline does not) that a block of [start, end) would meet, the space's buffers between
    them included, as the booking path judges them; earliest first."""
    terms = sql.space_terms(space.pk)
    if terms is None:
        raise Space.DoesNotExist(f"Space {space.pk} no longer exists.")
    gap = terms.rules.gap
    held = sql.holding_meeting(space.pk, start - gap, end + gap)
    hit = [b.pk for b in held if not b.is_stale(now) and b.meets(start - gap, end + gap)]
    if not hit:
        return []
    return list(
        Booking.objects.filter(pk__in=hit).select_related("space", "user").order_by("start", "pk")
    )


def add_block(
    user: User | AnonymousUser,
    space: Space,
    start: datetime,
    end: datetime,
    reason: str,
    *,
    now: datetime | None = None,
) -> SpaceBlock:
    """A manager of the space's place (or Département staff) blocks `space` over
    [start, end) (aware instants) for `reason` (one line): no booking, slot or search result
    meets it any more. Recorded with who (`created_by`) and when (`created_at`).

    Raises PermissionDenied («Vous ne gérez pas ce lieu.») for anyone else; ValidationError
    keyed by "start", "end" or "reason" when the block is not one (end not after start, over
    already, reason empty or on several lines), or under NON_FIELD_ERRORS when other
    bookings or blocks of the space are being decided (try again); BlockHitsBookings when it
    would meet bookings holding their slot. Nothing is written then."""
    actor = _require_manager(user, space)
    now = now or timezone.now()
    block = SpaceBlock(
        space=space, start=start, end=end, reason=reason, created_by=actor, created_at=now
    )
    errors: dict[str, list[str]] = {}
    try:
        block.full_clean(exclude=["space", "created_by", "removed_by"], validate_constraints=False)
    except ValidationError as error:
        errors = error.message_dict
    if end <= start:
        errors.setdefault("end", []).append("La fin du blocage doit être après son début.")
    elif end <= now:
        errors.setdefault("end", []).append(
            "Ce créneau est déjà passé : choisissez une fin à venir."
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        try:
            sql.lock_for_block(space.pk)
        except sql.SeatsBusy:
            raise ValidationError({NON_FIELD_ERRORS: [SPACE_BUSY.message]}) from None
        if hit := bookings_hit(space, start, end, now):
            raise BlockHitsBookings(hit)
        block.save()
    return block


def remove_block(
    user: User | AnonymousUser, block: SpaceBlock, *, now: datetime | None = None
) -> SpaceBlock:
    """A manager of the block's place (or Département staff) lifts `block`: its slots may be
    booked again. The block stays, recorded as lifted by `user` at `now`.

    Raises PermissionDenied («Vous ne gérez pas ce lieu.») for anyone else, ValidationError
    when it was lifted already (nothing is written then)."""
    actor = _require_manager(user, block.space)
    with transaction.atomic():
        block = SpaceBlock.objects.select_for_update().get(pk=block.pk)
        if block.removed_at is not None:
            raise ValidationError("Ce blocage est déjà levé.")
        block.removed_by, block.removed_at = actor, now or timezone.now()
        block.save(update_fields=["removed_by", "removed_at"])
    return block
