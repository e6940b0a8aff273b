from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from maillage.territory.models import Commune, Departement
from maillage.territory.reference import read_departement, to_geojson


@dataclass(frozen=True)
class TerritoryLoadResult:
    departement: str
    communes: int
    population: int
    skipped_polygons: tuple[str, ...]


@transaction.atomic
def load_territory(
    code: str, progress: Callable[[str], None] = lambda message: None
) -> TerritoryLoadResult:
    """Create or update a département and its communes from the vendored data (idempotent)."""
    progress(f"Lecture des données de référence du département {code}…")
    record = read_departement(code)
    departement, _ = Departement.objects.update_or_create(
        code=record.code,
        defaults={"name": record.name, "outline": to_geojson(record.outline)},
    )
    total = len(record.communes)
    for index, commune in enumerate(record.communes, start=1):
        centre = commune.geometry.representative_point()
        Commune.objects.update_or_create(
            insee_code=commune.insee_code,
            defaults={
                "name": commune.name,
                "departement": departement,
                "postal_codes": " ".join(commune.postal_codes),
                "population": commune.population,
                "ept": commune.ept,
                "geometry": to_geojson(commune.geometry),
                "centroid_lat": round(centre.y, 6),
                "centroid_lon": round(centre.x, 6),
            },
        )
        if index % 50 == 0 or index == total:
            progress(f"  {index}/{total} communes")
    return TerritoryLoadResult(
        departement=record.code,
        communes=total,
        population=sum(c.population for c in record.communes),
        skipped_polygons=record.polygons_without_population,
    )
