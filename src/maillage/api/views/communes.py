"""The communes of the territory with their coverage by today's open places, as the public
observatory computes it (observatory.selectors.live_commune_coverage)."""

import math
from typing import Any

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from maillage.api.conditional import ETagMixin
from maillage.api.problems import ApiProblem
from maillage.api.serializers.communes import CommuneOut
from maillage.api.views.common import ApiView
from maillage.observatory.analysis import (
    DEFAULT_THRESHOLD_MINUTES,
    THRESHOLDS_MINUTES,
    AreaFigures,
)
from maillage.observatory.selectors import live_commune_coverage
from maillage.territory.models import Commune

THRESHOLD = OpenApiParameter(
    "threshold",
    OpenApiTypes.INT,
    enum=list(THRESHOLDS_MINUTES),
    default=DEFAULT_THRESHOLD_MINUTES,
    description="Seuil de marche en minutes.",
)
THRESHOLD_REFUSED = "« threshold » : l'un de {} attendu.".format(
    ", ".join(map(str, THRESHOLDS_MINUTES))
)


def read_threshold(request: Request) -> int:
    """The `threshold` parameter (one of THRESHOLDS_MINUTES), or a 400 problem."""
    raw = request.query_params.get("threshold")
    if raw is None:
        return DEFAULT_THRESHOLD_MINUTES
    if raw not in {str(t) for t in THRESHOLDS_MINUTES}:
        raise ApiProblem(
            400, "Certains paramètres sont invalides.", {"threshold": [THRESHOLD_REFUSED]}
        )
    return int(raw)


def commune_json(commune: Commune, figures: AreaFigures | None, threshold: int) -> dict[str, Any]:
    """A commune and its coverage (CommuneOut); no figures: nobody counted there."""
    population = figures.population if figures else 0.0
    share = figures.share_within.get(threshold, 0.0) if figures else 0.0
    mean = figures.mean_minutes if figures else math.inf
    return {
        "insee_code": commune.insee_code,
        "name": commune.name,
        "ept": commune.ept or None,
        "postal_codes": commune.postal_codes.split(),
        "municipal_population": commune.population,
        "centroid_lat": commune.centroid_lat,
        "centroid_lon": commune.centroid_lon,
        "coverage": {
            "threshold_minutes": threshold,
            "population": round(population),
            "covered_population": round(population * share),
            "covered_share": min(1.0, max(0.0, share)),
            "mean_minutes": mean if math.isfinite(mean) and population > 0 else None,
            "places": figures.places if figures else 0,
            "seats": figures.seats if figures else 0,
        },
    }


def territory_communes() -> Any:
    """The communes of the active département, by name then id."""
    return Commune.objects.of_departement(settings.MAILLAGE_DEPARTEMENT).order_by("sort_name", "pk")


class Communes(ETagMixin, GenericAPIView[Commune]):
    """The territory's communes with their coverage, by name then id."""

    serializer_class = CommuneOut

    @extend_schema(
        operation_id="communes_list",
        summary="Les communes et leur desserte",
        description="Les indicateurs de l'observatoire public pour les lieux ouverts "
        "aujourd'hui : population, population à moins du seuil de marche d'un lieu ouvert, "
        "part couverte, temps moyen, lieux et postes.",
        parameters=[THRESHOLD],
        responses={200: CommuneOut(many=True)},
        tags=["Communes"],
    )
    def get(self, request: Request) -> Response:
        threshold = read_threshold(request)
        page = self.paginate_queryset(territory_communes()) or []
        figures = live_commune_coverage(threshold)
        return self.get_paginated_response(
            CommuneOut(
                [commune_json(c, figures.get(c.insee_code), threshold) for c in page], many=True
            ).data
        )


class CommuneDetail(ApiView):
    """One commune of the territory with its coverage."""

    @extend_schema(
        operation_id="communes_retrieve",
        summary="Une commune et sa desserte",
        parameters=[
            OpenApiParameter(
                "insee", OpenApiTypes.STR, OpenApiParameter.PATH, description="Code INSEE."
            ),
            THRESHOLD,
        ],
        responses={200: CommuneOut},
        tags=["Communes"],
    )
    def get(self, request: Request, insee: str) -> Response:
        commune = None
        if len(insee) == 5 and insee.isascii() and insee.isalnum():
            commune = territory_communes().filter(insee_code=insee).first()
        if commune is None:
            raise ApiProblem(404, "Cette commune n'existe pas dans le territoire.")
        threshold = read_threshold(request)
        figures = live_commune_coverage(threshold)
        return Response(
            CommuneOut(commune_json(commune, figures.get(commune.insee_code), threshold)).data
        )
