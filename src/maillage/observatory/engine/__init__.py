"""Coverage and siting engine of the observatory: pure numpy/scipy/HiGHS, no Django.

Typical use, from a notebook or a service:

    demand = grid_demand(read_communes_geojson(path), populations)
    instance = build_instance(demand, candidates, existing, max_m=minutes_to_metres(15))
    result = mclp(instance, p=20, radius=minutes_to_metres(15))
"""

from .access import (
    DETOUR_FACTOR,
    WALKING_SPEED_KMH,
    CostMatrix,
    distance_matrix,
    metres_to_minutes,
    minutes_to_metres,
    nearest_distance,
    nearest_minutes,
)
from .demand import DEFAULT_GRID_M, grid_demand, insee_cells_demand, parse_insee_cell_id
from .errors import EngineInputError
from .geo import LAMBERT93, WGS84, project_geometry, project_xy, read_communes_geojson
from .indicators import (
    AccessSummary,
    UnderservedArea,
    access_summary,
    gini,
    mean_access_by_group,
    seats_per_thousand,
    share_within,
    share_within_by_group,
    underserved_areas,
)
from .instance import Instance, build_instance
from .io_csv import read_demand_csv, read_insee_grid_csv, read_sites_csv, read_travel_times
from .points import Demand, Sites
from .siting import SiteSelection, lscp, mclp, p_center, p_median

__all__ = [
    "DEFAULT_GRID_M",
    "DETOUR_FACTOR",
    "LAMBERT93",
    "WALKING_SPEED_KMH",
    "WGS84",
    "AccessSummary",
    "CostMatrix",
    "Demand",
    "EngineInputError",
    "Instance",
    "SiteSelection",
    "Sites",
    "UnderservedArea",
    "access_summary",
    "build_instance",
    "distance_matrix",
    "gini",
    "grid_demand",
    "insee_cells_demand",
    "lscp",
    "mclp",
    "mean_access_by_group",
    "metres_to_minutes",
    "minutes_to_metres",
    "nearest_distance",
    "nearest_minutes",
    "p_center",
    "p_median",
    "parse_insee_cell_id",
    "project_geometry",
    "project_xy",
    "read_communes_geojson",
    "read_demand_csv",
    "read_insee_grid_csv",
    "read_sites_csv",
    "read_travel_times",
    "seats_per_thousand",
    "share_within",
    "share_within_by_group",
    "underserved_areas",
]
