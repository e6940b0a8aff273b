"""The managers' bookings pages (/gestion/reservations/): the bookings of their places by
day, by week or as a list, filtered by place, space, status and dates; the person's name and
address to reach them; the actions on a booking (accept, refuse, present, absent, cancel with a
reason, through booking.services); the same selection as a CSV file. Paris dates throughout."""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from maillage.accounts.decorators import SignedInRequest, login_required
from maillage.accounts.models import User
from maillage.booking import availability as core
from maillage.booking import funding, queries, services
from maillage.booking.forms import IsoDateField, ReasonForm
from maillage.booking.models import Booking, BookingQuerySet, BookingStatus, CalendarFeed, Channel
from maillage.booking.presentation import history
from maillage.core.dates import read_range
from maillage.core.paging import page_of
from maillage.core.spreadsheet import amount as _amount
from maillage.core.spreadsheet import cell as _cell
from maillage.core.text import ascii_digits
from maillage.places import permissions
from maillage.places.models import Place, Space
from maillage.places.permissions import MANAGERS_ONLY
from maillage.places.permissions import NOT_YOUR_PLACE as NOT_YOURS

# The longest period the list (and its CSV file) covers, in days.
MAX_LIST_DAYS = 366
# The list's period when no end date is given, in days from the first.
DEFAULT_LIST_DAYS = 30
PER_PAGE = 100

# What the manager's buttons are called in the page, by the status they lead to.
ACTION_NAMES = {
    BookingStatus.CONFIRMED: "confirmer",
    BookingStatus.REFUSED: "refuser",
    BookingStatus.CHECKED_IN: "present",
    BookingStatus.NO_SHOW: "absent",
    BookingStatus.CANCELLED: "annuler",
}
DONE = {
    "confirmer": "Demande acceptée : la personne en est informée.",
    "refuser": "Demande refusée : la personne reçoit votre motif.",
    "present": "Présence constatée.",
    "absent": "Absence constatée.",
    "annuler": "Réservation annulée : la personne reçoit votre motif.",
}
# The reason's field of each action that asks for one, by action: its id prefix and label.
REASON_FIELDS = {
    "refuser": ("refus", "Motif du refus"),
    "annuler": ("annulation", "Motif de l'annulation"),
}
VIEWS = [("liste", "Liste"), ("jour", "Jour"), ("semaine", "Semaine")]
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def managed_places(user: User) -> list[Place]:
    """The places `user` manages (every place for Département staff) by name, or
    PermissionDenied with a French message for anyone who manages none."""
    places = list(permissions.editable_places(user).order_by("name"))
    if not places:
        raise PermissionDenied(MANAGERS_ONLY)
    return places


def contact_href(booking: Booking) -> str:
    """The link reaching who a booking is for: «mailto:» their address, or «tel:» a
    walk-in's phone number (digits and a leading +)."""
    contact = booking.person_contact
    if "@" in contact:
        return f"mailto:{contact}"
    return "tel:" + "".join(c for c in contact if ascii_digits(c) or c == "+")


