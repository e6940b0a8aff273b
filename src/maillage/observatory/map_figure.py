"""The static scenario map shared by the printable reports (HTML's inline SVG and the PDF).

Pure: GeoJSON geometries (WGS84 longitude, latitude) in, plane coordinates out. The plane is
an equirectangular projection around the territory's mean latitude, y pointing down.
"""

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

# Mean walking minutes: class upper bounds and colours, as on the web map (observatory-map.js).
MINUTE_CLASSES = (5, 10, 15, 20, 30)
MINUTE_COLOURS = ("#f7fcf5", "#c7e9c0", "#74c476", "#fdae6b", "#e6550d", "#7f2704")


def minutes_colour(value: float) -> str:
    """The hex colour of a mean walking time (minutes; inf or nan: the farthest class)."""
    for bound, colour in zip(MINUTE_CLASSES, MINUTE_COLOURS, strict=False):
        if value < bound:
            return colour
    return MINUTE_COLOURS[-1]


def rgb(colour: str) -> tuple[int, int, int]:
    """ "#0b5fa5" → (11, 95, 165)."""
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def minute_class_labels() -> list[str]:
    """The legend's labels of the minute classes, nearest first."""
    bounds = MINUTE_CLASSES
    labels = [f"moins de {bounds[0]} min"]
    labels += [f"{low} à {high} min" for low, high in zip(bounds, bounds[1:], strict=False)]
    return [*labels, f"{bounds[-1]} min et plus"]


def outer_rings(geometry: dict) -> Iterator[list]:
    """The outer ring of each polygon of a Polygon or MultiPolygon."""
    polygons = (
        geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    )
    for polygon in polygons:
        yield polygon[0]


@dataclass(frozen=True)
class Frame:
    """Projects longitude and latitude into a width x height box (its top left at 0, 0)."""

    min_lon: float
    max_lat: float
    squash: float
    scale: float
    width: float
    height: float

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        return (lon - self.min_lon) * self.squash * self.scale, (self.max_lat - lat) * self.scale


def frame(geometries: Iterable[dict], width: float, max_height: float) -> Frame:
    """The largest frame at most `width` wide and `max_height` high showing every geometry
    whole (its height follows the territory's shape)."""
    points = [p for g in geometries for ring in outer_rings(g) for p in ring]
    min_lon, max_lon = min(p[0] for p in points), max(p[0] for p in points)
    min_lat, max_lat = min(p[1] for p in points), max(p[1] for p in points)
    squash = math.cos(math.radians((min_lat + max_lat) / 2))
    scale = min(width / ((max_lon - min_lon) * squash), max_height / (max_lat - min_lat))
    return Frame(
        min_lon=min_lon,
        max_lat=max_lat,
        squash=squash,
        scale=scale,
        width=(max_lon - min_lon) * squash * scale,
        height=(max_lat - min_lat) * scale,
    )


def svg_path(frame: Frame, geometry: dict) -> str:
    """An SVG path's `d` drawing the outer rings of `geometry` (coordinates to 0.1)."""
    parts = []
    for ring in outer_rings(geometry):
        points = [frame.project(lon, lat) for lon, lat in ring]
        parts.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in points) + "Z")
    return "".join(parts)


@dataclass(frozen=True)
class SvgShape:
    """One shape of an SVG map: a path (`d`) or a point (`x`, `y`), with its fill colour and
    the name read by its title."""

    name: str
    d: str = ""
    fill: str = ""
    x: float = 0.0
    y: float = 0.0


@dataclass(frozen=True)
class SvgMap:
    """A static map drawn by the report's template: a width x height view box (its units
    are CSS pixels at full size), communes, under-served zones, existing places, new sites."""

    width: float
    height: float
    communes: list[SvgShape]
    zones: list[SvgShape]
    places: list[SvgShape]
    new_sites: list[SvgShape]


def svg_map(
    communes: list[tuple[str, dict, float]],
    zones: list[dict],
    places: list[tuple[str, float, float]],
    new_sites: list[tuple[str, float, float]],
    width: float = 640,
    max_height: float = 640,
) -> SvgMap:
    """The SvgMap of (name, geometry, mean minutes) communes, zone geometries and
    (name, longitude, latitude) places and new sites, fitted to the communes."""
    box = frame([geometry for _, geometry, _ in communes], width, max_height)

    def points(sites: list[tuple[str, float, float]]) -> list[SvgShape]:
        shapes = []
        for name, lon, lat in sites:
            x, y = box.project(lon, lat)
            shapes.append(SvgShape(name=name, x=round(x, 1), y=round(y, 1)))
        return shapes

    return SvgMap(
        width=round(box.width, 1),
        height=round(box.height, 1),
        communes=[
            SvgShape(name=name, d=svg_path(box, geometry), fill=minutes_colour(minutes))
            for name, geometry, minutes in communes
        ],
        zones=[SvgShape(name="", d=svg_path(box, geometry)) for geometry in zones],
        places=points(places),
        new_sites=points(new_sites),
    )
