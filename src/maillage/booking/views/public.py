"""Public booking pages: the search across spaces, a space's page with its week, and booking
it (a single date or a weekly series, previewed first)."""

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from maillage.accounts.decorators import SignedInRequest, verified_email_required
from maillage.booking import availability as core
from maillage.booking import queries, services
from maillage.booking.forms import BookingForm, SearchForm
from maillage.booking.models import BookingStatus, Channel
from maillage.booking.presentation import (
    distance_label,
    map_features,
    price_estimate,
    reachable,
    week_days,
)
from maillage.booking.views.navigation import navigation_day
from maillage.core.paging import page_of
from maillage.core.text import count
from maillage.places.models import Space

RESULTS_PER_PAGE = 20


def _search(request: HttpRequest) -> tuple[SearchForm, list[queries.SearchResult] | None]:
    form = SearchForm(request.GET or None, initial=SearchForm.initial_values())
    if not form.is_bound or not form.is_valid():
        return form, None
    data = form.cleaned_data
    start, end = form.window
    near = (data["lat"], data["lon"]) if data.get("lat") is not None else None
    results = queries.search_spaces(
        start,
        end,
        data["personnes"],
        kind=data["type"] or None,
        commune_code=data["commune"].insee_code if data["commune"] else None,
        near=near,
    )
    for result in results:
        result.price_cents = price_estimate(result, start, end, data["personnes"])
        result.distance_label = (
            distance_label(result.distance_m) if result.distance_m is not None else None
        )
    return form, results


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    form, results = _search(request)
    query_dict = request.GET.copy()
    query_dict.pop("page", None)
    query = query_dict.urlencode()
    page = page_of(request, results, RESULTS_PER_PAGE) if results else None
    return render(
        request,
        "booking/search.html",
        {
            "form": form,
            "results": results,
            "page": page,
            "query": query,
            # Embedded in the page: the search runs once for the list and the map.
            "places_geojson": map_features(results or [], query),
            "shows_fictional": any(r.place.is_fictional for r in results or []),
        },
    )


def _bookable_space(pk: int) -> Space:
    return get_object_or_404(
        Space.objects.bookable(timezone.localdate())
        .select_related("place__commune")
        .prefetch_related("place__opening_hours", "place__closures"),
        pk=pk,
    )


PLAN_SALT = "maillage.booking.series-preview"
PLAN_MAX_AGE = 3600


def _plan_key(form: BookingForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "date": data["date"].isoformat(),
        "debut": data["debut"].strftime("%H:%M"),
        "fin": data["fin"].strftime("%H:%M"),
        "debut_occurrence": data["debut_occurrence"],
        "fin_occurrence": data["fin_occurrence"],
        "semaines": data["semaines"],
        "postes": form.seats,
    }


def _space_page(
    request: HttpRequest,
    space: Space,
    form: BookingForm,
    day: date,
    plan: list[services.Occurrence] | None = None,
) -> HttpResponse:
    """The space's page showing the week of `day`, with the booking form."""
    monday = queries.week_start(day)
    week = queries.space_week(space, monday)
    return render(
        request,
        "booking/space.html",
        {
            "space": space,
            "place": space.place,
            "form": form,
            "plan": plan,
            "plan_free": [o for o in plan if o.free] if plan else [],
            # The series booked is the one previewed: its parameters travel signed.
            "plan_token": signing.dumps(_plan_key(form), salt=PLAN_SALT) if plan else "",
            "days": week_days(week),
            "monday": monday,
            "previous_week": reachable(monday - timedelta(days=7), 7),
            "next_week": reachable(monday + timedelta(days=7), 7),
            "shows_fictional": space.place.is_fictional,
        },
        status=400 if form.errors else 200,
    )


@require_safe
def space(request: HttpRequest, pk: int) -> HttpResponse:
    space = _bookable_space(pk)
    day = navigation_day(request, "date", "Date", "La date du jour est proposée à la place.")
    if request.GET.get("semaine"):
        week = navigation_day(request, "semaine", "Semaine", "Voici la semaine en cours.")
    else:
        week = day
    initial = {
        "date": day,
        "debut": request.GET.get("debut"),
        "fin": request.GET.get("fin"),
        "postes": request.GET.get("personnes") or 1,
        "semaines": 1,
    }
    return _space_page(request, space, BookingForm(space=space, initial=initial), week)


# Rules about the day rather than the time of day are shown under the date field.
DAY_RULES = {
    core.ViolationCode.PAST_START,
    core.ViolationCode.DURING_CLOSURE,
    core.ViolationCode.TOO_FAR_AHEAD,
    core.ViolationCode.TOO_LITTLE_NOTICE,
}


def _form_field(violation: core.Violation) -> str | None:
    if violation.code in DAY_RULES:
        return "date"
    return {"start": "debut", "end": "fin", "seats": "postes"}.get(violation.field)


def _previewed(request: HttpRequest, form: BookingForm) -> bool:
    """Whether the posted series is the one previewed; if not, it is previewed again."""
    try:
        previewed = signing.loads(
            request.POST.get("apercu", ""), salt=PLAN_SALT, max_age=PLAN_MAX_AGE
        )
    except signing.BadSignature:
        previewed = None
    if previewed != _plan_key(form):
        messages.info(request, "La série a changé depuis l'aperçu : voici les dates à jour.")
        return False
    return True


@require_POST
@verified_email_required
def book(request: SignedInRequest, pk: int) -> HttpResponse:
    space = _bookable_space(pk)
    form = BookingForm(request.POST, space=space)
    plan = None
    if form.is_valid():
        start, end = form.window
        weeks = form.cleaned_data["semaines"]
        try:
            if weeks == 1:
                booking = services.book(
                    request.user, space.pk, start, end, form.seats, channel=Channel.PAGE
                )
                messages.success(
                    request,
                    "Demande enregistrée : le lieu doit la valider, vous recevrez sa réponse "
                    "par courriel."
                    if booking.status == BookingStatus.PENDING
                    else "Réservation enregistrée : un courriel de confirmation vous est envoyé.",
                )
                return redirect("booking:my_bookings")
            if request.POST.get("confirmer_serie") and _previewed(request, form):
                _, booked, skipped = services.book_series(
                    request.user, space.pk, start, end, weeks, form.seats, channel=Channel.PAGE
                )
                asked = bool(booked) and booked[0].status == BookingStatus.PENDING
                made = (
                    count(len(booked), "demande enregistrée", "demandes enregistrées")
                    + ", à valider par le lieu"
                    if asked
                    else count(len(booked), "réservation enregistrée", "réservations enregistrées")
                )
                messages.success(
                    request,
                    made
                    + (
                        f" ; {count(len(skipped), 'date indisponible', 'dates indisponibles')}."
                        if skipped
                        else "."
                    ),
                )
                return redirect("booking:my_bookings")
            plan = services.plan_series(request.user, space.pk, start, end, weeks, form.seats)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        except services.BookingRefused as refusal:
            for violation in refusal.violations:
                target = _form_field(violation)
                form.add_error(target if target in form.fields else None, violation.message)
    # The week of the date asked, once it is known to be a real date in range.
    shown = form.cleaned_data.get("date") or timezone.localdate()
    return _space_page(request, space, form, shown, plan)
