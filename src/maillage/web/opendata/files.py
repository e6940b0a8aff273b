"""The open-data files, built from the database (opendata.views serves them).

Which places are published: the active département's places open today (PlaceQuerySet.open:
«ouvert» and their opening date reached), real ones only (a demonstration place, «exemple
fictif», would end up in the national inventory as a real one). Places in project or in
preparation, opening later or closed are not. Only what the places' public pages show is
read: no manager, no booking, no person; the place's contact address is its own, public.

Every file is built from one read of the places (`snapshot`), a fixed number of queries
whatever their number, and kept in the cache (`published`) for CACHE_SECONDS at most, under a
key naming the day and the places' data version: a change to a place, its spaces, hours or
closures is published at once, a change elsewhere (services, equipment, programmes) within
CACHE_SECONDS."""

import csv
import hashlib
import io
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from maillage.accounts.emails import site_link
from maillage.observatory import exports, services
from maillage.places.data_version import places_data_version
from maillage.places.models import THD_MIN_DOWN_MBPS, PlaceQuerySet, Space
from maillage.places.schedule import DateRange, OpeningRange
from maillage.places.selectors import directory_places, page_facts
from maillage.programmes.models import BenefitKind, Programme, ProgrammePlace
from maillage.territory.models import Commune
from maillage.territory.reference import ILE_DE_FRANCE_DEPARTEMENTS_OF
from maillage.web.opendata import extension, national, schema_files
from maillage.web.opendata.facts import PlaceFacts, SpaceFacts

# How long a built file is served before it is built again (seconds).
CACHE_SECONDS = 300


@dataclass(frozen=True)
class Snapshot:
    """The published places and their spaces, as plain values."""

    places: list[PlaceFacts]
    spaces: list[SpaceFacts]


def published_places(today: date) -> PlaceQuerySet:
    """The places the files publish on `today` (a Paris day): the département's places open
    that day, demonstration places («exemple fictif») aside."""
    return directory_places().open(today).filter(is_fictional=False)


def source() -> str:
    """Who collects the data (the national schema's `source`): «Département des
    Hauts-de-Seine (Maillage)»."""
    code = settings.MAILLAGE_DEPARTEMENT
    return f"Département {ILE_DE_FRANCE_DEPARTEMENTS_OF.get(code, code)} (Maillage)"


def _leaves_nothing_to_pay(kind: str, person_basis_points: int | None) -> bool:
    # A free rate, a pass's credit (free up to it), a rate where the person pays 0 %.
    return kind in (BenefitKind.FREE, BenefitKind.CREDIT) or (
        kind == BenefitKind.PERCENT and person_basis_points == 0
    )


def _programmes(place_ids: list[int], today: date, now: datetime) -> dict[int, list[Programme]]:
    """The programmes each place takes part in now (valid today, joined, not left; an
    employer's quota aside), by place id, highest priority first."""
    joined = (
        ProgrammePlace.objects.filter(
            place_id__in=place_ids,
            joined_at__lte=now,
            programme__valid_from__lte=today,
            programme__valid_until__gte=today,
        )
        .filter(Q(left_at__isnull=True) | Q(left_at__gt=now))
        .exclude(programme__kind=BenefitKind.QUOTA)
        .select_related("programme")
        .order_by("-programme__priority", "programme__name", "programme_id")
    )
    found: dict[int, list[Programme]] = defaultdict(list)
    for row in joined:
        found[row.place_id].append(row.programme)
    return found


def _link_maker(url_name: str, sample: object) -> Callable[[object], str]:
    # One reverse() for thousands of links: the sample's path with the value put in its place.
    path = site_link(reverse(url_name, args=[sample]))
    before, _, after = path.rpartition(str(sample))
    return lambda value: f"{before}{value}{after}"


