import pytest

from tests.factories import PlaceFactory, candidate_at


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
        PlaceFactory(commune=territory.get(insee_code=code), slug=f"ouvert-{code}")
        for code in ("92012", "92050")
    ]
