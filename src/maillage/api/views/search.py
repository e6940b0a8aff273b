"""The free-space search of the public search page (`/reserver/`), through the API: the same
parameters (in English), the same rules (booking.forms.SearchForm) and the same results
(booking.presentation.search_results), paginated."""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from maillage.api.conditional import ETagMixin
from maillage.api.problems import ApiProblem
from maillage.api.serializers.places import SearchResultOut
from maillage.api.views.common import Errors, Links, api_route, form_data
from maillage.booking.forms import POSITION_INCOMPLETE, SearchForm
from maillage.booking.presentation import describe, free_spaces
from maillage.booking.queries import SearchResult
from maillage.places.models import MAX_CAPACITY, PLACE_PAGE, SpaceKind

# The API's parameters and the search form's fields they fill.
FORM_FIELDS = {
    "date": "date",
    "start": "debut",
    "end": "fin",
    "people": "personnes",
    "commune": "commune",
    "kind": "type",
    "lat": "lat",
    "lon": "lon",
    "start_occurrence": "debut_occurrence",
    "end_occurrence": "fin_occurrence",
}
PARAMETER_OF = {field: parameter for parameter, field in FORM_FIELDS.items()}
PARAMETERS = [
    OpenApiParameter("date", OpenApiTypes.DATE, required=True, description="Le jour (Paris)."),
    OpenApiParameter(
        "start",
        OpenApiTypes.STR,
        required=True,
        pattern=r"^\d{2}:\d{2}$",
        description="Heure de début, heure de Paris (HH:MM).",
    ),
    OpenApiParameter(
        "end",
        OpenApiTypes.STR,
        required=True,
        pattern=r"^\d{2}:\d{2}$",
        description="Heure de fin (HH:MM), après le début.",
    ),
    OpenApiParameter(
        "people", OpenApiTypes.INT, description=f"Nombre de personnes (1 à {MAX_CAPACITY})."
    ),
    OpenApiParameter("commune", OpenApiTypes.STR, description="Code INSEE de la commune."),
    OpenApiParameter("kind", OpenApiTypes.STR, enum=list(SpaceKind.values)),
    OpenApiParameter("lat", OpenApiTypes.DOUBLE, description="Latitude d'un point (avec lon)."),
    OpenApiParameter(
        "lon",
        OpenApiTypes.DOUBLE,
        description="Longitude d'un point (avec lat) : les "
        "résultats vont alors du plus proche au plus loin.",
    ),
    OpenApiParameter(
        "start_occurrence",
        OpenApiTypes.INT,
        enum=[1, 2],
        description="La nuit du passage à l'heure d'hiver, quelle occurrence d'une heure "
        "affichée deux fois (1 : la première).",
    ),
    OpenApiParameter("end_occurrence", OpenApiTypes.INT, enum=[1, 2]),
]


def read_search(request: Request) -> SearchForm:
    """The valid search form the query parameters fill, or a 400 problem naming each refused
    parameter."""
    errors = Errors()
    data = form_data(request, FORM_FIELDS, errors)
    errors.raise_if_any("Certains paramètres sont invalides.")
    form = SearchForm(data)
    if not form.is_valid():
        for field, refusals in form.errors.as_data().items():
            for refusal in refusals:
                # The form's own errors (not a field's): a lone coordinate, or the window.
                parameter = PARAMETER_OF.get(
                    field, "lat" if refusal.code == POSITION_INCOMPLETE else "date"
                )
                errors.setdefault(parameter, []).extend(
                    f"« {parameter} » : {message}" for message in refusal.messages
                )
        raise ApiProblem(400, "Certains paramètres sont invalides.", errors)
    return form


def result_json(links: Links, result: SearchResult) -> dict[str, Any]:
    """A search result (SearchResultOut), its URLs made by `links` (the answer's)."""
    card = result.place
    return {
        "space": result.space_id,
        "name": result.name,
        "kind": result.kind,
        "kind_label": str(result.kind_label),
        "capacity": result.capacity,
        "exclusive": result.is_exclusive,
        "prices": {
            "hour_cents": result.price_hour_cents,
            "half_day_cents": result.price_half_day_cents,
            "day_cents": result.price_day_cents,
        },
        "price_cents": result.price_cents,
        "distance_m": result.distance_m,
        "place": {
            "id": result.place_id,
            "slug": card.slug,
            "name": card.name,
            "commune": card.commune,
            "latitude": card.latitude,
            "longitude": card.longitude,
            "is_fictional": card.is_fictional,
            "url": links(PLACE_PAGE, card.slug),
        },
        "links": {
            "week": links(api_route("space_week"), result.space_id),
            "slots": links(api_route("space_slots"), result.space_id),
            "price": links(api_route("space_price"), result.space_id),
        },
    }


class Search(ETagMixin, GenericAPIView[Any]):
    """The spaces free throughout a window, by space id (nearest first near a point)."""

    serializer_class = SearchResultOut

    @extend_schema(
        operation_id="search",
        summary="Chercher un espace libre",
        description="La recherche de la page « Réserver » : les espaces libres pour le nombre "
        "de personnes pendant tout le créneau, du jour au bout de la période de lecture "
        "publique, dans les lieux ouverts du département.",
        parameters=PARAMETERS,
        responses={200: SearchResultOut(many=True)},
        tags=["Recherche"],
    )
    def get(self, request: Request) -> Response:
        form = read_search(request)
        page = describe(self.paginate_queryset(free_spaces(form)) or [], form)
        links = Links(request)
        return self.get_paginated_response([result_json(links, result) for result in page])
