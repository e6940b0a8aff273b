"""The offices' public pages and the Département's view of demand:

- «Bureaux et offres longue durée» (/bureaux/): the published offers, filtered by commune,
  kind, workstations, budget and availability; each offer's page (/bureaux/<id>/);
- the request form (/bureaux/demande/, `?offre=<id>` ticks offers): public, no account
  needed. Against abuse: at most throttle.PER_HOUR requests from one network address an
  hour, services.MAX_PENDING_PER_ADDRESS awaiting confirmation per address, and the places
  see a request only once its sender opened the link emailed to them
  (/bureaux/demande/confirmer/<token>/: GET shows the request, POST confirms, so that mail
  scanners opening links confirm nothing), unless signed in with that address verified;
- the demand per commune against the offers published (/departement/demande-bureaux/,
  Département staff), and its CSV file.

Thin: the forms read the request, offices.services writes. Bad input answers 400 with the
errors named, nothing written; too many requests 429.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from maillage.accounts.decorators import SignedInRequest, login_required
from maillage.accounts.roles import require_departement_staff
from maillage.core.paging import page_of
from maillage.core.spreadsheet import amount, csv_text
from maillage.core.text import ascii_digits
from maillage.offices import confirmation, demand, selectors, services, throttle
from maillage.offices.forms import DemandPeriodForm, OfferFilter, OfficeRequestForm
from maillage.offices.models import OfficeOffer, OfficeOfferQuerySet

OFFERS_PER_PAGE = 12
# What the page after a request says: the session remembers it for the sender only.
SENT = "offices_request_sent"
TO_CONFIRM, CONFIRMED = "to_confirm", "confirmed"


def _shown() -> OfficeOfferQuerySet:
    return OfficeOffer.objects.shown(settings.MAILLAGE_DEPARTEMENT).select_related("place__commune")


@require_safe
def offer_list(request: HttpRequest) -> HttpResponse:
    """The published offers, the soonest available and cheapest first, with the filters of
    OfferFilter; invalid filters answer 400 with their errors and no offer (never all of
    them, which would look filtered)."""
    form = OfferFilter(request.GET)
    offers = form.apply(_shown()) if form.is_valid() else OfficeOffer.objects.none()
    page = page_of(
        request, offers.order_by("available_from", "monthly_price_cents", "pk"), OFFERS_PER_PAGE
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "offices/offer_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "shows_fictional": any(offer.place.is_fictional for offer in page),
        },
        status=400 if form.errors else 200,
    )


@require_safe
def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A published offer's page, with its place's other offers; 404 for any other."""
    offer = get_object_or_404(_shown(), pk=pk)
    return render(
        request,
        "offices/offer_detail.html",
        {
            "offer": offer,
            "place": offer.place,
            "others": selectors.offers_of(offer.place).exclude(pk=offer.pk),
            "shows_fictional": offer.place.is_fictional,
        },
    )


def _asked(request: HttpRequest, offers: OfficeOfferQuerySet) -> list[OfficeOffer]:
    """The offers `?offre=<id>` (repeated) ticks, among `offers`; a message when some are
    not (any more) published."""
    asked = request.GET.getlist("offre")
    ids = [int(value) for value in asked if ascii_digits(value) and len(value) <= 9]
    found = list(offers.filter(pk__in=ids[: services.MAX_OFFERS_PER_REQUEST]))
    if len(found) < len(asked):
        messages.warning(
            request,
            "« Offre » : une offre demandée n'est pas ou plus publiée ; choisissez parmi les "
            "offres proposées ci-dessous.",
        )
    return found