def snapshot(places: PlaceQuerySet, today: date) -> Snapshot:
    """The published facts of `places` (and their spaces) on `today`, in id order: eight
    queries, whatever their number."""
    now = timezone.now()
    rows = list(
        places.order_by("pk").values(
            "pk",
            "slug",
            "name",
            "siret",
            "address",
            "postal_code",
            "commune__name",
            "commune__insee_code",
            "latitude",
            "longitude",
            "phone",
            "email",
            "website",
            "description",
            "updated_at",
            "broadband_technology",
            "broadband_down_mbps",
            "broadband_up_mbps",
            "step_free_access",
            "accessible_toilets",
            "hearing_loop",
            "accessible_parking",
        )
    )
    ids = [row["pk"] for row in rows]
    facts = page_facts(ids)
    programmes = _programmes(ids, today, now)
    spaces_of = defaultdict(list)
    space_rows = (
        Space.objects.filter(place_id__in=ids)
        .order_by("place_id", "kind", "name", "pk")
        .values(
            "pk",
            "place_id",
            "name",
            "kind",
            "capacity",
            "is_bookable",
            "price_hour_cents",
            "price_half_day_cents",
            "price_day_cents",
        )
    )
    for space in space_rows:
        spaces_of[space["place_id"]].append(space)
    equipment = defaultdict(list)
    through = Space.equipment.through.objects.filter(space__place_id__in=ids)
    for space_id, name in through.order_by("equipment__name").values_list(
        "space_id", "equipment__name"
    ):
        equipment[space_id].append(name)

    place_page = _link_maker("web:place_detail", "lieu-exemple")
    booking_page = _link_maker("booking:space", 987654321)
    places_out, spaces_out = [], []
    for row in rows:
        pk = row["pk"]
        spaces = spaces_of[pk]
        joined = programmes[pk]
        rates_of = {
            space["pk"]: tuple(
                dict.fromkeys(p.public_label for p in joined if p.covers(space["kind"]))
            )
            for space in spaces
        }
        prices = tuple(
            cents
            for space in spaces
            for cents in (
                space["price_hour_cents"],
                space["price_half_day_cents"],
                space["price_day_cents"],
            )
            if cents is not None
        )
        down = row["broadband_down_mbps"]
        place = PlaceFacts(
            pk=pk,
            name=row["name"],
            siret=row["siret"],
            address=row["address"],
            postal_code=row["postal_code"],
            commune=row["commune__name"],
            insee_code=row["commune__insee_code"],
            latitude=row["latitude"],
            longitude=row["longitude"],
            phone=row["phone"],
            email=row["email"],
            website=row["website"],
            description=row["description"],
            updated=timezone.localdate(row["updated_at"]),
            page_url=place_page(row["slug"]),
            services=tuple(slug for slug, _ in facts[pk].services),
            service_names=tuple(name for _, name in facts[pk].services),
            space_kinds=tuple(dict.fromkeys(space["kind"] for space in spaces)),
            prices_cents=prices,
            hours=tuple(OpeningRange(*hours) for hours in facts[pk].hours),
            closures=tuple(DateRange(first, last) for first, last, _ in facts[pk].closures),
            books_online=any(space["is_bookable"] for space in spaces),
            free_under_condition=any(
                _leaves_nothing_to_pay(p.kind, p.person_basis_points) and p.covers(space["kind"])
                for p in joined
                for space in spaces
            ),
            broadband_technology=row["broadband_technology"],
            broadband_down_mbps=down,
            broadband_up_mbps=row["broadband_up_mbps"],
            has_thd=down is not None and down >= THD_MIN_DOWN_MBPS,
            step_free_access=row["step_free_access"],
            accessible_toilets=row["accessible_toilets"],
            hearing_loop=row["hearing_loop"],
            accessible_parking=row["accessible_parking"],
        )
        places_out.append(place)
        spaces_out += [
            SpaceFacts(
                pk=space["pk"],
                place=place,
                name=space["name"],
                kind=space["kind"],
                capacity=space["capacity"],
                is_bookable=space["is_bookable"],
                booking_url=booking_page(space["pk"]) if space["is_bookable"] else "",
                price_hour_cents=space["price_hour_cents"],
                price_half_day_cents=space["price_half_day_cents"],
                price_day_cents=space["price_day_cents"],
                equipment=tuple(equipment[space["pk"]]),
                social_rates=rates_of[space["pk"]],
            )
            for space in spaces
        ]
    return Snapshot(places=places_out, spaces=spaces_out)


