"""A fictional, deterministic network of tiers-lieux spread over a département's communes."""

import random
from dataclasses import dataclass, field
from datetime import date, time

from django.utils.text import slugify
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from maillage.places import catalogue
from maillage.places.schedule import OpeningRange

SEED = 2026
PLACE_COUNT = 40
COMMUNES_LEFT_WITHOUT_PLACE = 7
# Status of the n-th place; the rest are open.
PROJECTS, PREPARING, CLOSED = 3, 4, 1
# Points are drawn this far inside the commune outline (degrees, about 100 m).
INNER_MARGIN_DEGREES = 0.001

NAME_STEMS = [
    "La Ruche",
    "L'Atelier",
    "Le Quai",
    "La Fabrique",
    "Le Comptoir",
    "La Passerelle",
    "Le Relais",
    "L'Escale",
    "La Canopée",
    "Le Phare",
    "La Serre",
    "Le Carré",
    "La Verrière",
    "Le Hangar",
    "La Cour",
    "Le Belvédère",
    "La Station",
    "Le Nid",
    "La Halle",
    "Le Moulin",
]
STREETS = [
    "rue de la République",
    "avenue Jean-Jaurès",
    "rue Victor-Hugo",
    "place de la Mairie",
    "boulevard Gambetta",
    "rue Pasteur",
    "allée des Tilleuls",
    "rue du Marché",
    "avenue de la Gare",
    "rue des Écoles",
    "quai de Seine",
    "rue Voltaire",
]

WEEKDAYS = range(5)
HOURS_PATTERNS: list[list[OpeningRange]] = [
    [OpeningRange(d, time(8, 30), time(19, 0)) for d in WEEKDAYS],
    [
        r
        for d in WEEKDAYS
        for r in (OpeningRange(d, time(9), time(12, 30)), OpeningRange(d, time(14), time(18, 30)))
    ]
    + [OpeningRange(5, time(9, 30), time(12, 30))],
    [OpeningRange(d, time(8), time(20)) for d in range(6)],
    [OpeningRange(d, time(9), time(18)) for d in range(1, 6)],
]


@dataclass(frozen=True)
class CommuneSeed:
    insee_code: str
    name: str
    postal_code: str
    geometry: BaseGeometry


@dataclass
class SpaceSpec:
    name: str
    kind: str
    capacity: int
    price_hour_cents: int | None
    price_half_day_cents: int | None
    price_day_cents: int | None
    equipment: list[str]


@dataclass
class PlaceSpec:
    name: str
    slug: str
    insee_code: str
    description: str
    address: str
    postal_code: str
    latitude: float
    longitude: float
    status: str
    opening_date: date | None
    services: list[str]
    broadband_technology: str
    broadband_down_mbps: int
    broadband_up_mbps: int
    accessibility: dict[str, bool]
    phone: str
    email: str
    spaces: list[SpaceSpec] = field(default_factory=list)
    hours: list[OpeningRange] = field(default_factory=list)


def point_inside(geometry: BaseGeometry, rng: random.Random) -> Point:
    """A uniformly drawn point well inside the polygon (rejection sampling)."""
    inner = geometry.buffer(-INNER_MARGIN_DEGREES)
    area = inner if not inner.is_empty else geometry
    min_x, min_y, max_x, max_y = area.bounds
    while True:
        candidate = Point(rng.uniform(min_x, max_x), rng.uniform(min_y, max_y))
        if area.contains(candidate):
            return candidate


def _spaces(rng: random.Random) -> list[SpaceSpec]:
    seats = rng.choice([8, 12, 16, 20, 24, 30, 40])
    spaces = [
        SpaceSpec(
            "Espace partagé",
            "desk",
            seats,
            rng.choice([300, 400, 500]),
            rng.choice([1200, 1500, 1800]),
            rng.choice([2000, 2500, 3000]),
            rng.sample(["ecran-au-poste", "casiers"], k=1),
        )
    ]
    extras = rng.sample(
        ["meeting_room", "meeting_room", "private_office", "event_hall", "workshop"],
        k=rng.randint(1, 5),
    )
    rooms = offices = 0
    for kind in extras:
        if kind == "meeting_room":
            rooms += 1
            spaces.append(
                SpaceSpec(
                    f"Salle de réunion {rooms}",
                    kind,
                    rng.choice([6, 8, 10, 14]),
                    rng.choice([2500, 3000, 4000]),
                    rng.choice([8000, 10000, 12000]),
                    rng.choice([14000, 18000, 20000]),
                    rng.sample(["ecran", "visioconference", "tableau-blanc"], k=2),
                )
            )
        elif kind == "private_office":
            offices += 1
            spaces.append(
                SpaceSpec(
                    f"Bureau {offices}",
                    kind,
                    rng.choice([2, 3, 4, 6]),
                    None,
                    rng.choice([2500, 3500, 5000]),
                    rng.choice([4000, 6000, 9000]),
                    ["ecran"],
                )
            )
        elif kind == "event_hall":
            spaces.append(
                SpaceSpec(
                    "Grande salle",
                    kind,
                    rng.choice([40, 60, 80, 120]),
                    None,
                    rng.choice([25000, 30000]),
                    rng.choice([45000, 50000]),
                    ["videoprojecteur", "sonorisation"],
                )
            )
        else:
            spaces.append(
                SpaceSpec(
                    "Atelier de fabrication",
                    kind,
                    rng.choice([6, 8, 12]),
                    rng.choice([1500, 2000]),
                    None,
                    None,
                    ["imprimante-3d", "decoupeuse-laser"],
                )
            )
    return spaces


