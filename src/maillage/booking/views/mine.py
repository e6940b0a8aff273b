"""A person's own bookings: the list, cancelling a booking or a series, one booking as an
iCalendar file, and the calendar feeds (the person's bookings; a managed place's bookings)
read by calendar apps."""

from django.conf import settings
from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from maillage.accounts.decorators import SignedInRequest, login_required
from maillage.booking import availability as core
from maillage.booking import funding, services
from maillage.booking.calendar import booking_file, calendar_of, person_calendar
from maillage.booking.models import Booking, BookingSeries, BookingStatus, CalendarFeed, Channel
from maillage.booking.presentation import history
from maillage.booking.price_lines import booked_prices, given_back_lines
from maillage.core.text import count
from maillage.places import permissions
from maillage.places.models import Place

# Bookings still to come for the person; the others (cancelled, refused...) are history.
UPCOMING_STATUSES = (BookingStatus.PENDING, BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN)


@require_safe
@login_required
def my_bookings(request: SignedInRequest) -> HttpResponse:
    now = timezone.now()
    mine = (
        Booking.objects.own(request.user.pk).select_related("space__place__commune").with_history()
    )
    to_come = Q(end__gt=now, status__in=UPCOMING_STATUSES)
    upcoming = list(mine.filter(to_come).order_by("start"))
    past = list(mine.exclude(to_come).order_by("-start")[:50])
    # The extras below are set on the instances for the templates (attributes Booking lacks).
    prices = booked_prices(upcoming + past, for_person=True)
    for booking in upcoming + past:
        booking.history = history(booking, request.user, names=False)  # type: ignore[attr-defined]
        booking.price_text = prices[booking.pk]  # type: ignore[attr-defined]
    can_cancel: dict[int, bool] = {}
    for booking in upcoming:
        refusal = services.booker_cancellation_refusal(booking, now)
        can_cancel[booking.pk] = refusal is None
        booking.can_cancel = can_cancel[booking.pk]  # type: ignore[attr-defined]
        # Its status already tells why a request that is over cannot be withdrawn.
        booking.cancel_note = (  # type: ignore[attr-defined]
            refusal.messages[0]
            if refusal and core.ViolationCode.STATUS not in refusal.codes
            else ""
        )
    # A series is cancelled all or nothing: only when each of its dates still can be.
    blocked_series = {
        b.series_id for b in upcoming if b.series_id and b.start > now and not can_cancel[b.pk]
    }
    for booking in upcoming:
        booking.can_cancel_series = (  # type: ignore[attr-defined]
            can_cancel[booking.pk] and booking.series_id not in blocked_series
        )
    feed = CalendarFeed.objects.filter(user=request.user).first()
    feed_url = (
        request.build_absolute_uri(reverse("booking:feed", args=[feed.token])) if feed else None
    )
    return render(
        request,
        "booking/my_bookings.html",
        {
            "upcoming": upcoming,
            "past": past,
            "feed_url": feed_url,
            "webcal_url": _webcal(feed_url) if feed_url else None,
        },
    )


def _webcal(url: str) -> str | None:
    """The `webcal://` address of a feed's absolute `url`, which phones open in their calendar
    app to subscribe; None for a plain http address outside DEBUG (the feed's secret token
    is only handed to a calendar app over https)."""
    scheme, rest = url.split("://", 1)
    if scheme == "https" or settings.DEBUG:
        return f"webcal://{rest}"
    return None


def _confirm_cancellation(
    request: SignedInRequest, bookings: list[Booking], series: BookingSeries | None = None
) -> HttpResponse:
    """The page asking to confirm cancelling `bookings` (a series' when `series` is set),
    telling which programmes get back what they took of the person's rights: the booker
    cancels within the place's notice, so each share is given back."""
    shares = funding.shares_of([booking.pk for booking in bookings])
    given_back = given_back_lines([share for held in shares.values() for share in held])
    return render(
        request,
        "booking/cancel_confirm.html",
        {"bookings": bookings, "series": series, "given_back": given_back},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def cancel(request: SignedInRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST cancels."""
    booking = get_object_or_404(
        Booking.objects.own(request.user.pk).select_related("space__place__commune"), pk=pk
    )
    if request.method != "POST":
        return _confirm_cancellation(request, [booking])
    try:
        services.cancel(request.user, booking, channel=Channel.PAGE)
    except services.BookingRefused as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, f"Réservation « {booking.space.full_name} » annulée.")
    return redirect("booking:my_bookings")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def cancel_series(request: SignedInRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST cancels every occurrence still to come."""
    series = get_object_or_404(
        BookingSeries.objects.select_related("space__place"), pk=pk, user=request.user
    )
    upcoming = list(
        series.bookings.holding()
        .filter(start__gt=timezone.now())
        .select_related("space__place__commune")
        .order_by("start")
    )
    if request.method != "POST":
        return _confirm_cancellation(request, upcoming, series)
    try:
        cancelled = services.cancel_series(request.user, series, channel=Channel.PAGE)
    except services.BookingRefused as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(
            request,
            f"Série « {series.space.full_name} » annulée : "
            f"{count(len(cancelled), 'réservation', 'réservations')}.",
        )
    return redirect("booking:my_bookings")


@require_safe
@login_required
def booking_ics(request: SignedInRequest, pk: int) -> HttpResponse:
    """One of the person's bookings as an iCalendar file (calendar.booking_file), downloaded;
    someone else's booking is a 404."""
    booking = get_object_or_404(
        Booking.objects.own(request.user.pk).select_related("space__place__commune"), pk=pk
    )
    response = HttpResponse(booking_file(booking), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="reservation-{booking.pk}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def renew_feed(request: SignedInRequest) -> HttpResponse:
    renewed = services.renew_feed(request.user)
    messages.success(
        request,
        "Nouvelle adresse d'agenda créée ; l'ancienne ne fonctionne plus."
        if renewed
        else "Adresse d'agenda créée.",
    )
    return redirect("booking:my_bookings")


@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    owner = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token).user
    bookings = Booking.objects.own(owner.pk).select_related("space__place__commune")
    # The person's registrations to workshops too (events registers them as a source).
    response = HttpResponse(
        person_calendar(owner, bookings, "Mes réservations — Maillage"),
        content_type="text/calendar",
    )
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_safe
def place_feed(request: HttpRequest, token: str, slug: str) -> HttpResponse:
    owner = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token).user
    place = get_object_or_404(Place, slug=slug)
    permissions.require_editable(owner, place)
    bookings = (
        Booking.objects.filter(space__place=place).holding().select_related("space__place__commune")
    )
    return HttpResponse(
        calendar_of(bookings, f"Réservations — {place.name}"), content_type="text/calendar"
    )
