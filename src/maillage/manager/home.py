"""The managers' home (/gestion/): what needs them today across their places — today's and
the coming week's bookings, the requests awaiting a decision (those expiring within 24 hours
first), the events they organise with registrations awaiting approval («N à valider»),
recent cancellations, and what each place's profile still lacks."""

from datetime import timedelta

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from maillage.accounts.decorators import SignedInRequest, login_required
from maillage.booking import availability as core
from maillage.booking.models import HOLDING_STATUSES, Booking, BookingStatus
from maillage.events.permissions import organised_events
from maillage.manager.bookings import managed_places
from maillage.places.completeness import missing

# How far the home looks: requests expiring soon, cancellations lately, the coming days.
EXPIRING_WITHIN = timedelta(hours=24)
RECENT_CANCELLATIONS = timedelta(days=7)
COMING_DAYS = 7
# The most rows a section lists; the bookings pages show the rest.
SHOWN = 50


@require_safe
@login_required
def home(request: SignedInRequest) -> HttpResponse:
    """The home of the managers' workspace (Paris days): today's bookings, the coming
    COMING_DAYS days', requests to decide (expiring within EXPIRING_WITHIN first), the last
    RECENT_CANCELLATIONS' cancellations, the coming events they organise with
    registrations awaiting approval (one query), SHOWN rows at most each; what their own
    places' profiles lack. 403 for someone who manages no place."""
    now = timezone.now()
    today = timezone.localdate(now)
    places = managed_places(request.user)
    theirs = Booking.objects.filter(space__place__in=places).select_related("space__place", "user")
    start_today, end_today = core.local_days(today, today)
    _, end_coming = core.local_days(today, today + timedelta(days=COMING_DAYS))
    held = theirs.filter(status__in=[*HOLDING_STATUSES, BookingStatus.PENDING]).exclude(
        status=BookingStatus.PENDING, pending_until__lte=now
    )
    awaiting = theirs.awaiting_decision(now).order_by("pending_until", "start")
    # A manager's own places (staff see every place's bookings, but lists of their own).
    own = list(
        request.user.managed_places.prefetch_related("photos", "opening_hours", "spaces").order_by(
            "name"
        )
    )
    return render(
        request,
        "manager/home/home.html",
        {
            "manager_section": "home",
            "today": today,
            "today_bookings": list(
                held.filter(start__lt=end_today, end__gt=start_today).order_by("start")[:SHOWN]
            ),
            "coming": list(
                held.filter(start__gte=end_today, start__lt=end_coming).order_by("start")[:SHOWN]
            ),
            "coming_last": today + timedelta(days=COMING_DAYS),
            "expiring": list(awaiting.filter(pending_until__lte=now + EXPIRING_WITHIN)[:SHOWN]),
            "later": list(awaiting.filter(pending_until__gt=now + EXPIRING_WITHIN)[:SHOWN]),
            "cancelled": list(
                theirs.filter(
                    status=BookingStatus.CANCELLED, cancelled_at__gte=now - RECENT_CANCELLATIONS
                )
                .select_related("cancelled_by")
                .order_by("-cancelled_at")[:SHOWN]
            ),
            "profiles": [(place, missing(place)) for place in own],
            "events_awaiting": list(
                organised_events(request.user)
                .filter(end__gt=now)
                .having_awaiting()
                .with_awaiting()
                .select_related("place")
                .order_by("start", "pk")[:SHOWN]
            ),
        },
    )