def build_network(communes: list[CommuneSeed], today: date) -> list[PlaceSpec]:
    """About forty fictional places; the same communes and values at every run."""
    rng = random.Random(SEED)
    ordered = sorted(communes, key=lambda c: c.insee_code)
    left_out = set(rng.sample([c.insee_code for c in ordered], k=COMMUNES_LEFT_WITHOUT_PLACE))
    hosts = [c for c in ordered if c.insee_code not in left_out]
    chosen = hosts + rng.sample(hosts, k=PLACE_COUNT - len(hosts))
    statuses = ["project"] * PROJECTS + ["preparing"] * PREPARING + ["closed"] * CLOSED
    statuses += ["open"] * (PLACE_COUNT - len(statuses))
    rng.shuffle(statuses)
    used_names: set[str] = set()
    network = []
    for index, (commune, status) in enumerate(zip(chosen, statuses, strict=True)):
        stem = next(
            s
            for s in rng.sample(NAME_STEMS, k=len(NAME_STEMS))
            if f"{s} {commune.name}" not in used_names
        )
        name = f"{stem} {commune.name}"
        used_names.add(name)
        point = point_inside(commune.geometry, rng)
        fibre = rng.random() < 0.75
        opening_date = (
            date(rng.randint(2014, 2025), rng.randint(1, 12), 1)
            if status in ("open", "closed")
            else date(today.year + rng.randint(1, 2), rng.choice([3, 6, 9]), 1)
        )
        spec = PlaceSpec(
            name=name,
            slug=slugify(name),
            insee_code=commune.insee_code,
            description=(
                f"{name} est un tiers-lieu fictif de {commune.name}, créé pour la démonstration "
                "de la plateforme : espace de travail partagé, rencontres et ateliers."
            ),
            address=f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
            postal_code=commune.postal_code,
            latitude=round(point.y, 6),
            longitude=round(point.x, 6),
            status=status,
            opening_date=opening_date,
            services=sorted(rng.sample(sorted(catalogue.SERVICES), k=rng.randint(2, 5))),
            broadband_technology="fibre" if fibre else "other",
            broadband_down_mbps=rng.choice([300, 500, 1000]) if fibre else rng.choice([8, 20, 50]),
            broadband_up_mbps=rng.choice([100, 300, 500]) if fibre else rng.choice([1, 5, 10]),
            accessibility={
                "step_free_access": rng.random() < 0.7,
                "accessible_toilets": rng.random() < 0.6,
                "hearing_loop": rng.random() < 0.2,
                "accessible_parking": rng.random() < 0.4,
            },
            phone=f"01 {40 + index % 50:02d} {rng.randint(10, 99)} {rng.randint(10, 99)} "
            f"{rng.randint(10, 99)}",
            email=f"contact@{slugify(name)}.exemple.test",
            spaces=_spaces(rng),
            hours=rng.choice(HOURS_PATTERNS),
        )
        network.append(spec)
    return network


CANDIDATE_COUNT = 30
CANDIDATE_KINDS = [
    ("college", "departement", "Collège", (300, 900)),
    ("park_pavilion", "departement", "Pavillon du parc", (80, 250)),
    ("station_premises", "sncf", "Locaux de la gare", (100, 400)),
    ("office_floor", "private", "Plateau de bureaux", (250, 1200)),
    ("shop", "commune", "Ancien local commercial", (60, 200)),
]


@dataclass
class CandidateSpec:
    reference: str
    name: str
    insee_code: str
    latitude: float
    longitude: float
    kind: str
    owner: str
    surface_m2: int
    thd_available: bool
    estimated_cost_cents: int


def build_candidate_sites(communes: list[CommuneSeed]) -> list[CandidateSpec]:
    """Thirty fictional unused sites, one commune each at most, for the observatory."""
    rng = random.Random(SEED + 1)
    ordered = sorted(communes, key=lambda c: c.insee_code)
    chosen = rng.sample(ordered, k=min(CANDIDATE_COUNT, len(ordered)))
    sites = []
    for number, commune in enumerate(chosen, start=1):
        kind, owner, label, (low, high) = rng.choice(CANDIDATE_KINDS)
        point = point_inside(commune.geometry, rng)
        sites.append(
            CandidateSpec(
                reference=f"demo-{number:03d}",
                name=f"{label}, {rng.choice(STREETS)}",
                insee_code=commune.insee_code,
                latitude=round(point.y, 6),
                longitude=round(point.x, 6),
                kind=kind,
                owner=owner,
                surface_m2=rng.randint(low, high),
                thd_available=rng.random() < 0.7,
                estimated_cost_cents=rng.randint(5, 80) * 10_000_00,
            )
        )
    return sites
