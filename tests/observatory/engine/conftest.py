import pytest

from maillage.observatory.engine import build_instance
from tests.observatory.engine.cases import random_case


@pytest.fixture
def case():
    demand, candidates, existing = random_case(0)
    return demand, candidates, existing, build_instance(demand, candidates, existing, max_m=3000)
