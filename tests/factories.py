from maillage.places.models import Place
from maillage.territory.models import Commune


def make_place(commune: Commune, **fields) -> Place:
    values = {
        "name": f"Lieu de {commune.name}",
        "slug": f"lieu-{commune.insee_code}",
        "address": "1 place de la Mairie",
        "postal_code": commune.postal_codes.split()[0],
        "commune": commune,
        "latitude": commune.centroid_lat,
        "longitude": commune.centroid_lon,
        "status": "open",
        "opening_date": "2020-01-01",
    }
    values.update(fields)
    place = Place(**values)
    place.full_clean()
    place.save()
    return place
