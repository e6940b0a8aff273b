"""A medium Hauts-de-Seine instance solved by the engine and by PySAL spopt."""

import numpy as np
import pytest

from maillage.bench.coverage import territory_instance
from maillage.observatory.engine import build_instance, lscp, mclp, p_median
from tests.observatory.engine.cases import dense

spopt_locate = pytest.importorskip("spopt.locate", reason="spopt is needed for the comparison")
pulp = pytest.importorskip("pulp", reason="pulp is needed to run spopt")

# PuLP 3.3 deprecates the API spopt uses and its bundled CBC; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def medium():
    return territory_instance("92", 80, grid_m=400)


def test_mclp_same_objective_as_spopt(medium):
    demand, candidates = medium
    radius, p = 800.0, 8
    ours = mclp(build_instance(demand, candidates, max_m=radius), p, radius)
    theirs = spopt_locate.MCLP.from_cost_matrix(
        dense(demand, candidates), demand.weight, radius, p_facilities=p
    )
    theirs.solve(pulp.PULP_CBC_CMD(msg=False))
    assert ours.optimal
    assert ours.objective == pytest.approx(theirs.problem.objective.value(), rel=1e-9)


def test_lscp_same_count_as_spopt(medium):
    demand, candidates = medium
    radius = 4000.0
    costs = dense(demand, candidates)
    if not (costs <= radius).any(axis=1).all():
        pytest.skip("some demand is out of reach of every candidate at this radius")
    ours = lscp(build_instance(demand, candidates, max_m=radius), radius)
    theirs = spopt_locate.LSCP.from_cost_matrix(costs, radius)
    theirs.solve(pulp.PULP_CBC_CMD(msg=False))
    assert ours.objective == pytest.approx(theirs.problem.objective.value())


def test_p_median_same_objective_as_spopt():
    demand, candidates = territory_instance("92", 30, grid_m=1000)
    p = 5
    ours = p_median(build_instance(demand, candidates, max_m=np.inf), p)
    theirs = spopt_locate.PMedian.from_cost_matrix(
        dense(demand, candidates), demand.weight, p_facilities=p
    )
    theirs.solve(pulp.PULP_CBC_CMD(msg=False))
    assert ours.objective == pytest.approx(
        theirs.problem.objective.value() / demand.total_weight, rel=1e-9
    )
