from collections import Counter
from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from maillage.accounts.decorators import login_required, verified_email_required
from maillage.booking import availability as core
from maillage.booking import queries, services
from maillage.booking.calendar import calendar_of
from maillage.booking.forms import BookingForm, ReasonForm, SearchForm
from maillage.booking.models import Booking, BookingSeries, BookingStatus, CalendarFeed
from maillage.booking.pricing import NoPriceCoversIt, booking_price_cents
from maillage.core.dates import DateRefused, parse_date, read_range
from maillage.core.paging import page_of
from maillage.core.text import count, french_number
from maillage.places import permissions
from maillage.places.models import Place, Space

ACTIONS = {
    "confirmer": (services.confirm, "Demande acceptée : la personne en est informée."),
    "present": (services.check_in, "Présence constatée."),
    "absent": (services.mark_no_show, "Absence constatée."),
}


def _navigation_day(request, name: str, label: str, instead: str) -> date:
    """The day the URL's `name` parameter names, within the public read range
    (core.dates.read_range); today when absent. A malformed, impossible or out-of-range day
    shows today instead, with a French message naming the parameter, the allowed range and
    what is shown (`instead`)."""
    today = timezone.localdate()
    raw = request.GET.get(name)
    if not raw:
        return today
    try:
        return read_range(today).check(parse_date(raw, label), label)
    except DateRefused as refusal:
        messages.warning(request, f"{refusal} {instead}")
        return today


def _reachable(first_day: date, days: int) -> date | None:
    """Where a navigation link to the `days` days from `first_day` (a week, a day) should
    point: their first day inside the public read range, or None when none is (the page then
    offers no link past the range)."""
    allowed = read_range(timezone.localdate())
    last_day = first_day + timedelta(days=days - 1)
    if last_day < allowed.first or first_day > allowed.last:
        return None
    return max(first_day, allowed.first)


def _back(request, default: str) -> str:
    """Where to go after an action: the page it came from, never another site."""
    target = request.POST.get("retour", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _estimate(space, start, end, people: int) -> int | None:
    """The price of the window for a space or a search result (both carry the prices)."""
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


def _distance(metres: float) -> str:
    """«850 m» below a kilometre, «1,2 km» from there (French decimal comma)."""
    if round(metres) < 1000:
        return f"{round(metres)}\u00a0m"
    kilometres = french_number(metres / 1000, 1).removesuffix(",0")
    return f"{kilometres}\u00a0km"


def _search(request):
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
        result.price_cents = _estimate(result, start, end, data["personnes"])
        result.distance_label = (
            _distance(result.distance_m) if result.distance_m is not None else None
        )
    return form, results


RESULTS_PER_PAGE = 20


def _map_features(results, query: str) -> dict:
    """The results as GeoJSON for the page's map."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [r.place.longitude, r.place.latitude]},
                "properties": {
                    "name": f"{r.name} — {r.place.name}",
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


@require_safe
def search(request):
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
            "places_geojson": _map_features(results or [], query),
            "shows_fictional": bool(results) and any(r.place.is_fictional for r in results),
        },
    )


def _earliest_start(now: datetime, granularity: timedelta) -> datetime:
    """The first start on the space's granularity at or after `now`, on the Paris clock."""
    local = timezone.localtime(now).replace(tzinfo=None)
    midnight = datetime.combine(local.date(), time())
    steps = -(-(local - midnight) // granularity)  # rounded up
    return core.wall_clock_instant(midnight + steps * granularity)


def _week_days(week, now: datetime | None = None):
    """Each day of the week with its free intervals (and free seats for desks), in text.
    Time already gone is not free: past days are marked so, today's intervals start no
    earlier than the next bookable start."""
    now = now or timezone.now()
    earliest = _earliest_start(now, week.rules.granularity)
    today = timezone.localdate(now)
    days = []
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
        days.append(
            {
                "date": day,
                "free": free,
                "seats": seats,
                "open": bool(opening),
                "closed": closed,
                "past": past,
                "bookable_from": day - advance if too_far else None,
            }
        )
    return days


def _bookable_space(pk) -> Space:
    return get_object_or_404(
        Space.objects.bookable(timezone.localdate())
        .select_related("place__commune")
        .prefetch_related("place__opening_hours", "place__closures"),
        pk=pk,
    )


PLAN_SALT = "maillage.booking.series-preview"
PLAN_MAX_AGE = 3600


def _plan_key(form: BookingForm) -> dict:
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


def _space_page(request, space: Space, form: BookingForm, day: date, plan=None):
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
            "days": _week_days(week),
            "monday": monday,
            "previous_week": _reachable(monday - timedelta(days=7), 7),
            "next_week": _reachable(monday + timedelta(days=7), 7),
            "shows_fictional": space.place.is_fictional,
        },
        status=400 if form.errors else 200,
    )


