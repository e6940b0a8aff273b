import pytest

from maillage.observatory.models import CandidateSite
from tests.factories import make_place


def candidate_at(commune, reference: str, name: str, **fields) -> CandidateSite:
    """A candidate site at the centre of a commune."""
    values = {"owner": "departement", "kind": "college", "surface_m2": 400, **fields}
    return CandidateSite.objects.create(
        reference=reference,
        name=name,
        commune=commune,
        latitude=commune.centroid_lat,
        longitude=commune.centroid_lon,
        **values,
    )


@pytest.fixture
def candidate_sites(territory):
    """Four candidate sites at commune centres, in communes without a place."""
    codes = ["92004", "92025", "92062", "92078"]  # Asnières, Colombes, Puteaux, Villeneuve
    return [
        candidate_at(commune, f"site-{commune.insee_code}", f"Site de {commune.name}")
        for commune in territory.filter(insee_code__in=codes)
    ]


@pytest.fixture
def open_network(territory):
    """Two open places: Boulogne-Billancourt and Nanterre."""
    return [
        make_place(territory.get(insee_code=code), slug=f"ouvert-{code}")
        for code in ("92012", "92050")
    ]
