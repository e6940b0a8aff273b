"""How booking data reads on the pages: the space's week grid, prices shown as estimates,
distances, the search map's features and the reach of navigation links. No request here:
the views pass what these helpers need."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, TypedDict

from django.urls import reverse
from django.utils import timezone

from maillage.accounts.models import User
from maillage.booking import availability as core
from maillage.booking.forms import SearchForm
from maillage.booking.lifecycle import cancellation_deadline
from maillage.booking.models import Booking, BookingEvent, BookingStatus, Channel
from maillage.booking.notifications import place_contact
from maillage.booking.price_lines import PriceLine
from maillage.booking.pricing import NoPriceCoversIt, booking_price_cents
from maillage.booking.queries import SearchResult, search_spaces
from maillage.core.dates import read_range
from maillage.core.text import kilometre_label
from maillage.places.models import Space, space_title


def reachable(first_day: date, days: int) -> date | None:
    """Where a navigation link to the `days` days from `first_day` (a week, a day) should
    point: their first day inside the public read range (core.dates.read_range), or None when
    none is (the page then offers no link past the range)."""
    allowed = read_range(timezone.localdate())
    last_day = first_day + timedelta(days=days - 1)
    if last_day < allowed.first or first_day > allowed.last:
        return None
    return max(first_day, allowed.first)


def price_estimate(
    space: Space | SearchResult, start: datetime, end: datetime, people: int
) -> int | None:
    """The price in cents of the window for a space or a search result (both carry the
    prices), or None when no price of the space covers it."""
    try:
        return booking_price_cents(
            end - start,
            1 if space.is_exclusive else people,
            space.price_hour_cents,
            space.price_half_day_cents,
            space.price_day_cents,
        )
    except NoPriceCoversIt:
        return None


def free_spaces(form: SearchForm) -> list[SearchResult]:
    """The free spaces a valid SearchForm asks for (queries.search_spaces: by space id, or
    nearest first then by space id near a point), not yet priced (see `describe`)."""
    data = form.cleaned_data
    start, end = form.window
    near = (data["lat"], data["lon"]) if data.get("lat") is not None else None
    return search_spaces(
        start,
        end,
        data["personnes"],
        kind=data["type"] or None,
        commune_code=data["commune"].insee_code if data["commune"] else None,
        near=near,
    )


def describe(results: list[SearchResult], form: SearchForm) -> list[SearchResult]:
    """`results` (of free_spaces(form)), each given its price for the window (`price_cents`,
    None when no price covers it) and, near a point, its `distance_label`; the same list.
    A page of results is described alone: pricing costs as much as searching."""
    start, end = form.window
    for result in results:
        result.price_cents = price_estimate(result, start, end, form.cleaned_data["personnes"])
        result.distance_label = (
            distance_label(result.distance_m) if result.distance_m is not None else None
        )
    return results


def search_results(form: SearchForm) -> list[SearchResult]:
    """Every free space a valid SearchForm asks for, described (free_spaces, describe)."""
    return describe(free_spaces(form), form)


# What a search in a commune without a free space suggests instead: this many spaces at most,
# within this many metres (straight line) of the point searched or the commune's centroid.
SUGGESTED_SPACES = 5
SUGGESTION_RADIUS_M = 5_000


def nearby_suggestions(form: SearchForm) -> list[SearchResult]:
    """For a valid SearchForm in one commune: the SUGGESTED_SPACES free spaces nearest to the
    point searched (or the commune's centroid) within SUGGESTION_RADIUS_M metres, in any
    commune, for the same window, people and kind, nearest first, each with its
    `distance_label` in kilometres («2,3 km»); empty without a commune. Meant for a search
    that found nothing: a search with results needs no suggestion."""
    data = form.cleaned_data
    commune = data["commune"]
    if commune is None:
        return []
    start, end = form.window
    near = (
        (data["lat"], data["lon"])
        if data.get("lat") is not None
        else (commune.centroid_lat, commune.centroid_lon)
    )
    found = search_spaces(start, end, data["personnes"], kind=data["type"] or None, near=near)
    nearest = [r for r in found if (r.distance_m or 0.0) <= SUGGESTION_RADIUS_M]
    suggested = describe(nearest[:SUGGESTED_SPACES], form)
    for result in suggested:
        result.distance_label = kilometre_label(result.distance_m or 0.0)
    return suggested


def distance_label(metres: float) -> str:
    """«850 m» below a kilometre, «1,2 km» from there (French decimal comma)."""
    if round(metres) < 1000:
        return f"{round(metres)}\u00a0m"
    return kilometre_label(metres).replace(",0\u00a0", "\u00a0")


def map_features(results: Iterable[SearchResult], query: str) -> dict[str, Any]:
    """The search results as a GeoJSON FeatureCollection (RFC 7946, longitude first) for the
    page's map; each feature links to its space's page with the search's `query` string."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [r.place.longitude, r.place.latitude]},
                "properties": {
                    "name": r.full_name,
                    "status": "open",
                    "status_label": r.kind_label,
                    "commune": r.place.commune,
                    "url": f"{reverse('booking:space', args=[r.space_id])}?{query}",
                    "fictional": r.place.is_fictional,
                },
            }
            for r in results
        ],
    }


