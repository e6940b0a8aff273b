import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.observatory import runs, services
from maillage.observatory.models import ModelRun, Scenario
from tests.factories import PlaceFactory

pytestmark = pytest.mark.django_db


def test_a_manual_scenario_compares_before_and_after(staff_user, open_network, candidate_sites):
    scenario = services.save_scenario(
        staff_user, name="Nord", candidate_ids=[candidate_sites[0].pk, candidate_sites[1].pk]
    )
    comparison = services.compare_scenario(scenario)
    assert len(comparison.new_sites) == 2
    assert comparison.after.departement.places == comparison.before.departement.places + 2
    gained = (
        comparison.after.departement.share_within[15]
        - comparison.before.departement.share_within[15]
    )
    assert gained > 0
    most_improved = comparison.communes()[0]
    assert most_improved[1].share_within[15] >= most_improved[0].share_within[15]


def test_projects_can_be_part_of_a_scenario(staff_user, open_network, territory):
    project = PlaceFactory(
        commune=territory.get(insee_code="92044"),
        slug="projet",
        status="preparing",
        opening_date=None,
    )
    scenario = services.save_scenario(staff_user, name="Projets", project_ids=[project.pk])
    assert [s.name for s in services.compare_scenario(scenario).new_sites] == [project.name]
    open_place = open_network[0]
    services.save_scenario(
        staff_user, scenario=scenario, name="Projets", project_ids=[open_place.pk]
    )
    assert list(scenario.project_places.all()) == []  # an open place is not a project


@pytest.mark.parametrize("model", ["mclp", "pmedian", "pcenter"])
def test_a_model_proposes_p_sites(staff_user, open_network, candidate_sites, model, propose):
    scenario = propose(
        staff_user, f"Modèle {model}", services.ModelRequest(model=model, p=2)
    ).scenario
    assert scenario.origin == "model"
    assert scenario.candidate_sites.count() + scenario.project_places.count() == 2
    assert scenario.model_result["optimal"] is True


def test_mclp_chooses_the_best_pair(staff_user, open_network, candidate_sites, propose):
    """Brute force over every pair of candidates: the model's choice covers the most."""
    import itertools

    scenario = propose(
        staff_user, "Meilleure paire", services.ModelRequest(model="mclp", p=2)
    ).scenario
    best = scenario.model_result["covered_weight"]
    existing = services.analysis.open_places("92")
    for pair in itertools.combinations(services.analysis.candidate_points("92"), 2):
        report = services.analysis.coverage_report("92", existing + list(pair), 15)
        covered = report.departement.share_within[15] * report.departement.population
        assert covered <= best + 1e-6 * best


def test_lscp_reaches_the_target_with_the_fewest_sites(
    staff_user, open_network, candidate_sites, propose
):
    target = services.live_report(15).departement.share_within[15] + 0.01
    scenario = propose(
        staff_user, "Cible", services.ModelRequest(model="lscp", target_share=target)
    ).scenario
    assert services.compare_scenario(scenario).after.departement.share_within[15] >= target


def test_bad_requests_are_refused_and_write_nothing(
    staff_user, open_network, candidate_sites, propose
):
    """Refused before queuing when the candidates alone say so; by the worker, the run
    failed with the engine's reason, when only solving can tell."""
    with pytest.raises(ValidationError) as error:
        runs.request_model_run(staff_user, "Trop", services.ModelRequest(model="mclp", p=9))
    assert error.value.message_dict["p"] == ["9 sites demandés, mais seulement 4 candidats."]
    with pytest.raises(ValidationError) as error:
        runs.request_model_run(staff_user, "", services.ModelRequest(model="mclp", p=1))
    assert list(error.value.message_dict) == ["name"]
    assert not ModelRun.objects.exists()
    impossible = propose(
        staff_user, "Impossible", services.ModelRequest(model="lscp", target_share=1.0)
    )
    assert impossible.status == "failed" and "inatteignable" in impossible.error_message
    with pytest.raises(ValidationError):
        services.save_scenario(staff_user, name="", candidate_ids=[candidate_sites[0].pk])
    assert not Scenario.objects.exists()


@pytest.mark.parametrize("actor", ["manager", "resident"])
def test_only_staff_runs_scenarios(request, actor, candidate_sites):
    user = request.getfixturevalue(actor)
    with pytest.raises(PermissionDenied):
        services.save_scenario(user, name="X", candidate_ids=[candidate_sites[0].pk])
    with pytest.raises(PermissionDenied):
        runs.request_model_run(user, "X", services.ModelRequest(model="mclp", p=1))
    scenario = services.save_scenario(
        request.getfixturevalue("staff_user"), name="Y", candidate_ids=[candidate_sites[0].pk]
    )
    with pytest.raises(PermissionDenied):
        services.delete_scenario(user, scenario)
    assert Scenario.objects.count() == 1
