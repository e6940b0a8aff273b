"""A model that gives no selection, or stops at its time limit before proving its selection
optimal, is logged (the model and the solver's figures: no data about anyone)."""

import dataclasses
import logging

import pytest
from django.core.exceptions import ValidationError

from maillage.observatory import engine, services

pytestmark = pytest.mark.django_db


def solver_lines(caplog) -> list[tuple[str, str]]:
    return [
        (r.levelname, r.getMessage())
        for r in caplog.records
        if r.name == "maillage.observatory.services"
    ]


def test_an_unreachable_target_is_logged(open_network, candidate_sites, caplog):
    request = services.ModelRequest(model="lscp", target_share=1.0)
    with caplog.at_level(logging.INFO), pytest.raises(ValidationError):
        services.run_model(request)
    [(level, message)] = solver_lines(caplog)
    assert level == "WARNING"
    assert message.startswith("Siting model lscp gave no selection: objectif de couverture")


def test_a_selection_not_proved_optimal_is_logged(
    open_network, candidate_sites, caplog, monkeypatch
):
    """HiGHS stopping at its time limit, as on a large territory (the test one is solved at
    once): the engine answers its best selection, not optimal, with the gap it proved."""
    solve = engine.mclp

    def stopped_early(*args, **kwargs):
        return dataclasses.replace(solve(*args, **kwargs), optimal=False, gap=0.05, seconds=60.2)

    monkeypatch.setattr(engine, "mclp", stopped_early)
    request = services.ModelRequest(model="mclp", p=2, time_limit=60.0)
    with caplog.at_level(logging.INFO):
        result, _ = services.run_model(request)
    assert result.optimal is False
    assert solver_lines(caplog) == [
        (
            "WARNING",
            "Siting model mclp stopped at its time limit (60.0 s) before proving its "
            "selection optimal: gap 0.0500 after 60.2 s",
        )
    ]


def test_an_optimal_selection_logs_nothing(open_network, candidate_sites, caplog):
    with caplog.at_level(logging.INFO):
        services.run_model(services.ModelRequest(model="mclp", p=2))
    assert solver_lines(caplog) == []
