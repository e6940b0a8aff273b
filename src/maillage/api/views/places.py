"""The published places (the public directory's), one place, and its spaces (public reads)."""

from typing import Any

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from maillage.api.conditional import ETagMixin
from maillage.api.filters import PlaceFilter
from maillage.api.problems import ApiProblem
from maillage.api.serializers.places import PlaceOut, SpaceOut, wall_clock
from maillage.api.views.common import ApiView, Links, api_route
from maillage.places.kinds import KIND_LABELS, SpaceKind
from maillage.places.models import PLACE_PAGE, Place, Space, today_in_paris
from maillage.places.selectors import (
    PageFacts,
    bookable_space_ids,
    directory_places,
    page_facts,
    place_spaces,
)

UNKNOWN_PLACE = "Ce lieu n'existe pas ou n'est pas publié."


def place_json(links: Links, place: Place, facts: PageFacts, bookable: set[int]) -> dict[str, Any]:
    """A place (PlaceOut), its commune loaded, with its page's `facts` (services, hours,
    closures, spaces); `bookable`: the ids of the spaces that can be booked today; URLs made
    by `links`."""
    commune = place.commune
    today = today_in_paris()
    return {
        "id": place.pk,
        "name": place.name,
        "slug": place.slug,
        "status": place.shown_status,
        "status_label": place.status_label,
        "address": place.address,
        "postal_code": place.postal_code,
        "commune": {
            "insee_code": commune.insee_code,
            "name": commune.name,
            "ept": commune.ept or None,
        },
        "latitude": place.latitude,
        "longitude": place.longitude,
        "services": [{"slug": slug, "name": name} for slug, name in facts.services],
        "broadband": {
            "technology": place.broadband_technology,
            "down_mbps": place.broadband_down_mbps,
            "up_mbps": place.broadband_up_mbps,
            "very_high_speed": place.has_thd,
        },
        "accessibility": {
            "step_free_access": place.step_free_access,
            "accessible_toilets": place.accessible_toilets,
            "hearing_loop": place.hearing_loop,
            "accessible_parking": place.accessible_parking,
            "accessible": place.step_free_access,
        },
        "takes_bookings": place.takes_bookings_on(today),
        "is_fictional": place.is_fictional,
        "url": links(PLACE_PAGE, place.slug),
        "distance_m": getattr(place, "distance_m", None),
        "description": place.description,
        "access_text": place.access_text,
        "payment_terms": place.payment_terms,
        "website": place.website,
        "phone": place.phone,
        "opening_date": place.opening_date,
        "opening_hours": [
            {"weekday": weekday, "opens": wall_clock(opens), "closes": wall_clock(closes)}
            for weekday, opens, closes in facts.hours
        ],
        "closures": [
            {"start_date": first, "end_date": last, "reason": reason}
            for first, last, reason in facts.closures
        ],
        "spaces": [
            {
                "id": space_id,
                "name": name,
                "kind": kind,
                "capacity": capacity,
                "bookable": space_id in bookable,
            }
            for space_id, name, kind, capacity in facts.spaces
        ],
        "spaces_url": links(api_route("place_spaces"), place.pk),
    }


def published_place(pk: int) -> Place:
    """A place of the directory (a closed one too, as its page and `status=closed` show it),
    or a 404 problem."""
    place = directory_places().filter(pk=pk).first()
    if place is None:
        raise ApiProblem(404, UNKNOWN_PLACE)
    return place


class Places(ETagMixin, GenericAPIView[Place]):
    """The published places, by name then id (distance then id near a point)."""

    filter_backends = [DjangoFilterBackend]
    filterset_class = PlaceFilter
    serializer_class = PlaceOut

    def get_queryset(self) -> Any:
        return directory_places()

    @extend_schema(
        operation_id="places_list",
        summary="Les lieux publiés",
        description="Ce que montre l'annuaire public : tous les lieux sauf les lieux fermés "
        "(sauf à demander status=closed), avec les mêmes filtres.",
        responses={200: PlaceOut(many=True)},
        tags=["Lieux"],
    )
    def get(self, request: Request) -> Response:
        places = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(places) or []
        bookable = bookable_space_ids(page)
        facts = page_facts(place.pk for place in page)
        links = Links(request)
        return self.get_paginated_response(
            [place_json(links, place, facts[place.pk], bookable) for place in page]
        )


class PlaceDetail(ApiView):
    """One published place, as its page shows it."""

    @extend_schema(
        operation_id="places_retrieve",
        summary="Un lieu",
        responses={200: PlaceOut},
        tags=["Lieux"],
    )
    def get(self, request: Request, pk: int) -> Response:
        place = published_place(pk)
        return Response(
            place_json(
                Links(request), place, page_facts([place.pk])[place.pk], bookable_space_ids([place])
            )
        )


def space_json(links: Links, space: Space, bookable: bool) -> dict[str, Any]:
    """A space as its place's page lists it (SpaceOut), its URLs made by `links`."""

    def link(name: str) -> str:
        return links(api_route(name), space.pk)

    return {
        "id": space.pk,
        "name": space.name,
        "kind": space.kind,
        "kind_label": str(KIND_LABELS[SpaceKind(space.kind)]),
        "capacity": space.capacity,
        "exclusive": space.is_exclusive,
        "description": space.description,
        "equipment": [{"slug": e.slug, "name": e.name} for e in space.equipment.all()],
        "prices": {
            "hour_cents": space.price_hour_cents,
            "half_day_cents": space.price_half_day_cents,
            "day_cents": space.price_day_cents,
        },
        "bookable": bookable,
        "links": (
            {"week": link("space_week"), "slots": link("space_slots"), "price": link("space_price")}
            if bookable
            else None
        ),
    }


class PlaceSpaces(ETagMixin, GenericAPIView[Space]):
    """The spaces of a published place, by kind, name then id."""

    serializer_class = SpaceOut

    @extend_schema(
        operation_id="places_spaces",
        summary="Les espaces d'un lieu",
        description="Les espaces que montre la page du lieu, leurs prix (TTC, en centimes) "
        "et, pour ceux réservables aujourd'hui, les liens vers leur semaine et leurs créneaux.",
        responses={200: SpaceOut(many=True)},
        tags=["Lieux"],
    )
    def get(self, request: Request, pk: int) -> Response:
        place = published_place(pk)
        bookable = bookable_space_ids([place])
        page = self.paginate_queryset(place_spaces(place)) or []
        links = Links(request)
        return self.get_paginated_response(
            SpaceOut([space_json(links, s, s.pk in bookable) for s in page], many=True).data
        )
