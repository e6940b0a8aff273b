"""What a place's profile still lacks before people can judge it: one rule, read by the
managers' home (and any page that wants to nudge a manager)."""

from maillage.places.models import ACCESSIBILITY_FIELDS, Place

PHOTOS = "photos"
HOURS = "horaires d'ouverture"
PRICES = "prix des espaces"
SIRET = "SIRET"
ACCESSIBILITY = "accessibilité"


def missing(place: Place) -> list[str]:
    """What `place`'s profile lacks, as French labels in a fixed order (an empty list: the
    profile is complete):

    - «photos»: no photo;
    - «horaires d'ouverture»: no weekly opening hours;
    - «prix des espaces»: no space, or a bookable space without any price (hour, half day,
      day);
    - «SIRET»: no SIRET number;
    - «accessibilité»: none of the accessibility features (places.models.ACCESSIBILITY_FIELDS)
      is ticked.

    Reads place.photos, place.opening_hours and place.spaces through `.all()`: prefetch them
    when asking for several places (one query each otherwise)."""
    lacks = []
    if not place.photos.all():
        lacks.append(PHOTOS)
    if not place.opening_hours.all():
        lacks.append(HOURS)
    spaces = place.spaces.all()
    if not spaces or any(
        space.is_bookable
        and space.price_hour_cents is None
        and space.price_half_day_cents is None
        and space.price_day_cents is None
        for space in spaces
    ):
        lacks.append(PRICES)
    if not place.siret:
        lacks.append(SIRET)
    if not any(getattr(place, name) for name in ACCESSIBILITY_FIELDS):
        lacks.append(ACCESSIBILITY)
    return lacks
