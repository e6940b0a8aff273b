"""Public booking pages: the search across spaces, a space's page with its week, and booking
it (a single date or a weekly series, previewed first)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from maillage.accounts.decorators import SignedInRequest, verified_email_required
from maillage.accounts.models import User
from maillage.booking import availability as core
from maillage.booking import funding, queries, services
from maillage.booking.forms import BookingForm, SearchForm, refusal_field
from maillage.booking.models import BookingStatus, Channel
from maillage.booking.presentation import (
    SUGGESTION_RADIUS_M,
    BookingRecap,
    booking_recap,
    map_features,
    nearby_suggestions,
    price_estimate,
    reachable,
    search_results,
    week_days,
)
from maillage.booking.price_lines import PriceLine, price_line, total_line
from maillage.booking.views.navigation import navigation_day
from maillage.core.paging import page_of
from maillage.core.text import count
from maillage.eligibility.models import ChildProfile
from maillage.eligibility.selectors import children_of
from maillage.places.models import Space

RESULTS_PER_PAGE = 20


def _search(request: HttpRequest) -> tuple[SearchForm, list[queries.SearchResult] | None]:
    form = SearchForm(request.GET or None, initial=SearchForm.initial_values())
    if not form.is_bound or not form.is_valid():
        return form, None
    return form, search_results(form)


def _price_shown(user: User, results: list[queries.SearchResult], form: SearchForm) -> None:
    """Fill in the signed-in person's price of the results shown (one batch of quotes: a
    number of queries that does not grow with the results)."""
    start, end = form.window
    people = form.cleaned_data["personnes"]
    priced = [r for r in results if r.price_cents is not None]
    now = timezone.now()
    quotes = funding.quote_many(
        [
            funding.QuoteRequest(
                person=user,
                space_id=r.space_id,
                place_id=r.place_id,
                space_kind=r.kind,
                start=start,
                end=end,
                seats=1 if r.is_exclusive else people,
                list_cents=r.price_cents or 0,
                now=now,
            )
            for r in priced
        ]
    )
    for result, quote in zip(priced, quotes, strict=True):
        result.price_line = price_line(quote)


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    form, results = _search(request)
    query_dict = request.GET.copy()
    query_dict.pop("page", None)
    query = query_dict.urlencode()
    page = page_of(request, results, RESULTS_PER_PAGE) if results else None
    # Nothing free in the commune asked: the nearest free spaces around it instead.
    suggestions = nearby_suggestions(form) if results == [] else []
    shown = list(page.object_list) if page is not None else suggestions
    if shown and request.user.is_authenticated:
        _price_shown(request.user, shown, form)
    return render(
        request,
        "booking/search.html",
        {
            "form": form,
            "results": results,
            "page": page,
            "suggestions": suggestions,
            "suggestion_km": SUGGESTION_RADIUS_M // 1000,
            "query": query,
            # Embedded in the page: the search runs once for the list and the map.
            "places_geojson": map_features(results or suggestions, query),
            "shows_fictional": any(r.place.is_fictional for r in results or suggestions),
        },
    )


def _children(request: HttpRequest) -> list[ChildProfile]:
    """The signed-in person's child profiles, whom they may book for."""
    return list(children_of(request.user)) if request.user.is_authenticated else []


def _bookable_space(pk: int) -> Space:
    return get_object_or_404(
        Space.objects.bookable(timezone.localdate())
        .select_related("place__commune")
        .prefetch_related("place__opening_hours", "place__closures"),
        pk=pk,
    )


PLAN_SALT = "maillage.booking.series-preview"
PLAN_MAX_AGE = 3600
# The person's price shown with the booking form, signed with the booking it is for.
PRICE_SALT = "maillage.booking.price-shown"
PRICE_MAX_AGE = 3600


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


def _price_key(request: HttpRequest, space: Space, form: BookingForm) -> dict[str, Any]:
    """What the price shown was for: who, the space, the window, the seats, for which child."""
    return {"person": request.user.pk, "space": space.pk, **_plan_key(form), "pour": form.child_id}


def _quote_of(
    user: User | AnonymousUser,
    space: Space,
    start: datetime,
    end: datetime,
    seats: int,
    child_id: int | None = None,
) -> funding.Quote | None:
    """The person's quote for booking `space` over [start, end) (a list price alone for
    someone not signed in), or None when no price of the space covers the window."""
    list_cents = price_estimate(space, start, end, seats)
    if list_cents is None:
        return None
    if not user.is_authenticated:
        return funding.Quote(list_cents=list_cents, person_cents=list_cents)
    return funding.quote(
        funding.QuoteRequest(
            person=user,
            space_id=space.pk,
            place_id=space.place_id,
            space_kind=space.kind,
            start=start,
            end=end,
            seats=1 if space.is_exclusive else seats,
            list_cents=list_cents,
            now=timezone.now(),
            beneficiary_child_id=child_id,
        )
    )


def _form_quote(request: HttpRequest, space: Space, form: BookingForm) -> funding.Quote | None:
    """The quote of a valid form's booking (its first date for a series)."""
    start, end = form.window
    return _quote_of(request.user, space, start, end, form.seats, form.child_id)