@require_safe
def space(request, pk):
    space = _bookable_space(pk)
    day = _navigation_day(request, "date", "Date", "La date du jour est proposée à la place.")
    if request.GET.get("semaine"):
        week = _navigation_day(request, "semaine", "Semaine", "Voici la semaine en cours.")
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


def _form_field(violation) -> str | None:
    if violation.code in DAY_RULES:
        return "date"
    return {"start": "debut", "end": "fin", "seats": "postes"}.get(violation.field)


def _previewed(request, form: BookingForm) -> bool:
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
def book(request, pk):
    space = _bookable_space(pk)
    form = BookingForm(request.POST, space=space)
    plan = None
    if form.is_valid():
        start, end = form.window
        weeks = form.cleaned_data["semaines"]
        try:
            if weeks == 1:
                booking = services.book(request.user, space.pk, start, end, form.seats)
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
                    request.user, space.pk, start, end, weeks, form.seats
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


# Bookings still to come for the person; the others (cancelled, refused...) are history.
UPCOMING_STATUSES = (BookingStatus.PENDING, BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN)


@require_safe
@login_required
def my_bookings(request):
    now = timezone.now()
    mine = Booking.objects.filter(user=request.user).select_related("space__place__commune")
    to_come = Q(end__gt=now, status__in=UPCOMING_STATUSES)
    upcoming = list(mine.filter(to_come).order_by("start"))
    for booking in upcoming:
        refusal = services.booker_cancellation_refusal(booking, now)
        booking.can_cancel = refusal is None  # type: ignore[attr-defined]  # for the page
        # Its status already tells why a request that is over cannot be withdrawn.
        booking.cancel_note = (  # type: ignore[attr-defined]  # for the page
            refusal.messages[0]
            if refusal and core.ViolationCode.STATUS not in refusal.codes
            else ""
        )
    # A series is cancelled all or nothing: only when each of its dates still can be.
    blocked_series = {
        b.series_id
        for b in upcoming
        if b.series_id and b.start > now and not b.can_cancel  # type: ignore[attr-defined]  # for the page
    }
    for booking in upcoming:
        booking.can_cancel_series = booking.can_cancel and booking.series_id not in blocked_series  # type: ignore[attr-defined]  # for the page
    feed = CalendarFeed.objects.filter(user=request.user).first()
    return render(
        request,
        "booking/my_bookings.html",
        {
            "upcoming": upcoming,
            "past": mine.exclude(to_come).order_by("-start")[:50],
            "feed_url": request.build_absolute_uri(reverse("booking:feed", args=[feed.token]))
            if feed
            else None,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def cancel(request, pk):
    """GET asks for confirmation; POST cancels."""
    booking = get_object_or_404(
        Booking.objects.select_related("space__place__commune"), pk=pk, user=request.user
    )
    if request.method == "GET":
        return render(request, "booking/cancel_confirm.html", {"bookings": [booking]})
    try:
        services.cancel(request.user, booking)
    except services.BookingRefused as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, "Réservation annulée.")
    return redirect("booking:my_bookings")


@require_http_methods(["GET", "POST"])
@login_required
def cancel_series(request, pk):
    """GET asks for confirmation; POST cancels every occurrence still to come."""
    series = get_object_or_404(BookingSeries, pk=pk, user=request.user)
    upcoming = list(
        series.bookings.holding()
        .filter(start__gt=timezone.now())
        .select_related("space__place__commune")
        .order_by("start")
    )
    if request.method == "GET":
        return render(
            request, "booking/cancel_confirm.html", {"bookings": upcoming, "series": series}
        )
    try:
        cancelled = services.cancel_series(request.user, series)
    except services.BookingRefused as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(
            request,
            f"Série annulée : {count(len(cancelled), 'réservation', 'réservations')}.",
        )
    return redirect("booking:my_bookings")


@require_POST
@login_required
def renew_feed(request):
    renewed = CalendarFeed.objects.filter(user=request.user).delete()[0] > 0
    CalendarFeed.objects.create(user=request.user)
    messages.success(
        request,
        "Nouvelle adresse d'agenda créée ; l'ancienne ne fonctionne plus."
        if renewed
        else "Adresse d'agenda créée.",
    )
    return redirect("booking:my_bookings")


@require_safe
def feed(request, token):
    owner = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token).user
    bookings = Booking.objects.filter(user=owner).select_related("space__place__commune")
    response = HttpResponse(
        calendar_of(bookings, "Mes réservations — Maillage"), content_type="text/calendar"
    )
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_safe
def place_feed(request, token, slug):
    owner = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token).user
    place = get_object_or_404(Place, slug=slug)
    if not permissions.can_edit_place(owner, place):
        raise PermissionDenied("Vous ne gérez pas ce lieu.")
    bookings = (
        Booking.objects.filter(space__place=place).holding().select_related("space__place__commune")
    )
    return HttpResponse(
        calendar_of(bookings, f"Réservations — {place.name}"), content_type="text/calendar"
    )


