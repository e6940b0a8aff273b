from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_slug
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from maillage.accounts.decorators import SignedInRequest, login_required
from maillage.accounts.roles import STAFF_ONLY, has_departement_rights
from maillage.booking.next_slots import space_free_slots
from maillage.core.paging import page_of
from maillage.events.agenda import place_events
from maillage.manager.embeds.public import ShownSlot, shown_slot
from maillage.offices.selectors import offers_of
from maillage.places.figures import network_figures
from maillage.places.models import OpeningHours, Place, Space, today_in_paris
from maillage.places.selectors import directory_places, places_around
from maillage.territory.models import Commune, Departement
from maillage.web.filters import PlaceFilter

PLACES_PER_PAGE = 12
# A place's page lists, for each space bookable online, its next free slots over these days.
SLOTS_PER_SPACE = 3
SLOTS_DAYS_AHEAD = 7


def _active_places():
    return directory_places()


@require_safe
def home(request):
    places = _active_places().listed()
    return render(
        request,
        "web/home.html",
        {
            "figures": network_figures(settings.MAILLAGE_DEPARTEMENT),
            "search": PlaceFilter(queryset=places).form,
            "shows_fictional": places.filter(is_fictional=True).exists(),
            "places_geojson_url": reverse("web:places_geojson"),
        },
    )


@require_safe
def place_list(request):
    place_filter = PlaceFilter(
        request.GET,
        queryset=_active_places().prefetch_related("services").order_by("name"),
    )
    # Invalid filters show nothing rather than everything, which would look filtered.
    places = place_filter.qs if place_filter.is_valid() else Place.objects.none()
    communes = place_filter.communes_around if place_filter.is_valid() else None
    if communes:
        # Those communes' places first, then the nearest others, each with its distance.
        places = places_around(places, communes)
    page = page_of(request, places, PLACES_PER_PAGE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/place_list.html",
        {
            "filter": place_filter,
            "active_filters": sum(
                any(value.strip() for value in request.GET.getlist(name))
                for name in place_filter.form.fields
            ),
            "communes_around": communes,
            "page": page,
            "query": query.urlencode(),
            "shows_fictional": any(place.is_fictional for place in page),
            "places_geojson_url": f"{reverse('web:places_geojson')}?{query.urlencode()}",
        },
    )


@require_safe
def place_detail(request, slug):
    place = get_object_or_404(
        _active_places().prefetch_related(
            "services", "spaces__equipment", "opening_hours", "closures", "managers", "photos"
        ),
        slug=slug,
    )
    spaces = place.spaces.all()
    return render(
        request,
        "web/place_detail.html",
        {
            "place": place,
            "spaces": spaces,
            "free_slots": _free_slots(place, spaces),
            "slots_days_ahead": SLOTS_DAYS_AHEAD,
            "week": _week(place),
            "closures": [c for c in place.closures.all() if c.end_date >= today_in_paris()],
            "office_offers": offers_of(place),
            "events": place_events(place, timezone.now()),
            "shows_fictional": place.is_fictional,
            "places_geojson_url": reverse("web:places_geojson") + f"?slug={place.slug}",
        },
    )


def _free_slots(place: Place, spaces: Iterable[Space]) -> list[tuple[Space, list[ShownSlot]]]:
    """Each space of `place` bookable online now, in the page's order, with its next free
    slots (booking.next_slots, written as the embeddable widget writes them: each a link
    to the space's booking form filled in with it); empty when the place takes no booking."""
    if not place.takes_bookings:
        return []
    slots = space_free_slots(place.pk, count=SLOTS_PER_SPACE, days=SLOTS_DAYS_AHEAD)
    pages = {space.pk: reverse("booking:space", args=[space.pk]) for space in spaces}
    return [
        (space, [shown_slot(slot, pages[space.pk]) for slot in slots[space.pk]])
        for space in spaces
        if space.pk in slots
    ]


def _week(place):
    """Opening ranges grouped by weekday, Monday first, closed days included."""
    by_day = {day: [] for day, _ in OpeningHours.WEEKDAYS}
    for item in place.opening_hours.all():
        by_day[item.weekday].append(item)
    return [(label, by_day[day]) for day, label in OpeningHours.WEEKDAYS]


@require_safe
def places_geojson(request):
    """Places as GeoJSON for the maps, with the directory's filters."""
    queryset = _active_places()
    if "slug" in request.GET:
        slug = request.GET["slug"]
        try:
            validate_slug(slug)
        except ValidationError:
            return JsonResponse(
                {"erreur": "« slug » : identifiant de lieu attendu (lettres, chiffres et tirets)."},
                status=400,
            )
        queryset = queryset.filter(slug=slug)
    else:
        place_filter = PlaceFilter(request.GET, queryset=queryset)
        queryset = place_filter.qs if place_filter.is_valid() else queryset.none()
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [place.longitude, place.latitude]},
            "properties": {
                "name": place.name,
                "status": place.shown_status,
                "status_label": place.status_label,
                "commune": place.commune.name,
                "url": place.get_absolute_url(),
                "fictional": place.is_fictional,
            },
        }
        for place in queryset
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})


@require_safe
def territory_geojson(request):
    """The active département's outline and communes, for the maps."""
    code = settings.MAILLAGE_DEPARTEMENT
    departement = get_object_or_404(Departement, code=code)
    communes = Commune.objects.of_departement(code).only("insee_code", "name", "geometry")
    features = [
        {
            "type": "Feature",
            "geometry": departement.outline,
            "properties": {"kind": "departement", "name": departement.name},
        }
    ] + [
        {
            "type": "Feature",
            "geometry": commune.geometry,
            "properties": {"kind": "commune", "name": commune.name, "code": commune.insee_code},
        }
        for commune in communes
    ]
    response = JsonResponse({"type": "FeatureCollection", "features": features})
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_safe
@login_required
def staff_hub(request: SignedInRequest):
    """The Département staff's hub: the back-office, and their pages outside it (the
    `departement_pages` of every template's context, from staff_pages); 403 for anyone
    else."""
    if not has_departement_rights(request.user):
        raise PermissionDenied(STAFF_ONLY)
    return render(request, "web/departement.html")
