"""The managers' booking pages: their places with the requests awaiting a decision, a place's
day or week of bookings, and the actions on a booking (confirm, refuse, check in, no-show,
cancel)."""

from collections import Counter
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from maillage.accounts.decorators import SignedInRequest, login_required
from maillage.booking import availability as core
from maillage.booking import funding, queries, services
from maillage.booking.forms import ReasonForm
from maillage.booking.models import Booking, BookingStatus, CalendarFeed, Channel
from maillage.booking.presentation import history, reachable
from maillage.booking.views.navigation import navigation_day
from maillage.places import permissions
from maillage.places.models import Place

ACTIONS = {
    "confirmer": (services.confirm, "Demande acceptée : la personne en est informée."),
    "present": (services.check_in, "Présence constatée."),
    "absent": (services.mark_no_show, "Absence constatée."),
}

# What the manager's buttons are called in the page, by the status they lead to.
ACTION_NAMES = {
    BookingStatus.CONFIRMED: "confirmer",
    BookingStatus.REFUSED: "refuser",
    BookingStatus.CHECKED_IN: "present",
    BookingStatus.NO_SHOW: "absent",
    BookingStatus.CANCELLED: "annuler",
}


def _back(request: HttpRequest, default: str) -> str:
    """Where to go after an action: the page it came from, never another site."""
    target: str = request.POST.get("retour", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _managed_place(request: SignedInRequest, slug: str) -> Place:
    place = get_object_or_404(Place, slug=slug)
    if not permissions.can_edit_place(request.user, place):
        raise PermissionDenied("Vous ne gérez pas ce lieu.")
    return place


@require_safe
@login_required
def manager_home(request: SignedInRequest) -> HttpResponse:
    places = list(permissions.editable_places(request.user).order_by("name"))
    if not places:
        raise PermissionDenied("Cette page est réservée aux gestionnaires de lieux.")
    # The menu counts the requests of all these places: each place says its share.
    pending = Counter(
        Booking.objects.awaiting_decision(timezone.now())
        .filter(space__place__in=places)
        .values_list("space__place", flat=True)
    )
    for place in places:
        place.pending = pending[place.pk]  # type: ignore[attr-defined]  # extra for the template
    return render(request, "booking/manager_home.html", {"places": places})


@require_safe
@login_required
def manager_calendar(request: SignedInRequest, slug: str) -> HttpResponse:
    place = _managed_place(request, slug)
    view = request.GET.get("vue") or "jour"
    if view not in ("jour", "semaine"):
        messages.warning(request, "« Vue » : « jour » ou « semaine » attendu ; voici la vue jour.")
    week = view == "semaine"
    day = navigation_day(
        request,
        "jour",
        "Jour",
        "Voici la semaine en cours." if week else "Voici la journée d'aujourd'hui.",
    )
    first = queries.week_start(day) if week else day
    length = 7 if week else 1
    last = first + timedelta(days=length)
    start, end = core.local_days(first, last - timedelta(days=1))
    now = timezone.now()
    bookings = list(
        Booking.objects.filter(space__place=place, start__lt=end, end__gt=start)
        .exclude(status__in=[BookingStatus.EXPIRED])
        .select_related("space", "user")
        .with_history()
        .order_by("start", "space__name")
    )
    shares = funding.shares_of([booking.pk for booking in bookings])
    for booking in bookings:
        # Extras set on the instance for the template (attributes Booking lacks).
        booking.paid_by = shares.get(booking.pk, ())  # type: ignore[attr-defined]
        booking.actions = {ACTION_NAMES[a] for a in services.manager_actions(booking, now)}  # type: ignore[attr-defined]
        booking.history = history(booking, request.user, names=True)  # type: ignore[attr-defined]
    # Requests still open to a decision, wherever they fall: each links to its day.
    pending = list(
        Booking.objects.awaiting_decision(now)
        .filter(space__place=place)
        .select_related("space", "user")
        .order_by("start", "space__name")
    )
    feed = CalendarFeed.objects.filter(user=request.user).first()
    return render(
        request,
        "booking/manager_calendar.html",
        {
            "place": place,
            "bookings": bookings,
            "day": day,
            "week": week,
            "first": first,
            "last": last - timedelta(days=1),
            "previous": reachable(first - timedelta(days=length), length),
            "next": reachable(first + timedelta(days=length), length),
            "pending": pending,
            "feed_url": request.build_absolute_uri(
                reverse("booking:place_feed", args=[feed.token, place.slug])
            )
            if feed
            else None,
        },
    )


@require_POST
@login_required
def manager_action(request: SignedInRequest, pk: int, action: str) -> HttpResponse:
    # A booking of a place this person does not manage is as unknown as a missing one.
    booking = get_object_or_404(
        Booking.objects.select_related("space__place"),
        pk=pk,
        space__place__in=permissions.editable_places(request.user),
    )
    back = _back(request, reverse("booking:manager_calendar", args=[booking.space.place.slug]))
    reason_form = ReasonForm(request.POST)
    if not reason_form.is_valid():
        # Never act on a reason silently dropped: say what is wrong, change nothing.
        for error in reason_form.errors["motif"]:
            messages.error(request, f"Motif : {error}")
        return redirect(back)
    reason = reason_form.cleaned_data["motif"]
    try:
        if action == "refuser":
            services.refuse(request.user, booking, reason, channel=Channel.PAGE)
            done = "Demande refusée : la personne reçoit votre motif."
        elif action == "annuler":
            services.cancel(request.user, booking, reason, channel=Channel.PAGE)
            done = "Réservation annulée : la personne reçoit votre motif."
        elif action in ACTIONS:
            change, done = ACTIONS[action]
            change(request.user, booking, channel=Channel.PAGE)
        else:
            raise PermissionDenied("Action inconnue.")
    except services.BookingRefused as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, done)
    return redirect(back)