class BookingFilter(forms.Form):
    """The bookings page's filters (GET). `lieu` is a place's slug and `espace` a space's id:
    they are read among every place (a place the user does not manage is then refused by the
    view with a 403, not called unknown); `du` is the day shown (day view), a day of the week
    shown (week view) or the first day of the list, `au` the list's last day (default: 30 days
    on). Dates within core.dates.read_range."""

    vue = forms.ChoiceField(label="Vue", choices=VIEWS, required=False)
    lieu = forms.CharField(label="Lieu", required=False, widget=forms.Select)
    espace = forms.IntegerField(
        label="Espace", required=False, min_value=1, max_value=2**31 - 1, widget=forms.Select
    )
    statut = forms.ChoiceField(
        label="Statut",
        choices=[("", "Tous sauf expirées"), *BookingStatus.choices],
        required=False,
    )
    du = IsoDateField(label="Du", required=False, widget=DATE_INPUT)
    au = IsoDateField(label="Au (vue liste)", required=False, widget=DATE_INPUT)

    def __init__(self, data: QueryDict, places: list[Place], today: date) -> None:
        """`places`: those the user manages, their spaces prefetched."""
        super().__init__(data)
        self.today = today
        self.places = {place.slug: place for place in places}
        self.spaces = {space.pk: space for place in places for space in place.spaces.all()}
        self.fields["lieu"].widget.choices = [("", "Tous mes lieux")] + [
            (place.slug, place.name) for place in places
        ]
        self.fields["espace"].widget.choices = [("", "Tous les espaces")] + [
            (place.name, [(space.pk, space.name) for space in place.spaces.all()])
            for place in places
        ]

    def clean_lieu(self) -> Place | None:
        slug = self.cleaned_data["lieu"]
        if not slug:
            return None
        place = self.places.get(slug) or Place.objects.filter(slug=slug).first()
        if place is None:
            raise forms.ValidationError("Ce lieu n'existe pas : choisissez-en un dans la liste.")
        return place

    def clean_espace(self) -> Space | None:
        pk = self.cleaned_data["espace"]
        if pk is None:
            return None
        space = self.spaces.get(pk) or Space.objects.select_related("place").filter(pk=pk).first()
        if space is None:
            raise forms.ValidationError("Cet espace n'existe pas : choisissez-en un dans la liste.")
        return space

    def _in_range(self, name: str) -> date | None:
        day: date | None = self.cleaned_data[name]
        if day is not None:
            allowed = read_range(self.today)
            if not allowed.first <= day <= allowed.last:
                raise forms.ValidationError(
                    f"Choisissez une date entre le {allowed.first:%d/%m/%Y} "
                    f"et le {allowed.last:%d/%m/%Y}."
                )
        return day

    def clean_du(self) -> date | None:
        return self._in_range("du")

    def clean_au(self) -> date | None:
        return self._in_range("au")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("du"), data.get("au")
        if first and last:
            if last < first:
                self.add_error("au", "La date de fin doit être le jour de début ou après.")
            elif (last - first).days >= MAX_LIST_DAYS:
                self.add_error("au", f"La liste couvre au plus {MAX_LIST_DAYS} jours.")
        return data


@dataclass(frozen=True)
class Selection:
    """What the filters select: the view, the days (Paris, both included), the place, space
    and status (None: all), among `places` (those the user manages)."""

    view: str
    first: date
    last: date
    place: Place | None
    space: Space | None
    status: str
    places: list[Place]

    def bookings(self) -> BookingQuerySet:
        """Their bookings meeting the days, by start (an expired request only when asked)."""
        start, end = core.local_days(self.first, self.last)
        selected = Booking.objects.filter(
            space__place__in=self.places, start__lt=end, end__gt=start
        )
        if self.place:
            selected = selected.filter(space__place=self.place)
        if self.space:
            selected = selected.filter(space=self.space)
        if self.status:
            selected = selected.filter(status=self.status)
        else:
            selected = selected.exclude(status=BookingStatus.EXPIRED)
        return selected.select_related("space__place", "user").order_by(
            "start", "space__place__name", "space__name", "pk"
        )


def _select(form: BookingFilter, places: list[Place]) -> Selection:
    """The selection of a valid filter form among `places` (those the user manages);
    PermissionDenied for a place or space of another place."""
    data = form.cleaned_data
    place, space = data["lieu"], data["espace"]
    for chosen in (place, space.place if space else None):
        if chosen is not None and chosen not in places:
            raise PermissionDenied(NOT_YOURS)
    view = data["vue"] or "liste"
    day = data["du"] or form.today
    if view == "jour":
        first = last = day
    elif view == "semaine":
        first = queries.week_start(day)
        last = first + timedelta(days=6)
    else:
        first, last = day, data["au"] or day + timedelta(days=DEFAULT_LIST_DAYS - 1)
    return Selection(view, first, last, place, space, data["statut"], places)


def _query(params: QueryDict, **changes: str) -> str:
    """The filters' query string with `changes` (an empty value drops the parameter)."""
    query = params.copy()
    query.pop("page", None)
    for name, value in changes.items():
        if value:
            query[name] = value
        else:
            query.pop(name, None)
    return query.urlencode()


