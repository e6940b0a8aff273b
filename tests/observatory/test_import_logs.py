"""Imports are logged by counts, never by content (the rows name sites and addresses)."""

import logging

import pytest

from maillage.observatory import population
from maillage.observatory.candidate_import import CandidateImportError
from maillage.observatory.engine import EngineInputError
from maillage.observatory.models import PopulationSource
from maillage.observatory.services import import_candidate_sites
from tests.observatory.test_candidate_import import ANTONY, HEADER, SCEAUX, csv_bytes
from tests.observatory.test_population import POINTS

pytestmark = pytest.mark.django_db


def logged(caplog, name: str) -> list[tuple[str, str]]:
    return [(r.levelname, r.getMessage()) for r in caplog.records if r.name == name]


def test_a_candidate_import_logs_its_counts(staff_user, territory, caplog):
    caplog.set_level(logging.INFO)
    import_candidate_sites(staff_user, csv_bytes(HEADER, ANTONY, SCEAUX), "sites.csv")
    outside = "notre-dame,Parvis,,48.8530,2.3499,etat,autre,100,,,,"
    with pytest.raises(CandidateImportError):
        import_candidate_sites(staff_user, csv_bytes(HEADER, ANTONY, outside), "sites.csv")
    assert logged(caplog, "maillage.observatory.services") == [
        ("INFO", f"Candidate import by user {staff_user.pk}: 2 sites created, 0 updated"),
        ("INFO", f"Candidate import by user {staff_user.pk} refused: 1 problems"),
    ]
    assert "Parvis" not in caplog.text and "Antony" not in caplog.text


def test_a_population_import_logs_its_counts(tmp_path, territory, caplog):
    caplog.set_level(logging.INFO)
    good, bad = tmp_path / "couche.csv", tmp_path / "mauvaise.csv"
    good.write_text(POINTS)
    bad.write_text(POINTS.replace(",100", ",-1").replace(",50", ",douze"))
    layer = population.import_population("92", str(good), PopulationSource.POINTS, "c").layer
    with pytest.raises(EngineInputError):
        population.import_population("92", str(bad), PopulationSource.POINTS, "m")
    assert logged(caplog, "maillage.observatory.population") == [
        (
            "INFO",
            f"Population layer {layer.pk} imported for 92: 3 points kept, 1 outside the "
            "département",
        ),
        ("INFO", "Population import for 92 refused: 2 problems"),
    ]