@require_http_methods(["GET", "HEAD", "POST"])
def request_form(request: HttpRequest) -> HttpResponse:
    """GET: the form, with the offers of `?offre=` ticked and a signed-in person's name and
    address filled in. POST: the request is stored and its confirmation link emailed (or
    the places told at once, for a signed-in sender's verified address); 400 with the
    errors, 429 past the hourly limit of the sender's network address, nothing written."""
    offers = _shown().order_by("place__commune__sort_name", "place__name", "title", "pk")
    status = 200
    if request.method == "POST":
        form = OfficeRequestForm(request.POST, offers=offers)
        if throttle.over_limit(request):
            form.add_error(None, throttle.REFUSAL)
            status = 429
        elif form.is_valid():
            try:
                office_request = services.submit_request(
                    request.user,
                    form.instance,
                    list(form.cleaned_data["offers"]),
                    list(form.cleaned_data["communes"]),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                throttle.count(request)
                request.session[SENT] = CONFIRMED if office_request.confirmed_at else TO_CONFIRM
                return redirect("offices:request_sent")
    else:
        initial: dict[str, object] = {"offers": _asked(request, offers)}
        if request.user.is_authenticated:
            initial.update(email=request.user.email, contact_name=request.user.get_full_name())
        form = OfficeRequestForm(offers=offers, initial=initial)
    if form.errors and status == 200:
        status = 400
    return render(
        request,
        "offices/request_form.html",
        {
            "form": form,
            "has_offers": offers.exists(),
            "max_places": services.MAX_PLACES_PER_REQUEST,
            "retention_days": settings.MAILLAGE_OFFICE_REQUEST_RETENTION_DAYS,
        },
        status=status,
    )


@require_safe
def request_sent(request: HttpRequest) -> HttpResponse:
    """What follows a request: open the link emailed, or (confirmed) the places have it."""
    return render(
        request,
        "offices/request_sent.html",
        {"state": request.session.get(SENT, ""), "valid_days": confirmation.MAX_AGE.days},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The confirmation link: GET shows the request and a button, POST confirms it (the
    places are told); 400 saying why for a link that cannot be used."""
    try:
        if request.method == "POST":
            office_request = services.confirm_by_token(token)
        else:
            office_request = confirmation.request_of(token)
    except confirmation.LinkRefused as error:
        context = {
            "error": str(error),
            "already": isinstance(error, confirmation.AlreadyConfirmed),
        }
        return render(request, "offices/confirm.html", context, status=400)
    if request.method == "POST":
        request.session[SENT] = CONFIRMED
        return redirect("offices:request_sent")
    rows = office_request.places.select_related("place__commune").prefetch_related("offers")
    return render(
        request,
        "offices/confirm.html",
        {"office_request": office_request, "rows": rows},
    )


@dataclass(frozen=True)
class Demand:
    """What the demand page shows: its period form, the period read (Paris days), each
    commune's row and the département's totals."""

    form: DemandPeriodForm
    first: date
    last: date
    rows: list[demand.CommuneDemand]
    totals: demand.Totals


def _demand(request: SignedInRequest) -> Demand:
    require_departement_staff(request.user)
    form = DemandPeriodForm(request.GET, timezone.localdate())
    first, last = form.period()
    rows, totals = selectors.demand_by_commune(settings.MAILLAGE_DEPARTEMENT, first, last)
    return Demand(form, first, last, rows, totals)


def _demand_page(request: SignedInRequest, found: Demand) -> HttpResponse:
    return render(
        request,
        "offices/demand.html",
        vars(found),
        status=400 if found.form.errors else 200,
    )


@require_safe
@login_required
def demand_page(request: SignedInRequest) -> HttpResponse:
    """Département staff: per commune, the requests confirmed over the period (`du`, `au`:
    Paris days; the last 365 days by default), the workstations they ask, their median
    budget, how many a place answered, against the offers published now; 400 with the
    default period shown when the period is refused."""
    return _demand_page(request, _demand(request))


CSV_HEADER = [
    "Commune",
    "Code INSEE",
    "Demandes",
    "Postes demandés",
    "Budget médian (€ HT par mois)",
    "Demandes ayant reçu une réponse",
    "Offres publiées",
    "Postes offerts",
]


def demand_csv_text(rows: list[demand.CommuneDemand], totals: demand.Totals) -> str:
    """The demand per commune for French spreadsheets (core.spreadsheet: `;` between cells,
    a UTF-8 byte order mark, no cell a spreadsheet would run as a formula), the columns of
    CSV_HEADER, a last row for the whole département (each request counted once)."""
    lines: list[list[object]] = [
        [
            row.name,
            row.code,
            row.requests,
            row.workstations,
            amount(row.median_budget_cents),
            row.answered,
            row.offers,
            row.offered_workstations,
        ]
        for row in rows
    ]
    lines.append(
        [
            "Ensemble du département",
            "",
            totals.requests,
            totals.workstations,
            amount(totals.median_budget_cents),
            totals.answered,
            totals.offers,
            totals.offered_workstations,
        ]
    )
    return csv_text(CSV_HEADER, lines)


@require_safe
@login_required
def demand_csv(request: SignedInRequest) -> HttpResponse:
    """The page's figures as a CSV file (demand_csv_text); the page with its errors (400)
    when the period is refused."""
    found = _demand(request)
    if found.form.errors:
        return _demand_page(request, found)
    response = HttpResponse(
        demand_csv_text(found.rows, found.totals), content_type="text/csv; charset=utf-8"
    )
    name = f"demande-bureaux-{found.first:%Y-%m-%d}-{found.last:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
