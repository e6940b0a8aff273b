"""What bookings make of a place's closure: a closure may not fall on bookings.

Registered into places.services (register_closure_guard) when the app is ready: places saves
closures and knows nothing of bookings; booking says whether one would strand any. A manager
closing a place over bookings sees them first (queries.holding_during), then close_place
cancels them and adds the closure in one transaction.
"""

from collections.abc import Collection
from datetime import date, datetime

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from maillage.accounts.models import User
from maillage.booking import services, sql
from maillage.booking.models import BookingStatus, Channel
from maillage.booking.queries import holding_during
from maillage.core.formatting import french_moment
from maillage.places import permissions
from maillage.places import services as places_services
from maillage.places.models import Closure, Place
from maillage.places.permissions import NOT_YOUR_PLACE
from maillage.places.schedule import DateRange


def stranded_bookings(place: Place, closure: DateRange) -> str | None:
    """Why closing `place` over `closure` (Paris days, both ends included) is refused: the
    bookings that hold a slot of its spaces on those days (pending or confirmed), counted,
    with the first one's day and hour, in French; None when there are none. The manager
    cancels them first, with a reason the people booked are told.

    Run in the transaction saving the closure (places.services.save_closures), it first
    takes each space's lock for blocks (sql.lock_for_block): a booking being decided is
    waited for and seen, and one decided after reads the closure (services._lock_seats)."""
    try:
        for space_id in place.spaces.order_by("pk").values_list("pk", flat=True):
            sql.lock_for_block(space_id)
    except sql.SeatsBusy:
        return "Des réservations de ce lieu sont en cours : réessayez dans quelques secondes."
    stranded = holding_during(place.pk, closure.start, closure.end)
    if not stranded:
        return None
    when = french_moment(stranded[0].start)
    if len(stranded) == 1:
        return (
            f"Une réservation est prévue pendant cette fermeture ({when}) : annulez-la "
            "d'abord, avec un motif, dans la gestion des réservations."
        )
    return (
        f"{len(stranded)} réservations sont prévues pendant cette fermeture (la première "
        f"{when}) : annulez-les d'abord, avec un motif, dans la gestion des réservations."
    )


@transaction.atomic
def close_place(
    user: User | AnonymousUser,
    place: Place,
    *,
    start_date: date,
    end_date: date,
    reason: str,
    seen: Collection[int],
    channel: Channel,
    now: datetime | None = None,
) -> tuple[Closure, int]:
    """A manager of `place` (or Département staff) closes it from `start_date` to `end_date`
    (Paris days, both included) for `reason`, having been shown the bookings it hits
    (booking.queries.holding_during): their ids are `seen`. Each pending request is refused and each
    confirmed booking cancelled with `reason`, the person told by email, then the closure
    is added (places.services.add_closure). Returns the closure and how many bookings were
    cancelled or refused.

    Raises PermissionDenied for anyone else; ValidationError under "end_date" when the
    bookings hit are no longer those seen (a booking came or went meanwhile), or for the
    closure rules (places.services.closure_errors: a past booking marked present or absent
    stays and refuses it). Nothing is written then."""
    if not permissions.can_edit_place(user, place):
        raise PermissionDenied(NOT_YOUR_PLACE)
    hit = holding_during(place.pk, start_date, end_date)
    if {booking.pk for booking in hit} != set(seen):
        raise ValidationError(
            {
                "end_date": "Les réservations touchées par cette fermeture ont changé depuis "
                "l'aperçu : vérifiez la liste à jour avant de confirmer."
            }
        )
    told = f"Fermeture exceptionnelle du lieu : {reason}"
    changed = 0
    for booking in hit:
        if booking.status == BookingStatus.PENDING:
            services.refuse(user, booking, told, now, channel=channel)
        elif booking.status == BookingStatus.CONFIRMED:
            services.cancel(user, booking, told, now, channel=channel, places_initiative=True)
        else:
            continue
        changed += 1
    closure = places_services.add_closure(
        user, place, start_date=start_date, end_date=end_date, reason=reason
    )
    return closure, changed
