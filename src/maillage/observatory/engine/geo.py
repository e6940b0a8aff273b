"""Projections and commune polygons, in Lambert-93 metres."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

WGS84 = "EPSG:4326"
LAMBERT93 = "EPSG:2154"
ETRS89_LAEA = "EPSG:3035"  # the INSEE 200 m grid


@cache
def _transformer(source: str, target: str) -> Transformer:
    # always_xy: lon/lat and x/y in that order, whatever the CRS axis order says.
    return Transformer.from_crs(source, target, always_xy=True)


def project_xy(
    x: np.ndarray, y: np.ndarray, source: str = WGS84, target: str = LAMBERT93
) -> tuple[np.ndarray, np.ndarray]:
    """Project coordinate arrays from `source` to `target` (lon/lat order for WGS84)."""
    px, py = _transformer(source, target).transform(
        np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    )
    return np.asarray(px, dtype=float), np.asarray(py, dtype=float)


def project_geometry(
    geometry: BaseGeometry, source: str = WGS84, target: str = LAMBERT93
) -> BaseGeometry:
    """Project a shapely geometry (all its vertices at once)."""
    transformer = _transformer(source, target)
    return shapely.transform(geometry, lambda x, y: transformer.transform(x, y), interleaved=False)


def read_communes_geojson(path: str | Path) -> dict[str, BaseGeometry]:
    """Commune polygons by INSEE code (property `code`), projected to Lambert-93."""
    with open(path, encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    codes = [str(feature["properties"]["code"]) for feature in features]
    geometries = shapely.from_geojson([json.dumps(feature["geometry"]) for feature in features])
    transformer = _transformer(WGS84, LAMBERT93)
    projected = shapely.transform(
        geometries, lambda x, y: transformer.transform(x, y), interleaved=False
    )
    return dict(zip(codes, projected, strict=True))
