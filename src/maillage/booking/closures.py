"""What bookings make of a place's closure: a closure may not fall on bookings.

Registered into places.services (register_closure_guard) when the app is ready: places saves
closures and knows nothing of bookings; booking says whether one would strand any.
"""

from maillage.booking.queries import holding_during
from maillage.core.formatting import french_moment
from maillage.places.models import Place
from maillage.places.schedule import DateRange


def stranded_bookings(place: Place, closure: DateRange) -> str | None:
    """Why closing `place` over `closure` (Paris days, both ends included) is refused: the
    bookings that hold a slot of its spaces on those days (pending or confirmed), counted,
    with the first one's day and hour, in French; None when there are none. The manager
    cancels them first, with a reason the people booked are told."""
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
