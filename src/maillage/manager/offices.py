"""The managers' pages of offices and long-term offers (/gestion/bureaux/…): their places'
offers (new, edited, published, withdrawn), and the requests companies sent their places,
each answered or declined once, the answer emailed to the sender. Thin: offices.forms read
the request, offices.services writes. Rights first: a manager of another place is told «Vous
ne gérez pas ce lieu.» (403); someone who manages no place is refused (403)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from maillage.accounts.decorators import SignedInRequest, login_required
from maillage.core.forms import attach
from maillage.core.paging import page_of
from maillage.manager.access import managed_place
from maillage.manager.bookings import managed_places
from maillage.manager.places.forms import describe_errors
from maillage.offices import services
from maillage.offices.forms import OfferForm, ReceivedFilter, ReplyForm
from maillage.offices.models import OfficeOffer, OfficeRequestPlace, RequestStatus
from maillage.places.models import Place
from maillage.places.permissions import require_editable

SECTION = {"manager_section": "offices"}
REQUESTS_PER_PAGE = 50
# The actions of a request's page, by the name of their button.
ANSWER, DECLINE = "repondre", "decliner"


@require_safe
@login_required
def offices(request: SignedInRequest) -> HttpResponse:
    """The offers of the places the user manages, by place, with each place's requests
    awaiting an answer."""
    places = managed_places(request.user)
    offers = OfficeOffer.objects.filter(place__in=places).order_by("status", "title", "pk")
    by_place: dict[int, list[OfficeOffer]] = {place.pk: [] for place in places}
    for offer in offers:
        by_place[offer.place_id].append(offer)
    waiting = dict(
        OfficeRequestPlace.objects.received()
        .filter(place__in=places, status=RequestStatus.NEW)
        .values_list("place")
        .annotate(count=Count("pk"))
    )
    rows = [
        {"place": place, "offers": by_place[place.pk], "waiting": waiting.get(place.pk, 0)}
        for place in places
    ]
    return render(request, "manager/offices/offices.html", {**SECTION, "rows": rows})


def _offer_page(
    request: SignedInRequest, place: Place, offer: OfficeOffer, form: OfferForm
) -> HttpResponse:
    """The offer's form: saved through offices.services (redirect to the offers), or the
    page again with its errors (400), nothing written; under it, the offer's history (who
    created, edited, published, withdrew it, and when), the latest first."""
    if request.method == "POST" and form.is_valid():
        try:
            services.save_offer(request.user, form.instance)
        except ValidationError as error:
            attach(form, error)
        else:
            messages.success(request, f"Offre « {form.instance.title} » enregistrée.")
            return redirect("manager:offices")
    describe_errors(form)
    history = (
        offer.log.select_related("actor").order_by("-at", "-pk") if offer.pk is not None else []
    )
    return render(
        request,
        "manager/offices/offer.html",
        {**SECTION, "place": place, "offer": offer, "form": form, "history": history},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def add_offer(request: SignedInRequest, slug: str) -> HttpResponse:
    """A new offer of the place of `slug` (a draft unless published at once)."""
    place = managed_place(request, slug)
    offer = OfficeOffer(place=place)
    return _offer_page(request, place, offer, OfferForm(request.POST or None, instance=offer))


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def offer(request: SignedInRequest, pk: int) -> HttpResponse:
    """One of the user's places' offers: every field, its status included (published,
    withdrawn); 403 for another's place's offer."""
    found = get_object_or_404(OfficeOffer.objects.select_related("place__commune"), pk=pk)
    place = require_editable(request.user, found.place)
    return _offer_page(request, place, found, OfferForm(request.POST or None, instance=found))


@require_safe
@login_required
def office_requests(request: SignedInRequest) -> HttpResponse:
    """The requests the user's places received (confirmed by their sender), the newest
    first, filtered by status and place (ReceivedFilter: invalid filters answer 400 with their
    errors and no request, never all of them, which would look filtered)."""
    places = managed_places(request.user)
    form = ReceivedFilter(request.GET, places)
    rows = (
        OfficeRequestPlace.objects.received()
        .filter(place__in=places)
        .select_related("request", "place")
        .order_by("-request__confirmed_at", "-pk")
    )
    if not form.is_valid():
        rows = rows.none()
    else:
        if form.cleaned_data["statut"]:
            rows = rows.filter(status=form.cleaned_data["statut"])
        if form.cleaned_data["lieu"]:
            rows = rows.filter(place__slug=form.cleaned_data["lieu"])
    describe_errors(form)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "manager/offices/requests.html",
        {
            **SECTION,
            "form": form,
            "page": page_of(request, rows, REQUESTS_PER_PAGE),
            "query": query.urlencode(),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def office_request(request: SignedInRequest, pk: int) -> HttpResponse:
    """A request one of the user's places received: who asks what, and the answer. POST
    `action=repondre` (the reply required) or `action=decliner` (a reason optional) emails
    the sender, once; 400 with the error, nothing written. 404 for a request not confirmed,
    403 for another's place's."""
    row = get_object_or_404(
        OfficeRequestPlace.objects.received().select_related("request", "place", "decided_by"),
        pk=pk,
    )
    require_editable(request.user, row.place)
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action")
        try:
            if action == ANSWER:
                services.answer(request.user, row, form.cleaned_data["reply"])
            elif action == DECLINE:
                services.decline(request.user, row, form.cleaned_data["reply"])
            else:
                raise ValidationError("Choisissez de répondre ou de décliner la demande.")
        except ValidationError as error:
            attach(form, error)
        else:
            messages.success(
                request,
                "Réponse envoyée au demandeur par courriel."
                if action == ANSWER
                else "Demande déclinée : le demandeur en est informé par courriel.",
            )
            return redirect("manager:office_request", pk=row.pk)
    describe_errors(form)
    return render(
        request,
        "manager/offices/request.html",
        {
            **SECTION,
            "row": row,
            "office_request": row.request,
            "offers": row.offers.all(),
            "communes": row.request.communes.order_by("sort_name"),
            "places_addressed": row.request.places.count(),
            "form": form,
        },
        status=400 if form.errors else 200,
    )