def _recapped(request: HttpRequest, space: Space, form: BookingForm) -> tuple[bool, int | None]:
    """Whether the page recapped exactly the booking posted (same person, space, window,
    seats and beneficiary, within PRICE_MAX_AGE), and the person's price it showed (cents;
    None when no price of the space covers the window)."""
    try:
        shown = signing.loads(request.POST.get("tarif", ""), salt=PRICE_SALT, max_age=PRICE_MAX_AGE)
    except signing.BadSignature:
        return False, None
    if not isinstance(shown, dict) or shown.get("key") != _price_key(request, space, form):
        return False, None
    person_cents = shown.get("person_cents")
    return True, person_cents if isinstance(person_cents, int) else None


def _bookable_window(request: HttpRequest, space: Space, form: BookingForm) -> bool:
    """Whether a valid form's single date may be booked now by this person (the rules
    booking applies: hours, closures, capacity, the past…, services.plan_series, writes
    nothing); if not, its refusals are added to the form, next to their fields."""
    start, end = form.window
    [occurrence] = services.plan_series(request.user, space.pk, start, end, 1, form.seats)
    _show_refusals(form, occurrence.violations)
    return occurrence.free


def _show_refusals(form: BookingForm, violations: Iterable[core.Violation]) -> None:
    """Each refusal under the form's field it concerns (refusal_field), else at its top."""
    for violation in violations:
        target = refusal_field(violation)
        form.add_error(target if target in form.fields else None, violation.message)


def _booking_known(form: BookingForm) -> bool:
    """Whether a posted form names a whole booking (its window and the fields the price
    depends on), whatever else was refused."""
    start, end = getattr(form, "instants", (None, None))
    named = {"date", "debut", "fin", "semaines"} <= form.cleaned_data.keys()
    return start is not None and end is not None and start < end and named


def _price_token(
    request: HttpRequest, space: Space, form: BookingForm, quote: funding.Quote | None
) -> str:
    """The recap shown, signed with the booking it is for (a valid form's): the person's
    price (None when no price covers the window). Booking once needs it (_book_once)."""
    return signing.dumps(
        {
            "key": _price_key(request, space, form),
            "person_cents": quote.person_cents if quote is not None else None,
        },
        salt=PRICE_SALT,
    )


@dataclass(frozen=True)
class SeriesPreview:
    """A series previewed: each weekly date with the rules it breaks and, when it is free,
    the person's price for it (`lines`, in the order of `plan`), each as it will be charged
    once the earlier dates are booked; the total of the free dates; the signed token the
    confirmation posts back (the series, for whom, and each date's price shown)."""

    plan: list[services.Occurrence]
    lines: list[PriceLine | None]
    total: PriceLine | None
    token: str

    @property
    def dates(self) -> list[tuple[services.Occurrence, PriceLine | None]]:
        return list(zip(self.plan, self.lines, strict=True))

    @property
    def free(self) -> list[services.Occurrence]:
        return [o for o in self.plan if o.free]


def _preview(request: SignedInRequest, space: Space, form: BookingForm) -> SeriesPreview:
    """The form's series with each free date's price, quoted date after date as booking
    them will charge them (services.quote_series); the prices shown travel signed."""
    start, end = form.window
    plan = services.plan_series(
        request.user, space.pk, start, end, form.cleaned_data["semaines"], form.seats
    )
    free = [o for o in plan if o.free]
    quotes = services.quote_series(
        request.user, space.pk, [(o.start, o.end) for o in free], form.seats, child_id=form.child_id
    )
    by_start = {o.start: q for o, q in zip(free, quotes, strict=True)}
    token = signing.dumps(
        {
            "key": _price_key(request, space, form),
            "prices": {at.isoformat(): q.person_cents for at, q in by_start.items()},
        },
        salt=PLAN_SALT,
    )
    return SeriesPreview(
        plan=plan,
        lines=[price_line(by_start[o.start]) if o.free else None for o in plan],
        total=total_line(quotes),
        token=token,
    )


