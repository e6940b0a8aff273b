"""The shapes of places and their spaces in the API: the public directory's and the place
page's facts; amounts in cents (TTC), distances in metres, coordinates in WGS84 degrees."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from maillage.places.models import (
    ACCESSIBILITY_FIELDS,
    MAX_CAPACITY,
    BroadbandTechnology,
    PlaceStatus,
    SpaceKind,
)


class CommuneRef(serializers.Serializer):
    insee_code = serializers.CharField(help_text="Code INSEE.")
    name = serializers.CharField()
    ept = serializers.CharField(
        allow_null=True, help_text="Établissement public territorial (nul : hors EPT)."
    )


class ServiceOut(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class Broadband(serializers.Serializer):
    technology = serializers.ChoiceField(choices=BroadbandTechnology.choices)
    down_mbps = serializers.IntegerField(allow_null=True, min_value=0)
    up_mbps = serializers.IntegerField(allow_null=True, min_value=0)
    very_high_speed = serializers.BooleanField(help_text="Très haut débit : 30 Mbit/s et plus.")


class Accessibility(serializers.Serializer):
    step_free_access = serializers.BooleanField(help_text="Accès de plain-pied ou par ascenseur.")
    accessible_toilets = serializers.BooleanField()
    hearing_loop = serializers.BooleanField()
    accessible_parking = serializers.BooleanField()
    accessible = serializers.BooleanField(
        help_text="Accessible PMR : accès de plain-pied ou par ascenseur."
    )


assert set(Accessibility._declared_fields) == {*ACCESSIBILITY_FIELDS, "accessible"}


@extend_schema_field(
    {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "example": "08:30"}
)
class WallClockTime(serializers.TimeField):
    """A Paris wall-clock time as HH:MM (not an RFC 3339 «time», which needs an offset)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


# A time as WallClockTime writes it, for the views that build their answers as dicts.
wall_clock = WallClockTime().to_representation


class OpeningRange(serializers.Serializer):
    weekday = serializers.IntegerField(min_value=0, max_value=6, help_text="0 : lundi.")
    opens = WallClockTime()
    closes = WallClockTime(help_text="00:00 : minuit.")


class ClosureOut(serializers.Serializer):
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    reason = serializers.CharField()


class SpaceSummary(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=SpaceKind.choices)
    capacity = serializers.IntegerField(min_value=1, max_value=MAX_CAPACITY)
    bookable = serializers.BooleanField(help_text="Réservable aujourd'hui.")


class PlaceOut(serializers.Serializer):
    """A place as the directory lists it and its page shows it (one shape for the list and
    the place: every field always present)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    status = serializers.ChoiceField(
        choices=PlaceStatus.choices,
        help_text="Le statut affiché : un lieu « ouvert » qui ouvre plus tard est « preparing ».",
    )
    status_label = serializers.CharField()
    address = serializers.CharField()
    postal_code = serializers.CharField()
    commune = CommuneRef()
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    services = ServiceOut(many=True)
    broadband = Broadband()
    accessibility = Accessibility()
    takes_bookings = serializers.BooleanField(help_text="Ouvert et réservable aujourd'hui.")
    is_fictional = serializers.BooleanField(help_text="Lieu de démonstration.")
    url = serializers.URLField(help_text="La page du lieu sur le site.")
    distance_m = serializers.FloatField(
        allow_null=True, help_text="Distance au point demandé, en mètres (nul sans point)."
    )
    description = serializers.CharField(allow_blank=True)
    access_text = serializers.CharField(allow_blank=True, help_text="Accès et transports.")
    payment_terms = serializers.CharField(allow_blank=True)
    website = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)
    opening_date = serializers.DateField(allow_null=True)
    opening_hours = OpeningRange(many=True)
    closures = ClosureOut(many=True, help_text="Fermetures à venir ou en cours.")
    spaces = SpaceSummary(many=True)
    spaces_url = serializers.URLField(help_text="Les espaces du lieu dans l'API.")


class Prices(serializers.Serializer):
    hour_cents = serializers.IntegerField(allow_null=True, min_value=0)
    half_day_cents = serializers.IntegerField(allow_null=True, min_value=0)
    day_cents = serializers.IntegerField(allow_null=True, min_value=0)


class SpaceLinks(serializers.Serializer):
    week = serializers.URLField(help_text="GET : la semaine de l'espace.")
    slots = serializers.URLField(help_text="GET : ses créneaux réservables (date, minutes).")
    price = serializers.URLField(help_text="GET : le prix d'un créneau.")


class SpaceOut(serializers.Serializer):
    """A space as its place's page lists it: kind, capacity, prices (TTC, in cents; nul :
    pas de prix à cette durée)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=SpaceKind.choices)
    kind_label = serializers.CharField()
    capacity = serializers.IntegerField(min_value=1, max_value=MAX_CAPACITY)
    exclusive = serializers.BooleanField(
        help_text="true : réservé en entier (salle) ; false : par poste (espace partagé)."
    )
    description = serializers.CharField(allow_blank=True)
    equipment = ServiceOut(many=True)
    prices = Prices()
    bookable = serializers.BooleanField(help_text="Réservable aujourd'hui.")
    links = SpaceLinks(allow_null=True, help_text="Nul quand l'espace n'est pas réservable.")


class SearchPlace(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    commune = serializers.CharField(help_text="Nom de la commune.")
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    is_fictional = serializers.BooleanField()
    url = serializers.URLField(help_text="La page du lieu sur le site.")


class SearchResultOut(serializers.Serializer):
    """A space free for the people asked throughout the window (the search page's result)."""

    space = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=SpaceKind.choices)
    kind_label = serializers.CharField()
    capacity = serializers.IntegerField(min_value=1, max_value=MAX_CAPACITY)
    exclusive = serializers.BooleanField()
    prices = Prices()
    price_cents = serializers.IntegerField(
        allow_null=True,
        min_value=0,
        help_text="Prix public du créneau demandé (TTC) ; nul quand aucun tarif ne le couvre.",
    )
    distance_m = serializers.FloatField(
        allow_null=True, help_text="Distance au point demandé, en mètres (nul sans point)."
    )
    place = SearchPlace()
    links = SpaceLinks()
