"""A place as a row of the national «Lieux de médiation numérique» schema, version 1.0.2
(pure: no Django; schemas/lieux-mediation-numerique-v1.0.2.json, vendored).

The platform's words become the schema's vocabularies through one table per kind of word
(documented in schemas/tiers-lieux-espaces.md, «Correspondance avec le schéma national»):
every place is a `TIERS_LIEUX` (data.inclusion's typologies of structures); each service of
the catalogue (places.catalogue.SERVICES, by slug) and each kind of space (places.kinds) adds
the typologies, services and modes of support (`modalites_accompagnement`) it stands for, or
nothing when the national vocabularies have no counterpart (a café, lockers). A service staff
add in the back-office without a line here adds nothing to the national file (the extension
lists every service by its own name); tests fail for a catalogue service without one.

Values the platform does not know are left empty, as the schema's documentation asks of an
empty cell; the required `pivot` (SIRET) of a place without one is «00000000000000», the
value the national inventory itself publishes for an unknown SIRET (the schema's pattern,
9 to 14 letters or digits, leaves no empty value)."""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from maillage.core.text import single_line
from maillage.places.kinds import KIND_LABELS, SpaceKind
from maillage.web.opendata.facts import PlaceFacts
from maillage.web.opendata.osm_hours import opening_hours

UNKNOWN_PIVOT = "00000000000000"
# The schema's separator between several values of one field.
SEPARATOR = "|"
SUMMARY_MAX = 280

TIERS_LIEUX = "TIERS_LIEUX"
FABLAB = "FABLAB"  # «Fablab / Atelier partagé»

# The schema's vocabularies (its fields' patterns), in its order.
SERVICES_VOCABULARY = (
    "Aide aux démarches administratives",
    "Maîtrise des outils numériques du quotidien",
    "Insertion professionnelle via le numérique",
    "Utilisation sécurisée du numérique",
    "Parentalité et éducation avec le numérique",
    "Loisirs et créations numériques",
    "Compréhension du monde numérique",
    "Accès internet et matériel informatique",
    "Acquisition de matériel informatique à prix solidaire",
)
SUPPORT_VOCABULARY = (
    "En autonomie",
    "Accompagnement individuel",
    "Dans un atelier collectif",
    "À distance",
)
FEES_VOCABULARY = ("Gratuit", "Gratuit sous condition", "Payant")
ACCESS_VOCABULARY = (
    "Se présenter",
    "Téléphoner",
    "Contacter par mail",
    "Prendre un RDV en ligne",
    "Ce lieu n'accueille pas de public",
    "Envoyer un mail avec une fiche de prescription",
)
NEEDS_VOCABULARY = (
    "Surdité",
    "Handicaps moteurs",
    "Handicaps mentaux",
    "Illettrisme",
    "Langues étrangères (anglais)",
    "Langues étrangères (autres)",
    "Déficience visuelle",
)

INTERNET = "Accès internet et matériel informatique"
CREATION = "Loisirs et créations numériques"
EMPLOYMENT = "Insertion professionnelle via le numérique"


@dataclass(frozen=True)
class Facets:
    """What one platform value stands for in the national vocabularies: typologies
    (data.inclusion's codes), `services` and `modalites_accompagnement` values."""

    typologies: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    support: tuple[str, ...] = ()


# Every place of the platform.
PLACE = Facets(typologies=(TIERS_LIEUX,))
# The catalogue's services, by slug (places.catalogue.SERVICES).
SERVICES: dict[str, Facets] = {
    "salles-de-reunion": Facets(),
    "fablab": Facets(typologies=(FABLAB,), services=(CREATION,)),
    "cafe": Facets(),
    "garde-enfants": Facets(),
    "impression": Facets(services=(INTERNET,)),
    "espace-evenementiel": Facets(),
    "cuisine-partagee": Facets(),
    "domiciliation": Facets(),
    "accompagnement": Facets(services=(EMPLOYMENT,), support=("Accompagnement individuel",)),
    "cabines-telephoniques": Facets(),
    "stationnement-velos": Facets(),
    "casiers": Facets(),
}
# The kinds of space (places.kinds.SpaceKind): workstations are used on one's own, with the
# place's connection; a workshop is a shared workshop.
SPACE_KINDS: dict[SpaceKind, Facets] = {
    SpaceKind.DESK: Facets(services=(INTERNET,), support=("En autonomie",)),
    SpaceKind.PRIVATE_OFFICE: Facets(services=(INTERNET,), support=("En autonomie",)),
    SpaceKind.MEETING_ROOM: Facets(),
    SpaceKind.EVENT_HALL: Facets(),
    SpaceKind.WORKSHOP: Facets(typologies=(FABLAB,)),
}


def place_id(departement: str, pk: int) -> str:
    """The place's stable identifier in the published files: «92-tiers-lieu-12» (the
    département's code, then the place's database id, which never changes)."""
    return f"{departement}-tiers-lieu-{pk}"