def _space_page(
    request: HttpRequest,
    space: Space,
    form: BookingForm,
    day: date,
    preview: SeriesPreview | None = None,
    quote: funding.Quote | None = None,
    price_token: str = "",
    price_changed: bool = False,
    window: tuple[datetime, datetime] | None = None,
) -> HttpResponse:
    """The space's page showing the week of `day`, with the booking form, the person's
    price for its `window` (`quote`, signed in `price_token` for the booking posted next)
    or the series previewed (`preview`), recapped before the person commits;
    `price_changed`: a booking was just refused because its price changed, the form offers
    the new one."""
    monday = queries.week_start(day)
    week = queries.space_week(space, monday)
    recap: BookingRecap | None = None
    if preview is not None and preview.free:
        windows = [(o.start, o.end) for o in preview.free]
        recap = booking_recap(space, windows, preview.total, timezone.now(), series=True)
    elif preview is None and window is not None:
        line = price_line(quote) if quote is not None else None
        recap = booking_recap(space, [window], line, timezone.now(), series=False)
    return render(
        request,
        "booking/space.html",
        {
            "space": space,
            "place": space.place,
            "form": form,
            "plan": preview.dates if preview else None,
            "plan_free": preview.free if preview else [],
            # The series booked is the one previewed, at the prices shown: they travel signed.
            "plan_token": preview.token if preview else "",
            "plan_total": preview.total if preview else None,
            "price_line": price_line(quote) if quote is not None else None,
            "price_token": price_token,
            "price_changed": price_changed,
            "recap": recap,
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
    children = _children(request)
    form = BookingForm(space=space, initial=initial, children=children)
    quote, token, window = None, "", None
    if initial["debut"] and initial["fin"]:
        # The window the search asked for: its recap beside the form, or why it cannot be
        # booked (the form as filled, with its refusals).
        probe = BookingForm({**initial, "date": day.isoformat()}, space=space, children=children)
        if probe.is_valid() and _bookable_window(request, space, probe):
            window = probe.window
            quote = _form_quote(request, space, probe)
            token = _price_token(request, space, probe, quote)
        elif probe.errors:
            form = probe
    return _space_page(request, space, form, week, quote=quote, price_token=token, window=window)


def _previewed(request: HttpRequest, space: Space, form: BookingForm) -> dict[datetime, int] | None:
    """The price shown for each date (cents, by its start) when the posted series is the
    one previewed, for the same person and beneficiary; if not (None), it is previewed
    again."""
    try:
        previewed = signing.loads(
            request.POST.get("apercu", ""), salt=PLAN_SALT, max_age=PLAN_MAX_AGE
        )
    except signing.BadSignature:
        previewed = None
    if not isinstance(previewed, dict) or previewed.get("key") != _price_key(request, space, form):
        messages.info(request, "La série a changé depuis l'aperçu : voici les dates à jour.")
        return None
    return {datetime.fromisoformat(at): cents for at, cents in previewed["prices"].items()}


def _book_series(
    request: SignedInRequest, space: Space, form: BookingForm, shown: dict[datetime, int]
) -> HttpResponse:
    """Book the series previewed at the prices shown (a redirect to the person's bookings);
    raises BookingRefused as services.book_series does."""
    start, end = form.window
    _, booked, skipped = services.book_series(
        request.user,
        space.pk,
        start,
        end,
        form.cleaned_data["semaines"],
        form.seats,
        channel=Channel.PAGE,
        funded=services.FundedSeries(child_id=form.child_id, expect_person_cents=shown),
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


def _book_once(request: SignedInRequest, space: Space, form: BookingForm) -> HttpResponse | None:
    """Book the form's single date at the price the page recapped (a redirect), or, when the
    page did not recap exactly this booking (the person typed a window of their own, or
    changed it since), show its recap first (None: the page is shown again, to confirm)."""
    start, end = form.window
    recapped, shown = _recapped(request, space, form)
    if not recapped:
        if _bookable_window(request, space, form):
            messages.info(
                request, "Vérifiez le récapitulatif, puis confirmez en cliquant sur « Réserver »."
            )
        return None
    booking = services.book(
        request.user,
        space.pk,
        start,
        end,
        form.seats,
        channel=Channel.PAGE,
        funded=services.Funded(child_id=form.child_id, expect_person_cents=shown),
    )
    messages.success(
        request,
        "Demande enregistrée : le lieu doit la valider, vous recevrez sa réponse par courriel."
        if booking.status == BookingStatus.PENDING
        else "Réservation enregistrée : un courriel de confirmation vous est envoyé.",
    )
    return redirect("booking:my_bookings")


@require_POST
@verified_email_required
def book(request: SignedInRequest, pk: int) -> HttpResponse:
    space = _bookable_space(pk)
    form = BookingForm(request.POST, space=space, children=_children(request))
    preview = None
    price_changed = False
    if form.is_valid():
        weeks = form.cleaned_data["semaines"]
        try:
            if weeks == 1:
                if (done := _book_once(request, space, form)) is not None:
                    return done
            elif (
                request.POST.get("confirmer_serie")
                and (prices_shown := _previewed(request, space, form)) is not None
            ):
                return _book_series(request, space, form, prices_shown)
            else:
                preview = _preview(request, space, form)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        except services.BookingRefused as refusal:
            _show_refusals(form, refusal.violations)
            price_changed = any(
                v.code == core.ViolationCode.FUNDING_CHANGED for v in refusal.violations
            )
            if price_changed and weeks > 1:
                # The series at its new prices, offered to book.
                preview = _preview(request, space, form)
    quote, token, window = None, "", None
    if not preview and _booking_known(form) and (price_changed or not form.errors):
        # A booking to recap: one not recapped yet, or one refused for its price alone.
        window = form.window
        quote = _form_quote(request, space, form)
        token = _price_token(request, space, form, quote)
    # The week of the date asked, once it is known to be a real date in range.
    shown = form.cleaned_data.get("date") or timezone.localdate()
    return _space_page(
        request,
        space,
        form,
        shown,
        preview,
        quote=quote,
        price_token=token,
        price_changed=price_changed,
        window=window,
    )
