import math

import pytest

from maillage.observatory.map_figure import (
    MINUTE_CLASSES,
    frame,
    minutes_colour,
    outer_rings,
    rgb,
    svg_map,
)

SQUARE = {"type": "Polygon", "coordinates": [[[2.0, 48.0], [2.2, 48.0], [2.2, 48.1], [2.0, 48.0]]]}
FAR = {
    "type": "MultiPolygon",
    "coordinates": [[[[2.3, 48.2], [2.4, 48.2], [2.4, 48.3], [2.3, 48.2]]]],
}


@pytest.mark.parametrize(("width", "max_height"), [(640, 640), (640, 100), (100, 640)])
def test_the_frame_holds_every_point_and_touches_one_side(width, max_height):
    box = frame([SQUARE, FAR], width, max_height)
    points = [
        box.project(lon, lat) for g in (SQUARE, FAR) for ring in outer_rings(g) for lon, lat in ring
    ]
    assert all(
        -1e-9 <= x <= box.width + 1e-9 and -1e-9 <= y <= box.height + 1e-9 for x, y in points
    )
    assert box.width <= width + 1e-9 and box.height <= max_height + 1e-9
    assert math.isclose(box.width, width) or math.isclose(box.height, max_height)
    # North is up: the far polygon (north-east) is right of and above the square.
    assert box.project(2.4, 48.3) == pytest.approx((box.width, 0))


def test_minutes_take_the_web_maps_classes():
    assert [minutes_colour(m) for m in (0, 4.9, 5, 29.9, 30, math.inf)] == [
        "#f7fcf5",
        "#f7fcf5",
        "#c7e9c0",
        "#e6550d",
        "#7f2704",
        "#7f2704",
    ]
    assert len(MINUTE_CLASSES) == 5
    assert rgb("#0b5fa5") == (11, 95, 165)


def test_the_svg_map_draws_each_commune_zone_and_site():
    drawn = svg_map(
        [("Carré", SQUARE, 3.0), ("Loin", FAR, math.inf)],
        [SQUARE],
        [("Lieu", 2.1, 48.05)],
        [("Site", 2.35, 48.25), ("Autre", 2.0, 48.0)],
    )
    assert [c.fill for c in drawn.communes] == ["#f7fcf5", "#7f2704"]
    assert drawn.communes[0].d.startswith("M0.0 ") and drawn.communes[0].d.endswith("Z")
    assert drawn.zones[0].d == drawn.communes[0].d
    assert [s.name for s in drawn.new_sites] == ["Site", "Autre"]
    assert (drawn.new_sites[1].x, drawn.new_sites[1].y) == (0.0, drawn.height)
    assert 0 < drawn.places[0].x < drawn.width
