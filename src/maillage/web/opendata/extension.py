"""A space as a row of the tiers-lieux extension (pure: no Django;
schemas/tiers-lieux-espaces.json, documented in schemas/tiers-lieux-espaces.md).

One row per space of a published place, linked to the national file by `id_lieu` (its
`id`): prices, capacity and the social rates that apply are the space's own (a programme
covers some kinds of space only), so a reuser filters rows directly («a desk under 15 € a
day, with fibre, step-free»); the place's broadband, accessibility and services are
repeated on each of its spaces' rows."""

from maillage.places.kinds import KIND_LABELS, SpaceKind
from maillage.web.opendata.facts import SpaceFacts
from maillage.web.opendata.national import SEPARATOR, place_id

# Each kind's code in the file (French, as the file's other words), and its label.
KIND_CODES: dict[SpaceKind, str] = {
    SpaceKind.DESK: "poste_partage",
    SpaceKind.MEETING_ROOM: "salle_reunion",
    SpaceKind.PRIVATE_OFFICE: "bureau_ferme",
    SpaceKind.EVENT_HALL: "salle_evenementielle",
    SpaceKind.WORKSHOP: "atelier",
}
KIND_CODE_LABELS = {KIND_CODES[kind]: KIND_LABELS[kind] for kind in SpaceKind}
TECHNOLOGIES = {"fibre": "fibre", "other": "autre", "unknown": ""}


def space_id(departement: str, pk: int) -> str:
    """The space's stable identifier: «92-espace-34» (the département, the space's id)."""
    return f"{departement}-espace-{pk}"


def euros(cents: int | None) -> str:
    """Cents as euros with a decimal point, «12.50»; "" for None (not offered)."""
    return "" if cents is None else f"{cents // 100}.{cents % 100:02d}"


def flag(value: bool) -> str:
    """A Table Schema boolean: «true» or «false»."""
    return "true" if value else "false"


def listed(values: tuple[str, ...]) -> str:
    """Names joined by «|»; a «|» inside a name becomes «/» so that the list splits back."""
    return SEPARATOR.join(value.replace(SEPARATOR, "/") for value in values)


def space_row(space: SpaceFacts, departement: str) -> dict[str, str]:
    """The space's row, by field name of the extension schema (every field, in its order),
    each value as the CSV writes it ("" when unknown)."""
    place = space.place
    kind = SpaceKind(space.kind)
    return {
        "id": space_id(departement, space.pk),
        "id_lieu": place_id(departement, place.pk),
        "nom_lieu": place.name,
        "code_insee": place.insee_code,
        "nom": space.name,
        "type": KIND_CODES[kind],
        "capacite": str(space.capacity),
        "unite_capacite": "personnes" if kind.is_exclusive else "postes",
        "reservable": flag(space.is_bookable),
        "reservation_en_ligne": space.booking_url,
        "prix_heure_eur": euros(space.price_hour_cents),
        "prix_demi_journee_eur": euros(space.price_half_day_cents),
        "prix_journee_eur": euros(space.price_day_cents),
        "equipements": listed(space.equipment),
        "tarifs_sociaux": listed(space.social_rates),
        "services_lieu": listed(place.service_names),
        "technologie_internet": TECHNOLOGIES[place.broadband_technology],
        "debit_descendant_mbps": _whole(place.broadband_down_mbps),
        "debit_montant_mbps": _whole(place.broadband_up_mbps),
        "tres_haut_debit": flag(place.has_thd),
        "acces_plain_pied": flag(place.step_free_access),
        "toilettes_adaptees": flag(place.accessible_toilets),
        "boucle_magnetique": flag(place.hearing_loop),
        "stationnement_adapte": flag(place.accessible_parking),
        "date_maj": place.updated.isoformat(),
    }


def _whole(value: int | None) -> str:
    return "" if value is None else str(value)
