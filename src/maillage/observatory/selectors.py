"""Reads of the observatory's figures for other apps (the API): the communes' coverage by
today's open places, as the public observatory computes it, kept in the default cache."""

import hashlib

from django.conf import settings
from django.core.cache import cache

from maillage.observatory import analysis
from maillage.observatory.models import PopulationLayer
from maillage.territory.models import Commune

# How long computed figures are kept (seconds). The key holds every input (the open places,
# the communes' figures, the population layer, the threshold), so a change is seen at once;
# this only bounds how long unused figures occupy the cache.
COVERAGE_CACHE_SECONDS = 3600


def live_commune_coverage(
    threshold: int = analysis.DEFAULT_THRESHOLD_MINUTES,
) -> dict[str, analysis.AreaFigures]:
    """Each commune's figures (by INSEE code) for today's open places at `threshold` walking
    minutes (one of analysis.THRESHOLDS_MINUTES): computed once for a given state of the
    places and the territory, then read from the cache (three cheap queries a call)."""
    code = settings.MAILLAGE_DEPARTEMENT
    sites = analysis.open_places(code)
    communes = list(
        Commune.objects.of_departement(code)
        .order_by("insee_code")
        .values_list("insee_code", "name", "ept", "population")
    )
    layer = (
        PopulationLayer.objects.filter(departement=code, is_active=True)
        .values_list("pk", flat=True)
        .first()
    )
    state = repr(
        (
            code,
            threshold,
            sites,
            communes,
            layer,
            settings.MAILLAGE_WALKING_SPEED_KMH,
            settings.MAILLAGE_DETOUR_FACTOR,
        )
    )
    key = "observatory:communes:" + hashlib.sha256(state.encode()).hexdigest()
    figures = cache.get(key)
    if figures is None:
        figures = {area.code: area for area in analysis.commune_coverage(code, sites, threshold)}
        cache.set(key, figures, COVERAGE_CACHE_SECONDS)
    return figures