def _navigation(selection: Selection, params: QueryDict) -> list[tuple[str, str]]:
    """The links (label, query string) to the previous and next day or week, within the
    read range, and to the other views of the same day."""
    links = []
    allowed = read_range(timezone.localdate())
    if selection.view in ("jour", "semaine"):
        step = timedelta(days=1 if selection.view == "jour" else 7)
        unit = "Jour" if selection.view == "jour" else "Semaine"
        before, after = selection.first - step, selection.first + step
        if before >= allowed.first:
            links.append((f"{unit} précédent{'e' if unit == 'Semaine' else ''}", before))
        if after <= allowed.last:
            links.append((f"{unit} suivant{'e' if unit == 'Semaine' else ''}", after))
    query = [(label, _query(params, du=day.isoformat())) for label, day in links]
    for view, label in VIEWS:
        if view != selection.view:
            query.append((f"Vue {label.lower()}", _query(params, vue=view)))
    return query


def _decorate(bookings: list[Booking], viewer: User, now: datetime) -> None:
    """Set on each booking what the table shows: who paid (programmes' shares), the actions
    offered now, the history with names, the link to reach the person."""
    shares = funding.shares_of([booking.pk for booking in bookings])
    for booking in bookings:
        # Extras set on the instance for the template (attributes Booking lacks).
        booking.paid_by = shares.get(booking.pk, ())  # type: ignore[attr-defined]
        booking.actions = {ACTION_NAMES[a] for a in services.manager_actions(booking, now)}  # type: ignore[attr-defined]
        booking.history = history(booking, viewer, names=True)  # type: ignore[attr-defined]
        booking.contact_href = contact_href(booking)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ActionError:
    """An action refused, shown on the re-rendered page: the booking, the action (a key of
    DONE) and the French message."""

    booking_id: int
    action: str
    message: str

    @property
    def field_id(self) -> str:
        """The id of the reason's field in the page, or "" (an action without a reason)."""
        if self.action not in REASON_FIELDS:
            return ""
        return f"{REASON_FIELDS[self.action][0]}-{self.booking_id}"


def _page(
    request: SignedInRequest, params: QueryDict, *, error: ActionError | None = None
) -> HttpResponse:
    """The bookings page for the filters in `params` (400 when they, or `error`, refuse)."""
    now = timezone.now()
    places = managed_places(request.user)
    prefetch_related_objects(places, "spaces")
    form = BookingFilter(params, places, timezone.localdate(now))
    context: dict[str, Any] = {"manager_section": "bookings", "form": form, "error": error}
    if not form.is_valid():
        return render(request, "manager/bookings/list.html", context, status=400)
    selection = _select(form, places)
    page = page_of(request, selection.bookings().with_history(), PER_PAGE)
    bookings = list(page.object_list)
    if error and error.booking_id not in {booking.pk for booking in bookings}:
        # The booking refused stays in view, its field next to its message.
        bookings.insert(
            0,
            Booking.objects.select_related("space__place", "user")
            .with_history()
            .get(pk=error.booking_id),
        )
    _decorate(bookings, request.user, now)
    pending = (
        Booking.objects.awaiting_decision(now)
        .filter(space__place__in=[selection.place] if selection.place else places)
        .count()
    )
    feed = CalendarFeed.objects.filter(user=request.user).first()
    context |= {
        "selection": selection,
        "bookings": bookings,
        "page": page,
        "navigation": _navigation(selection, params),
        "query": _query(params),
        # Where the actions come back to: this page (a refused action re-renders it
        # at the action's address).
        "back": f"{reverse('manager:bookings')}?{params.urlencode()}",
        "pending": pending,
        "pending_query": _query(params, vue="liste", statut=BookingStatus.PENDING, du="", au=""),
        "reason_fields": REASON_FIELDS,
        "feed_url": request.build_absolute_uri(
            reverse("booking:place_feed", args=[feed.token, selection.place.slug])
        )
        if feed and selection.place
        else None,
    }
    return render(request, "manager/bookings/list.html", context, status=400 if error else 200)


@require_safe
@login_required
def bookings(request: SignedInRequest) -> HttpResponse:
    return _page(request, request.GET)


