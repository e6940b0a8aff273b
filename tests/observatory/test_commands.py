import json
import re

import pytest
from django.core.management import CommandError, call_command

DEMAND = """id,lon,lat,weight
d1,2.2400,48.8350,100
d2,2.2450,48.8400,50
d3,2.2060,48.8920,80
"""
CANDIDATES = """id,lon,lat
c1,2.2410,48.8360
c2,2.2070,48.8930
"""


@pytest.fixture
def files(tmp_path):
    def write(name: str, text: str):
        path = tmp_path / name
        path.write_text(text)
        return str(path)

    return write


def solve(capsys, *args: str) -> dict:
    call_command("observatory", "solve", *args, "--json")
    return json.loads(capsys.readouterr().out)


def test_mclp_from_csv_files(files, capsys):
    result = solve(
        capsys,
        "--model",
        "mclp",
        "--demand",
        files("demand.csv", DEMAND),
        "--candidates",
        files("candidates.csv", CANDIDATES),
        "--p",
        "1",
        "--radius-m",
        "800",
    )
    assert result["model"] == "mclp"
    assert result["selected"] == ["c1"]
    assert result["objective"] == 150
    assert result["optimal"] is True and result["gap"] == 0
    assert set(result) == {
        "model",
        "objective",
        "covered_weight",
        "selected",
        "optimal",
        "gap",
        "seconds",
    }


def test_existing_sites_are_fixed(files, capsys):
    result = solve(
        capsys,
        "--model",
        "mclp",
        "--demand",
        files("demand.csv", DEMAND),
        "--candidates",
        files("candidates.csv", CANDIDATES),
        "--existing",
        files("existing.csv", "id,lon,lat\ne1,2.2405,48.8355\n"),
        "--p",
        "1",
        "--radius-m",
        "800",
    )
    assert result["selected"] == ["c2"]  # c1 would only cover what e1 covers already


@pytest.mark.parametrize("model", ["lscp", "pmedian", "pcenter"])
def test_other_models(files, capsys, model):
    args = ["--p", "2"] if model != "lscp" else ["--target-share", "1"]
    result = solve(
        capsys,
        "--model",
        model,
        "--demand",
        files("demand.csv", DEMAND),
        "--candidates",
        files("candidates.csv", CANDIDATES),
        "--max-minutes",
        "15",
        *args,
    )
    assert sorted(result["selected"]) == ["c1", "c2"]
    assert result["optimal"] is True


def test_lambert_coordinates_and_a_travel_time_matrix(files, capsys):
    demand = files("demand.csv", "id,x,y,weight\na,644000,6859700,10\nb,645000,6859700,5\n")
    candidates = files("candidates.csv", "id,x,y\nk,644100,6859700\nl,645100,6859700\n")
    matrix = files("matrix.csv", "origin,destination,minutes\na,k,3\na,l,20\nb,k,18\nb,l,4\n")
    result = solve(
        capsys,
        "--model",
        "mclp",
        "--demand",
        demand,
        "--candidates",
        candidates,
        "--matrix",
        matrix,
        "--max-minutes",
        "10",
        "--p",
        "1",
        "--departement",
        "92",
    )
    assert result["selected"] == ["k"] and result["objective"] == 10