# What the manager's buttons are called in the page, by the status they lead to.
ACTION_NAMES = {
    BookingStatus.CONFIRMED: "confirmer",
    BookingStatus.REFUSED: "refuser",
    BookingStatus.CHECKED_IN: "present",
    BookingStatus.NO_SHOW: "absent",
    BookingStatus.CANCELLED: "annuler",
}


def _managed_place(request, slug) -> Place:
    place = get_object_or_404(Place, slug=slug)
    if not permissions.can_edit_place(request.user, place):
        raise PermissionDenied("Vous ne gérez pas ce lieu.")
    return place


@require_safe
@login_required
def manager_home(request):
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
        place.pending = pending[place.pk]  # type: ignore[attr-defined]  # for the page
    return render(request, "booking/manager_home.html", {"places": places})


@require_safe
@login_required
def manager_calendar(request, slug):
    place = _managed_place(request, slug)
    view = request.GET.get("vue") or "jour"
    if view not in ("jour", "semaine"):
        messages.warning(request, "« Vue » : « jour » ou « semaine » attendu ; voici la vue jour.")
    week = view == "semaine"
    day = _navigation_day(
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
        .order_by("start", "space__name")
    )
    for booking in bookings:
        booking.actions = {ACTION_NAMES[a] for a in services.manager_actions(booking, now)}  # type: ignore[attr-defined]  # for the page
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
            "previous": _reachable(first - timedelta(days=length), length),
            "next": _reachable(first + timedelta(days=length), length),
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
def manager_action(request, pk, action):
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
            services.refuse(request.user, booking, reason)
            done = "Demande refusée : la personne reçoit votre motif."
        elif action == "annuler":
            services.cancel(request.user, booking, reason)
            done = "Réservation annulée : la personne reçoit votre motif."
        elif action in ACTIONS:
            change, done = ACTIONS[action]
            change(request.user, booking)
        else:
            raise PermissionDenied("Action inconnue.")
    except services.BookingRefused as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, done)
    return redirect(back)