def facets(place: PlaceFacts) -> Facets:
    """Everything the place stands for in the national vocabularies: PLACE, its services' and
    its spaces' kinds' Facets (a slug without a line in SERVICES adds nothing), each value
    once, in the vocabulary's order (typologies: TIERS_LIEUX first, then by name)."""
    parts = [PLACE]
    parts += [SERVICES[slug] for slug in place.services if slug in SERVICES]
    parts += [SPACE_KINDS[SpaceKind(kind)] for kind in place.space_kinds]
    typologies = {t for part in parts for t in part.typologies}
    return Facets(
        typologies=tuple(sorted(typologies, key=lambda t: (t != TIERS_LIEUX, t))),
        services=_in_order({s for part in parts for s in part.services}, SERVICES_VOCABULARY),
        support=_in_order({s for part in parts for s in part.support}, SUPPORT_VOCABULARY),
    )


def _in_order(values: set[str], vocabulary: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(value for value in vocabulary if value in values)


def _joined(values: Iterable[str]) -> str:
    return SEPARATOR.join(values)


def international_phone(phone: str) -> str:
    """A French number as the schema writes it, «+33» and nine digits: «01 23 45 67 89» →
    «+33123456789»; "" for an empty or unreadable one."""
    digits = re.sub(r"\D", "", phone)
    if phone.strip().startswith("+33") and len(digits) == 11:
        return "+" + digits
    if len(digits) == 10 and digits.startswith("0"):
        return "+33" + digits[1:]
    return ""


def summary(text: str, limit: int = SUMMARY_MAX) -> str:
    """The presentation on one line, at most `limit` characters: cut at the last whole word
    that fits, with «…»."""
    line = single_line(text)
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"


def fees(place: PlaceFacts) -> tuple[str, ...]:
    """`frais_a_charge`: «Payant» when a space has a price above zero, «Gratuit» when every
    price set is zero, «Gratuit sous condition» when a programme can leave the person
    nothing to pay; none when no price is set."""
    found = set()
    if any(cents > 0 for cents in place.prices_cents):
        found.add("Payant")
    elif place.prices_cents:
        found.add("Gratuit")
    if place.free_under_condition:
        found.add("Gratuit sous condition")
    return _in_order(found, FEES_VOCABULARY)


def access(place: PlaceFacts) -> tuple[str, ...]:
    """`modalites_acces`: booking online here, calling, writing (each when possible)."""
    found = set()
    if place.books_online:
        found.add("Prendre un RDV en ligne")
    if international_phone(place.phone):
        found.add("Téléphoner")
    if place.email:
        found.add("Contacter par mail")
    return _in_order(found, ACCESS_VOCABULARY)


def needs(place: PlaceFacts) -> tuple[str, ...]:
    """`prise_en_charge_specifique`: «Surdité» with a hearing loop, «Handicaps moteurs» with
    step-free access and accessible toilets."""
    found = set()
    if place.hearing_loop:
        found.add("Surdité")
    if place.step_free_access and place.accessible_toilets:
        found.add("Handicaps moteurs")
    return _in_order(found, NEEDS_VOCABULARY)


def national_row(place: PlaceFacts, departement: str, source: str) -> dict[str, object]:
    """The place's row, by field name of the national schema (every field, in its order):
    strings ("" when unknown), `latitude` and `longitude` as floats (WGS84 degrees, 6
    decimals), `date_maj` as a date. `source` names who collects the data."""
    found = facets(place)
    return {
        "id": place_id(departement, place.pk),
        "pivot": place.siret or UNKNOWN_PIVOT,
        "nom": place.name,
        "commune": place.commune,
        "code_postal": place.postal_code,
        "code_insee": place.insee_code,
        "adresse": place.address,
        "complement_adresse": "",
        "latitude": round(place.latitude, 6),
        "longitude": round(place.longitude, 6),
        "typologie": _joined(found.typologies),
        "telephone": international_phone(place.phone),
        "courriels": place.email,
        "site_web": place.website,
        "horaires": opening_hours(place.hours, place.closures),
        "presentation_resume": summary(place.description),
        "presentation_detail": place.description.strip(),
        "source": source,
        "itinerance": "Fixe",
        "structure_parente": "",
        "date_maj": place.updated,
        "services": _joined(found.services),
        "publics_specifiquement_adresses": "",
        "prise_en_charge_specifique": _joined(needs(place)),
        "frais_a_charge": _joined(fees(place)),
        "dispositif_programmes_nationaux": "",
        "formations_labels": "",
        "autres_formations_labels": "",
        "modalites_acces": _joined(access(place)),
        "modalites_accompagnement": _joined(found.support),
        "fiche_acces_libre": "",
        "prise_rdv": place.page_url if place.books_online else "",
    }


def mapping_table(service_names: dict[str, str]) -> list[tuple[str, Facets]]:
    """The correspondence as rows of (the platform's value in French, its Facets): every
    place, each service of `service_names` (slug → name: the catalogue's, and any staff
    added, which stand for nothing here), each kind of space."""
    rows = [("Tout tiers-lieu", PLACE)]
    rows += [(f"Service « {service_names.get(s, s)} »", f) for s, f in SERVICES.items()]
    others = sorted((name, slug) for slug, name in service_names.items() if slug not in SERVICES)
    rows += [(f"Service « {name} »", Facets()) for name, _ in others]
    rows += [(f"Espace « {KIND_LABELS[kind]} »", f) for kind, f in SPACE_KINDS.items()]
    return rows