@pytest.mark.parametrize(
    ("demand", "extra", "message"),
    [
        ("id,lon,lat,weight,colour\nd1,2.24,48.83,1,red\n", [], "colonne inconnue « colour »"),
        ("id,lon,lat,weight\n,2.24,48.83,1\n", [], "ligne 2 : identifiant manquant"),
        (
            "id,lon,lat,weight\nd1,2.24,48.83,1\nd1,2.24,48.83,1\n",
            [],
            "identifiant en double « d1 »",
        ),
        ("id,lon,lat,weight\nd1,2.24,48.83,-1\n", [], "ligne 2 : poids négatif"),
        ("id,lon,lat,weight\nd1,5.37,43.30,1\n", [], "hors du territoire"),
        (DEMAND, ["--p", "5"], "p = 5 dépasse le nombre de sites candidats (2)"),
    ],
)
def test_bad_input_names_the_file_row_and_rule(files, demand, extra, message):
    args = ["--p", "1"] if "--p" not in extra else []
    with pytest.raises(CommandError, match=re.escape(message)) as error:
        call_command(
            "observatory",
            "solve",
            "--model",
            "mclp",
            "--demand",
            files("demand.csv", demand),
            "--candidates",
            files("candidates.csv", CANDIDATES),
            "--radius-m",
            "800",
            *args,
            *extra,
            "--json",
        )
    if "ligne" in message:
        assert "demand.csv" in str(error.value)


def test_an_unreachable_target_is_refused(files):
    with pytest.raises(CommandError, match="inatteignable"):
        call_command(
            "observatory",
            "solve",
            "--model",
            "lscp",
            "--demand",
            files("demand.csv", DEMAND),
            "--candidates",
            files("candidates.csv", "id,lon,lat\nc1,2.2410,48.8360\n"),
            "--radius-m",
            "800",
            "--target-share",
            "0.9",
            "--json",
        )


def test_p_is_required_for_mclp(files):
    with pytest.raises(CommandError, match="--p est obligatoire"):
        call_command(
            "observatory",
            "solve",
            "--model",
            "mclp",
            "--demand",
            files("demand.csv", DEMAND),
            "--candidates",
            files("candidates.csv", CANDIDATES),
            "--radius-m",
            "800",
        )


@pytest.mark.django_db
def test_indicators_of_the_live_territory(capsys, territory):
    call_command("observatory", "indicators", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["departement"]["name"] == "Hauts-de-Seine"
    assert data["departement"]["population"] == 1654712
    assert len(data["communes"]) == 36
    assert data["departement"]["share_within"]["15"] == 0


def test_the_json_on_stdout_is_clean(files, tmp_path):
    """Run as a person would: the solver's banner must not pollute the JSON."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "maillage.config.settings_test"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "maillage.manage",
            "observatory",
            "solve",
            "--model",
            "mclp",
            "--demand",
            files("demand.csv", DEMAND),
            "--candidates",
            files("c.csv", CANDIDATES),
            "--p",
            "1",
            "--radius-m",
            "800",
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    )
    assert json.loads(result.stdout)["selected"] == ["c1"]


INSEE_GRID = """Idcar_200m,Ind,Men
CRS3035RES200mN2887800E3752200,120,50
CRS3035RES200mN2888200E3752600,80.5,30
CRS3035RES200mN2888400E3751600,40,20
CRS3035RES200mN2889000E3760400,999,400
"""


@pytest.mark.django_db
def test_an_insee_grid_replaces_the_spread_population(files, capsys, territory):
    from maillage.observatory import analysis

    call_command(
        "observatory", "import_population", "--insee", files("grid.csv", INSEE_GRID), "--json"
    )
    summary = json.loads(capsys.readouterr().out)
    assert summary == {"layer": "grid.csv", "points": 3, "population": 240, "outside": 1}
    demand = analysis.territory_demand("92").demand
    assert len(demand) == 3 and demand.total_weight == pytest.approx(240.5)
    assert set(demand.group) == {"92012"}
    report = analysis.coverage_report("92", [])
    assert report.departement.population == pytest.approx(240.5)
    assert report.underserved  # grid cells still merge into zones


@pytest.mark.django_db
def test_a_bad_population_file_writes_nothing(files, territory):
    from maillage.observatory.models import PopulationLayer

    bad = INSEE_GRID.replace("80.5", "-3")
    with pytest.raises(CommandError, match="grid.csv, ligne 3 : population négative"):
        call_command("observatory", "import_population", "--insee", files("grid.csv", bad))
    assert not PopulationLayer.objects.exists()