CSV_HEADER = [
    "Lieu",
    "Espace",
    "Date",
    "Début",
    "Fin",
    "Statut",
    "Personne",
    "Contact",
    "Postes",
    "Prix (€)",
    "Payé par la personne (€)",
    "Motif",
    "Sur place",
]


def bookings_csv_text(selection: Selection) -> str:
    """The selection as CSV for French spreadsheets: `;` between cells, a UTF-8 byte order
    mark, one row per booking (columns CSV_HEADER; dates DD/MM/YYYY and times HH:MM in Paris
    time, amounts in euros with a decimal comma; the person's full name, or a walk-in's
    name, and their address, or a walk-in's contact; «oui» for a walk-in's booking)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow(CSV_HEADER)
    for booking in selection.bookings():
        start, end = timezone.localtime(booking.start), timezone.localtime(booking.end)
        writer.writerow(
            [
                _cell(value)
                for value in (
                    booking.space.place.name,
                    booking.space.name,
                    f"{start:%d/%m/%Y}",
                    f"{start:%H:%M}",
                    f"{end:%H:%M}",
                    booking.get_status_display(),
                    booking.walk_in_name or booking.user.get_full_name(),
                    booking.person_contact,
                    booking.seats,
                    _amount(booking.price_cents),
                    _amount(booking.person_price_cents),
                    booking.status_reason,
                    "oui" if booking.is_walk_in else "non",
                )
            ]
        )
    return out.getvalue()


@require_safe
@login_required
def bookings_csv(request: SignedInRequest) -> HttpResponse:
    """The page's selection as a CSV file (its filters, every page); 400 with the page
    when the filters refuse."""
    places = managed_places(request.user)
    prefetch_related_objects(places, "spaces")
    form = BookingFilter(request.GET, places, timezone.localdate())
    if not form.is_valid():
        return _page(request, request.GET)
    selection = _select(form, places)
    response = HttpResponse(bookings_csv_text(selection), content_type="text/csv; charset=utf-8")
    name = f"reservations-{selection.first:%Y-%m-%d}-{selection.last:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _back(request: HttpRequest) -> str:
    """Where to go after an action: the bookings page it came from, never another page."""
    target: str = request.POST.get("retour", "")
    default = reverse("manager:bookings")
    if urlsplit(target).path == default and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@require_POST
@login_required
def booking_action(request: SignedInRequest, pk: int, action: str) -> HttpResponse:
    """Accept, refuse, mark present or absent, or cancel (with a reason) booking `pk` of a
    place the user manages; back to the page with a message, or that page again with the
    refusal next to the field (400, nothing written)."""
    places = managed_places(request.user)  # who manages nothing learns nothing of a booking
    booking = get_object_or_404(Booking.objects.select_related("space__place"), pk=pk)
    if booking.space.place not in places:
        raise PermissionDenied(NOT_YOURS)
    if action not in DONE:
        raise PermissionDenied("Action inconnue.")
    back = _back(request)
    params = QueryDict(urlsplit(back).query)
    reason_form = ReasonForm(request.POST)
    if not reason_form.is_valid():
        # Never act on a reason silently dropped: say what is wrong, change nothing.
        message = " ".join(str(error) for error in reason_form.errors["motif"])
        return _page(request, params, error=ActionError(pk, action, message))
    reason = reason_form.cleaned_data["motif"]
    try:
        if action == "refuser":
            services.refuse(request.user, booking, reason, channel=Channel.PAGE)
        elif action == "annuler":
            services.cancel(request.user, booking, reason, channel=Channel.PAGE)
        elif action == "confirmer":
            services.confirm(request.user, booking, channel=Channel.PAGE)
        elif action == "present":
            services.check_in(request.user, booking, channel=Channel.PAGE)
        else:
            services.mark_no_show(request.user, booking, channel=Channel.PAGE)
    except services.BookingRefused as refusal:
        message = " ".join(refusal.messages)
        return _page(request, params, error=ActionError(pk, action, message))
    # A walk-in is told by the place itself, not by email.
    done = "Réservation annulée." if action == "annuler" and booking.is_walk_in else DONE[action]
    messages.success(request, done)
    return redirect(back)
