from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Sum

from maillage.places.models import SEAT_KINDS, Place, PlaceStatus, Space, today_in_paris
from maillage.territory.models import Commune


@dataclass(frozen=True)
class NetworkFigures:
    open_places: int
    upcoming_places: int
    seats: int
    communes: int
    communes_without_open_place: int


def network_figures(departement_code: str) -> NetworkFigures:
    """The key figures of a département's network, as shown on the home page."""
    today = today_in_paris()
    places = Place.objects.in_departement(departement_code)
    communes = Commune.objects.of_departement(departement_code)
    with_open_place = Exists(Place.objects.open(today).filter(commune=OuterRef("pk")))
    seats = Space.objects.filter(place__in=places.open(today), kind__in=SEAT_KINDS).aggregate(
        total=Sum("capacity")
    )["total"]
    return NetworkFigures(
        open_places=places.open(today).count(),
        upcoming_places=(
            places.filter(status=PlaceStatus.PROJECT) | places.preparing(today)
        ).count(),
        seats=seats or 0,
        communes=communes.count(),
        communes_without_open_place=communes.exclude(with_open_place).count(),
    )
