"""Which shares programmes owe the places: the one reading of «honoured», for the statements
and the staff's dashboard.

A share (programmes.models.BookingShare) is honoured, and owed to its place, when it was not
given back and its booking was checked in, marked absent, or cancelled with the share kept
(a late cancellation under the programme's late rule «le lieu est payé»: an early one, or a
late one under «la part est rendue», gave it back), or its event registration was marked
present or absent, or cancelled with the share kept. Not given back and not honoured yet, it
is committed: booked, the place not owed yet.
"""

from __future__ import annotations

from typing import Any

from django.db.models import BigIntegerField, Case, F, Q, QuerySet, When
from django.db.models.functions import Coalesce

from maillage.booking.models import BookingStatus
from maillage.events.models import RegistrationStatus
from maillage.programmes.models import BookingShare

# A booking's statuses once the place has done its part (or the person forfeited it).
HONOURED_BOOKING_STATUSES = (
    BookingStatus.CHECKED_IN,
    BookingStatus.NO_SHOW,
    BookingStatus.CANCELLED,
)


def honoured() -> Q:
    """The condition on BookingShare of a share owed to its place (the module's rule)."""
    return Q(released_at__isnull=True) & (
        Q(booking__status__in=HONOURED_BOOKING_STATUSES)
        | Q(registration__attended__isnull=False)
        | Q(registration__status=RegistrationStatus.CANCELLED)
    )


def shares_with_amounts(shares: QuerySet[BookingShare] | None = None) -> QuerySet[Any]:
    """`shares` (default: all) annotated with `owed_cents` (its cents when honoured, else 0),
    `committed_cents` (its cents when neither given back nor honoured, else 0), `place_ref`
    (the id of the place of its booking's space or of its event) and `served_at` (the
    booking's or the event's start, an aware instant). Typed Any: the annotations are not
    fields the type checker knows."""
    shares = BookingShare.objects.all() if shares is None else shares
    return shares.annotate(
        # Typed: 0 and the cents are of different field kinds (a FieldError otherwise).
        owed_cents=Case(
            When(honoured(), then=F("cents")), default=0, output_field=BigIntegerField()
        ),
        committed_cents=Case(
            When(released_at__isnull=False, then=0),
            When(honoured(), then=0),
            default=F("cents"),
            output_field=BigIntegerField(),
        ),
        place_ref=Coalesce("booking__space__place_id", "registration__event__place_id"),
        served_at=Coalesce("booking__start", "registration__event__start"),
    )