def earliest_start(now: datetime, granularity: timedelta) -> datetime:
    """The first start on the space's granularity at or after `now`, on the Paris clock."""
    local = timezone.localtime(now).replace(tzinfo=None)
    midnight = datetime.combine(local.date(), time())
    steps = -(-(local - midnight) // granularity)  # rounded up
    return core.wall_clock_instant(midnight + steps * granularity)


class WeekDay(TypedDict):
    """A day of the space page's week grid (see week_days)."""

    date: date
    free: list[tuple[datetime, datetime]]  # free intervals, Paris time
    seats: list[tuple[datetime, datetime, int]]  # desks: free seats from start to end
    open: bool
    closed: bool
    past: bool
    bookable_from: date | None  # beyond the space's horizon: the day it becomes bookable


def week_days(week: core.Availability, now: datetime | None = None) -> list[WeekDay]:
    """Each day of the week (queries.space_week's answer) with its free intervals (and free
    seats for desks), in Paris time, for the space page's grid. Time already gone is not free:
    past days are marked so, today's intervals start no earlier than the next bookable start."""
    now = now or timezone.now()
    earliest = earliest_start(now, week.rules.granularity)
    today = timezone.localdate(now)
    days: list[WeekDay] = []
    first = timezone.localtime(week.start).date()
    for offset in range(7):
        day = first + timedelta(days=offset)
        free = [
            (timezone.localtime(max(s, earliest)), timezone.localtime(e))
            for s, e in week.free
            if timezone.localtime(s).date() == day and e > earliest
        ]
        seats = [
            (
                timezone.localtime(max(step.start, earliest)),
                timezone.localtime(step.end),
                step.free_seats,
            )
            for step in week.free_seats
            if timezone.localtime(step.start).date() == day and step.end > earliest
        ]
        opening = [(s, e) for s, e in week.opening if timezone.localtime(s).date() == day]
        closed = any(timezone.localtime(s).date() == day for s, _ in week.closed)
        # Today counts as past once its opening hours are over.
        past = day < today or (day == today and all(e <= earliest for _, e in opening))
        # Beyond the space's horizon (the booking form's last day): free, but not bookable yet.
        advance = week.rules.max_advance
        too_far = advance is not None and day > today + advance
        bookable_from = day - advance if too_far and advance is not None else None
        days.append(
            {
                "date": day,
                "free": free,
                "seats": seats,
                "open": bool(opening),
                "closed": closed,
                "past": past,
                "bookable_from": bookable_from,
            }
        )
    return days


# What a change did, by the status it led to; a booking's first row says it was made.
CREATED = {
    BookingStatus.PENDING: "Créée (en attente de validation)",
    BookingStatus.CONFIRMED: "Créée",
}
EVENT_LABELS = {
    BookingStatus.CONFIRMED: "Confirmée",
    BookingStatus.REFUSED: "Refusée",
    BookingStatus.CANCELLED: "Annulée",
    BookingStatus.CHECKED_IN: "Présent·e",
    BookingStatus.NO_SHOW: "Absent·e",
    BookingStatus.EXPIRED: "Expirée",
}


@dataclass(frozen=True)
class HistoryLine:
    """One change of a booking as a page shows it, in French."""

    at: datetime
    label: str  # what happened: «Créée», «Annulée»…
    actor: str  # who: «vous», «le lieu», «le Département», «système», or a name
    channel: str  # through what: «site», «API», «back-office», «commande»
    reason: str


def _actor_label(event: BookingEvent, booking: Booking, viewer: User, *, names: bool) -> str:
    """Who made the change, as `viewer` may know it: the person who booked sees roles only
    (`names` False: never another person's name or address); managers and staff see the
    names of those who acted on the booking for the place."""
    actor = event.actor
    if actor is None:
        return "système"
    if actor.pk == viewer.pk:
        return "vous"
    if names:
        # A walk-in's booking was made by a manager, named like any other.
        return "la personne" if booking.belongs_to(actor.pk) else str(actor)
    if actor.is_superuser or actor.is_departement_staff:
        return "le Département"
    return "le lieu"


def history(booking: Booking, viewer: User, *, names: bool) -> list[HistoryLine]:
    """The booking's history, oldest first, for `viewer` (see _actor_label for `names`).
    Reads booking.events as BookingQuerySet.with_history prefetched them."""
    return [
        HistoryLine(
            at=event.at,
            label=(CREATED if event.from_status is None else EVENT_LABELS)[
                BookingStatus(event.to_status)
            ],
            actor=_actor_label(event, booking, viewer, names=names),
            channel=Channel(event.channel).label,
            reason=event.reason,
        )
        for event in booking.events.all()
    ]


@dataclass(frozen=True)
class BookingRecap:
    """What a person commits to, shown before they book: the space (`title`, «Place —
    Space»), each date's window (`windows`, aware [start, end) pairs, in order), the price
    (`price`: a series' total), the place's payment terms ("" when it gave none) and
    contact, its cancellation notice (`notice_hours`), the first date's cancellation
    deadline (`first_deadline`, aware; `first_deadline_passed` when booking now already
    falls after it) and whether the place validates bookings first."""

    title: str
    series: bool
    windows: list[tuple[datetime, datetime]]
    price: PriceLine | None
    payment_terms: str
    contact: str
    notice_hours: int
    first_deadline: datetime
    first_deadline_passed: bool
    requires_approval: bool

    @property
    def first(self) -> tuple[datetime, datetime]:
        return self.windows[0]

    @property
    def last(self) -> tuple[datetime, datetime]:
        return self.windows[-1]


def booking_recap(
    space: Space,
    windows: list[tuple[datetime, datetime]],
    price: PriceLine | None,
    now: datetime,
    *,
    series: bool,
) -> BookingRecap:
    """The recap of booking `space` over `windows` (at least one; a series' free dates) at
    `price`, as of `now`; the deadline is the one cancelling enforces
    (lifecycle.cancellation_deadline)."""
    place = space.place
    deadline = cancellation_deadline(windows[0][0], place.cancellation_notice_hours)
    return BookingRecap(
        title=space_title(place.name, space.name),
        series=series,
        windows=windows,
        price=price,
        payment_terms=place.payment_terms.strip(),
        contact=place_contact(place),
        notice_hours=place.cancellation_notice_hours,
        first_deadline=deadline,
        first_deadline_passed=now > deadline,
        requires_approval=place.requires_approval,
    )