def csv_bytes(header: list[str], rows: Iterable[Mapping[str, object]]) -> bytes:
    """RFC 4180 CSV in UTF-8 without byte order mark, as the national schema asks: commas,
    CRLF line ends, a value quoted when it holds a comma, a quote or a line break (inner
    quotes doubled). Values are written as they are: the files are data for programs, not
    spreadsheets (no formula guard, which would change them)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def national_rows(shot: Snapshot) -> list[dict[str, object]]:
    """The national schema's rows of the snapshot's places."""
    departement, who = settings.MAILLAGE_DEPARTEMENT, source()
    return [national.national_row(place, departement, who) for place in shot.places]


def places_csv(rows: list[dict[str, object]]) -> bytes:
    """The places in the national schema (their national_rows), CSV."""
    return csv_bytes(schema_files.field_names(schema_files.NATIONAL), rows)


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def places_geojson(rows: list[dict[str, object]], day: date) -> bytes:
    """The places (their national_rows) as a GeoJSON FeatureCollection (RFC 7946): a Point
    [longitude, latitude] (WGS84) per place, the national schema's fields as its properties
    (null when empty), and, as foreign members, the licence, the schema, the source and
    `day`."""
    features = [
        {
            "type": "Feature",
            "id": row["id"],
            "geometry": {"type": "Point", "coordinates": [row["longitude"], row["latitude"]]},
            "properties": {name: (None if value == "" else value) for name, value in row.items()},
        }
        for row in rows
    ]
    return _json(
        {
            "type": "FeatureCollection",
            "name": "lieux-mediation-numerique",
            "title": "Tiers-lieux au schéma national des lieux de médiation numérique",
            "licenses": [schema_files.LICENCE],
            "schema": site_link(
                reverse("web:opendata_schema", kwargs={"name": schema_files.NATIONAL})
            ),
            "source": source(),
            "date": day.isoformat(),
            "features": features,
        }
    )


def spaces_csv(shot: Snapshot) -> bytes:
    """The tiers-lieux extension: one row per space of a published place, CSV."""
    departement = settings.MAILLAGE_DEPARTEMENT
    return csv_bytes(
        schema_files.field_names(schema_files.EXTENSION),
        (extension.space_row(space, departement) for space in shot.spaces),
    )


def coverage_csv() -> bytes:
    """Each commune's coverage by today's open places, as the public observatory computes it
    (observatory.services.live_report, default threshold), CSV."""
    report = services.live_report()
    epts = dict(
        Commune.objects.of_departement(settings.MAILLAGE_DEPARTEMENT).values_list(
            "insee_code", "ept"
        )
    )
    header = schema_files.field_names(schema_files.COVERAGE)
    rows = (
        dict(
            zip(
                header,
                [
                    area.code,
                    area.name,
                    epts.get(area.code, ""),
                    *exports.area_cells(area, report.thresholds),
                ],
                strict=True,
            )
        )
        for area in report.communes
    )
    return csv_bytes(header, rows)


@dataclass(frozen=True)
class Download:
    """A published file: its name (the last part of its address), its URL name, its resource
    name in the Data Package, what it holds, its media type, its Table Schema (a file name
    in schemas/)."""

    name: str
    url_name: str
    resource: str
    title: str
    description: str
    media_type: str
    schema: str


CSV = "text/csv; charset=utf-8; header=present"
PLACES_CSV = Download(
    "lieux.csv",
    "web:opendata_places_csv",
    "lieux",
    "Tiers-lieux au schéma national (CSV)",
    "Un lieu par ligne, au schéma national « Lieux de médiation numérique » 1.0.2.",
    CSV,
    schema_files.NATIONAL,
)
PLACES_GEOJSON = Download(
    "lieux.geojson",
    "web:opendata_places_geojson",
    "lieux-geojson",
    "Tiers-lieux au schéma national (GeoJSON)",
    "Les mêmes lieux, un point (longitude, latitude WGS84) par lieu, les champs du schéma "
    "national en propriétés.",
    # RFC 7946: no charset parameter, GeoJSON is always UTF-8.
    "application/geo+json",
    schema_files.NATIONAL,
)
SPACES_CSV = Download(
    "tiers-lieux-espaces.csv",
    "web:opendata_spaces_csv",
    "tiers-lieux-espaces",
    "Espaces des tiers-lieux (CSV)",
    "Un espace par ligne : capacité, tarifs, tarifs sociaux, débit et accessibilité du lieu, "
    "relié au fichier national par id_lieu.",
    CSV,
    schema_files.EXTENSION,
)
COVERAGE_CSV = Download(
    "couverture-communes.csv",
    "web:opendata_coverage_csv",
    "couverture-communes",
    "Couverture des communes (CSV)",
    "Une commune par ligne : tiers-lieux ouverts, postes de travail, temps d'accès à pied.",
    CSV,
    schema_files.COVERAGE,
)
DOWNLOADS = (PLACES_CSV, PLACES_GEOJSON, SPACES_CSV, COVERAGE_CSV)
# The extension's link to the national file, checked in the Data Package.
PLACE_KEY = {"fields": "id_lieu", "reference": {"resource": PLACES_CSV.resource, "fields": "id"}}


def datapackage() -> bytes:
    """The Data Package descriptor (https://specs.frictionlessdata.io/data-package/) of the
    files: each one's path and its schema's, relative to the descriptor (they are served
    from the same folder, schemas under schemas/; the extension's schema inline, with its
    foreign key to the national file), the licence and the source. The GeoJSON file is a
    plain data resource (not a table)."""
    folder = reverse("web:opendata")
    resources = []
    for download in DOWNLOADS:
        resource: dict[str, object] = {
            "name": download.resource,
            "title": download.title,
            "description": download.description,
            "path": download.name,
            "format": download.name.rsplit(".", 1)[1],
            "mediatype": download.media_type.split(";")[0],
            "encoding": "utf-8",
        }
        if download is SPACES_CSV:
            # Inline, to add what only a package can check: each space's place is published.
            resource["profile"] = "tabular-data-resource"
            resource["schema"] = {
                **schema_files.schema(download.schema),
                "foreignKeys": [PLACE_KEY],
            }
        elif download is not PLACES_GEOJSON:
            resource["profile"] = "tabular-data-resource"
            resource["schema"] = reverse(
                "web:opendata_schema", kwargs={"name": download.schema}
            ).removeprefix(folder)
        resources.append(resource)
    code = settings.MAILLAGE_DEPARTEMENT
    return _json(
        {
            "name": f"tiers-lieux-{code}".lower(),
            "title": f"Tiers-lieux {ILE_DE_FRANCE_DEPARTEMENTS_OF.get(code, code)}",
            "description": "Les tiers-lieux ouverts du département au schéma national des "
            "lieux de médiation numérique, leurs espaces et la couverture des communes.",
            "homepage": site_link(folder),
            "licenses": [schema_files.LICENCE],
            "sources": [{"title": source(), "path": site_link(folder)}],
            "resources": resources,
        }
    )


@dataclass(frozen=True)
class Built:
    """A built file and its strong entity tag (RFC 9110 §8.8.3: the SHA-256 of its bytes)."""

    content: bytes
    etag: str

    @classmethod
    def of(cls, content: bytes) -> "Built":
        return cls(content, f'"{hashlib.sha256(content).hexdigest()[:32]}"')


def _place_files(today: date) -> dict[str, bytes]:
    # The three files of places from one read of them.
    shot = snapshot(published_places(today), today)
    rows = national_rows(shot)
    return {
        PLACES_CSV.name: places_csv(rows),
        PLACES_GEOJSON.name: places_geojson(rows, today),
        SPACES_CSV.name: spaces_csv(shot),
    }


BUILDERS: dict[str, Callable[[date], dict[str, bytes]]] = {
    PLACES_CSV.name: _place_files,
    PLACES_GEOJSON.name: _place_files,
    SPACES_CSV.name: _place_files,
    COVERAGE_CSV.name: lambda today: {COVERAGE_CSV.name: coverage_csv()},
}


def published(download: Download, today: date) -> Built:
    """The file `download` as published on `today` (a Paris day): from the cache when it was
    built under the same places' data version within CACHE_SECONDS, else built now (with
    the other files of the same read) and kept. Nothing is kept inside a transaction, whose
    writes may still roll back (places_data_version is None there)."""
    version = places_data_version()
    prefix = f"opendata:{settings.MAILLAGE_DEPARTEMENT}:{today.isoformat()}:{version}:"
    if version is not None:
        found = cache.get(prefix + download.name)
        if found is not None:
            return found
    built = {name: Built.of(content) for name, content in BUILDERS[download.name](today).items()}
    if version is not None:
        cache.set_many({prefix + name: value for name, value in built.items()}, CACHE_SECONDS)
    return built[download.name]
