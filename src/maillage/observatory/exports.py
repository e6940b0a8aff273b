"""The observatory's figures as JSON, CSV and GeoJSON (open data and scenario exports)."""

import csv
import io
import math

from maillage.core.spreadsheet import csv_text, decimal_comma
from maillage.observatory.analysis import AreaFigures, CoverageReport, SitePoint
from maillage.territory.models import Commune


def _number(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else value


def area_as_dict(area: AreaFigures) -> dict:
    return {
        "code": area.code,
        "name": area.name,
        "population": round(area.population),
        "places": area.places,
        "seats": area.seats,
        "seats_per_1000": round(area.seats_per_thousand, 2),
        "mean_minutes": _number(area.mean_minutes),
        "share_within": {str(t): round(s, 4) for t, s in area.share_within.items()},
    }


def report_as_dict(report: CoverageReport) -> dict:
    return {
        "threshold_minutes": report.threshold,
        "thresholds_minutes": list(report.thresholds),
        "departement": area_as_dict(report.departement),
        "p90_minutes": _number(report.p90_minutes),
        "gini_mean_access": report.gini_mean_access,
        "underserved_zones": len(report.underserved),
        "underserved_population": round(report.underserved_population),
        "epts": [area_as_dict(a) for a in report.epts],
        "communes": [area_as_dict(a) for a in report.communes],
    }


def csv_file(header: list[str], rows: list[list[str]], spreadsheet: bool = False) -> str:
    """The observatory's one CSV writer. For programs (`spreadsheet` false): commas, UTF-8
    without byte order mark, decimal points. For a French spreadsheet («tableur»):
    core.spreadsheet.csv_text (`;`, a byte order mark, formulas defused) with decimal commas."""
    if spreadsheet:
        return csv_text(header, ([decimal_comma(value) for value in row] for row in rows))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def indicators_csv(report: CoverageReport, spreadsheet: bool = False) -> str:
    """One row per area (département, EPT, commune); shares as fractions of 1 (csv_file for
    `spreadsheet`).

    `code` is the département's code or the commune's INSEE code; it is empty on EPT rows
    (only the EPT's name is known), `nom` names every row."""
    header = [
        "niveau",
        "code",
        "nom",
        "population",
        "lieux",
        "postes",
        "postes_pour_1000_hab",
        "temps_moyen_min",
    ] + [f"part_a_{t}_min" for t in report.thresholds]
    levels = [("departement", report.departement)]
    levels += [("ept", a) for a in report.epts]
    levels += [("commune", a) for a in report.communes]
    rows = [
        [level, area.code, area.name, *area_cells(area, report.thresholds)]
        for level, area in levels
    ]
    return csv_file(header, rows, spreadsheet)


def area_cells(area: AreaFigures, thresholds: tuple[int, ...]) -> list[str]:
    """An area's figures as CSV cells: population (whole inhabitants), places, seats, seats
    per 1,000 inhabitants (2 decimals), mean walking minutes ("" when no site is within
    reach or nobody lives there), then the share within each of `thresholds` minutes (a
    fraction of 1, 4 decimals)."""
    mean = _number(area.mean_minutes)
    return [
        str(round(area.population)),
        str(area.places),
        str(area.seats),
        f"{area.seats_per_thousand:.2f}",
        "" if mean is None else str(mean),
    ] + [f"{area.share_within[t]:.4f}" for t in thresholds]


def _feature(geometry: dict, **properties) -> dict:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def zones_geojson(report: CoverageReport) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            _feature(
                zone.geometry,
                kind="underserved",
                population=round(zone.population),
                cells=zone.cells,
                commune_code=zone.commune_code,
                commune=zone.commune_name,
                threshold_minutes=report.threshold,
            )
            for zone in report.underserved
        ],
    }


def site_feature(site: SitePoint, **extra) -> dict:
    return _feature(
        {"type": "Point", "coordinates": [site.longitude, site.latitude]},
        kind=site.kind,
        name=site.name,
        commune=site.commune_name,
        seats=site.seats,
        **extra,
    )


def map_geojson(
    report: CoverageReport,
    sites: list[SitePoint],
    before: CoverageReport | None = None,
) -> dict:
    """Communes with their access figures, the sites and the under-served zones.

    With `before` (a scenario's map): each commune also carries its figures of today
    (`mean_minutes_before`, `share_within_before`), and the zones of both reports are given,
    each with its `phase` ("before" or "after")."""
    geometries = dict(
        Commune.objects.filter(insee_code__in=[c.code for c in report.communes]).values_list(
            "insee_code", "geometry"
        )
    )
    threshold = report.threshold
    communes = []
    for area in report.communes:
        properties = {
            "kind": "commune",
            "code": area.code,
            "name": area.name,
            "mean_minutes": _number(area.mean_minutes),
            "share_within": round(area.share_within[threshold], 4),
        }
        if before is not None:
            previous = before.commune(area.code)
            properties["mean_minutes_before"] = _number(previous.mean_minutes)
            properties["share_within_before"] = round(previous.share_within[threshold], 4)
        communes.append(_feature(geometries[area.code], **properties))
    zones = zones_geojson(report)["features"]
    if before is not None:
        previous_zones = zones_geojson(before)["features"]
        for phase, features in (("before", previous_zones), ("after", zones)):
            for feature in features:
                feature["properties"]["phase"] = phase
        zones = previous_zones + zones
    return {
        "type": "FeatureCollection",
        "threshold_minutes": threshold,
        "features": communes + zones + [site_feature(site) for site in sites],
    }
