import numpy as np
import pytest

from maillage.observatory import analysis, engine
from maillage.observatory.services import live_report

pytestmark = pytest.mark.django_db


def brute_force_share(code: str, sites: list[analysis.SitePoint], minutes: float) -> float:
    """Share of the population within `minutes`, one demand point at a time."""
    demand = analysis.territory_demand(code).demand
    x, y = engine.project_xy(
        np.array([s.longitude for s in sites]), np.array([s.latitude for s in sites])
    )
    reach = engine.minutes_to_metres(minutes)
    covered = 0.0
    for px, py, weight in zip(demand.x, demand.y, demand.weight, strict=True):
        if (
            min(((px - sx) ** 2 + (py - sy) ** 2) ** 0.5 for sx, sy in zip(x, y, strict=True))
            <= reach
        ):
            covered += weight
    return covered / demand.total_weight


def test_live_report_matches_a_point_by_point_count(open_network):
    report = live_report(15)
    sites = analysis.open_places("92")
    assert len(sites) == 2
    assert report.departement.population == pytest.approx(1_654_712)
    assert len(report.communes) == 36
    assert len(report.epts) == 4
    for threshold in (5, 15, 30):
        assert report.departement.share_within[threshold] == pytest.approx(
            brute_force_share("92", sites, threshold)
        )
    assert report.commune("92012").places == 1
    assert sum(c.population for c in report.communes) == pytest.approx(1_654_712)


def test_more_sites_never_reduce_access(open_network, candidate_sites):
    before = analysis.coverage_report("92", analysis.open_places("92"))
    after = analysis.coverage_report(
        "92", analysis.open_places("92") + analysis.candidate_points("92")
    )
    for threshold in before.thresholds:
        assert (
            after.departement.share_within[threshold] >= before.departement.share_within[threshold]
        )
        for first, second in zip(before.communes, after.communes, strict=True):
            assert second.share_within[threshold] >= first.share_within[threshold]
    assert after.departement.mean_minutes <= before.departement.mean_minutes
    assert sum(z.population for z in after.underserved) <= sum(
        z.population for z in before.underserved
    )


def test_a_territory_without_places(territory):
    report = live_report(15)
    assert report.departement.share_within[15] == 0
    assert report.gini_mean_access is None
    assert report.underserved  # everyone is beyond the threshold
    assert sum(z.population for z in report.underserved) == pytest.approx(1_654_712, rel=0.01)


def test_seats_per_thousand(open_network):
    from maillage.places.models import Space

    Space.objects.create(place=open_network[0], name="Open space", kind="desk", capacity=30)
    report = live_report(15)
    boulogne = report.commune("92012")
    assert boulogne.seats == 30
    assert boulogne.seats_per_thousand == pytest.approx(30_000 / boulogne.population)


def test_the_walking_model_is_configurable(open_network, settings):
    usual = live_report(15).departement.share_within[15]
    settings.MAILLAGE_WALKING_SPEED_KMH = 9.0  # a brisk walker reaches twice as far
    faster = live_report(15).departement.share_within[15]
    assert faster > usual
    sites = analysis.open_places("92")
    settings.MAILLAGE_WALKING_SPEED_KMH = 4.5
    assert usual == pytest.approx(brute_force_share("92", sites, 15))


def test_underserved_zones_are_split_by_commune_and_grow_with_a_stricter_threshold(
    open_network,
):
    reports = {t: live_report(t) for t in analysis.THRESHOLDS_MINUTES}
    shown = [round(reports[t].underserved_population) for t in analysis.THRESHOLDS_MINUTES]
    assert shown == sorted(shown, reverse=True)  # 5 minutes: the most under-served people
    report = reports[15]
    populations = [zone.population for zone in report.underserved]
    assert populations == sorted(populations, reverse=True)
    by_commune = {c.code: c for c in report.communes}
    for zone in report.underserved:
        commune = by_commune[zone.commune_code]
        assert zone.commune_name == commune.name
        assert zone.population <= commune.population * (1 - commune.share_within[15]) + 1e-6
    # Forty-odd zones, none holding a département's worth of people.
    assert len(report.underserved) > 30
    assert max(populations) < 200_000
