"""Population layers: every import is validated whole before anything is written, and every
kind of layer (INSEE 200 m grid, points) keeps the observatory's pages and exports working."""

import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from maillage.observatory import analysis, population, services
from maillage.observatory.models import PopulationLayer, PopulationPoint, PopulationSource

pytestmark = pytest.mark.django_db

INSEE_GRID = """Idcar_200m,Ind
CRS3035RES200mN2887800E3752200,120
CRS3035RES200mN2888200E3752600,80.5
CRS3035RES200mN2889000E3760400,999
"""
# Boulogne-Billancourt, Nanterre, and one point in Paris (outside the 92).
POINTS = """id,lon,lat,weight
p1,2.2400,48.8350,100
p2,2.2450,48.8400,50
p3,2.2060,48.8920,80
p4,2.3500,48.8600,70
"""


@pytest.fixture(autouse=True)
def fresh_demand_cache():
    # Layer ids come back after a rolled-back test: the per-process cache must not leak.
    analysis._demand_for.cache_clear()
    yield
    analysis._demand_for.cache_clear()


@pytest.fixture
def files(tmp_path):
    def write(name: str, text: str) -> str:
        path = tmp_path / name
        path.write_text(text)
        return str(path)

    return write


def import_file(files, kind: str, text: str, name: str = "couche.csv") -> dict:
    option = "--insee" if kind == "insee" else "--points"
    call_command("observatory", "import_population", option, files(name, text), "--json")


def test_a_points_layer_is_imported_and_activated(files, territory, capsys):
    import_file(files, "points", POINTS)
    summary = json.loads(capsys.readouterr().out)
    assert summary == {"layer": "couche.csv", "points": 3, "population": 230, "outside": 1}
    layer = PopulationLayer.objects.get(is_active=True)
    assert layer.source == PopulationSource.POINTS and layer.cell_m is None
    demand = analysis.territory_demand("92").demand
    assert set(demand.group) == {"92012", "92050"}


def empty_layer(territory) -> None:
    """A layer without points, as an import before the checks could leave one."""
    PopulationLayer.objects.create(name="vide", source=PopulationSource.POINTS, departement="92")


def scattered_layer(territory) -> None:
    """Points a few metres apart in two communes only: the other communes have no one."""
    layer = PopulationLayer.objects.create(
        name="points", source=PopulationSource.POINTS, departement="92"
    )
    boulogne, nanterre = territory.get(insee_code="92012"), territory.get(insee_code="92050")
    PopulationPoint.objects.bulk_create(
        [
            PopulationPoint(layer=layer, x=647_000 + k, y=6_858_000, weight=10, commune=boulogne)
            for k in range(3)
        ]
        + [PopulationPoint(layer=layer, x=644_000, y=6_864_500, weight=5, commune=nanterre)]
    )


LAYERS = {
    "insee": lambda files, territory: import_file(files, "insee", INSEE_GRID),
    "points": lambda files, territory: import_file(files, "points", POINTS),
    "scattered points": lambda files, territory: scattered_layer(territory),
    "empty": lambda files, territory: empty_layer(territory),
}


def test_every_layer_source_has_a_kind_above(files, territory):
    """A new kind of layer must join LAYERS, so that the pages are tried with it."""
    sources = set()
    for make in LAYERS.values():
        make(files, territory)
        layer = PopulationLayer.objects.order_by("-pk").first()
        sources.add(layer.source)
        layer.delete()
    assert sources == set(PopulationSource.values)


@pytest.mark.parametrize("kind", list(LAYERS))
def test_every_page_and_export_answers_with_each_layer_kind(
    kind, files, territory, client, staff_user, open_network, candidate_sites, capsys
):
    LAYERS[kind](files, territory)
    capsys.readouterr()
    scenario = services.save_scenario(
        staff_user, name="Nord", candidate_ids=[candidate_sites[0].pk]
    )
    for name in (
        "observatory:public",
        "observatory:indicators_csv",
        "observatory:indicators_spreadsheet",
        "observatory:zones_geojson",
    ):
        assert client.get(reverse(name)).status_code == 200, name
        assert client.get(reverse(name), {"seuil": "5", "preparation": "on"}).status_code == 200
    client.force_login(staff_user)
    for name in (
        "observatory:scenario_detail",
        "observatory:scenario_geojson",
        "observatory:scenario_csv",
        "observatory:scenario_spreadsheet",
        "observatory:scenario_report",
        "observatory:scenario_report_pdf",
    ):
        assert client.get(reverse(name, args=[scenario.pk])).status_code == 200, name
    call_command("observatory", "indicators", "--json")
    report = json.loads(capsys.readouterr().out)
    assert len(report["communes"]) == 36  # every commune, inhabited in the layer or not
    assert report["departement"]["population"] > 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (POINTS.replace("p1,2.2400,48.8350,100", "p1,2.2400,48.8350,1e308"), "ligne 2"),
        (POINTS.replace(",100", ",inf"), "valeur non finie"),
        (POINTS.replace(",100", ",nan"), "valeur non finie"),
        (POINTS.replace(",100", ",-1"), "poids négatif"),
        ("id,lon,lat,weight\np4,2.3500,48.8600,70\n", "aucun point du fichier"),
    ],
)
def test_a_refused_points_file_writes_and_activates_nothing(files, territory, text, message):
    import_file(files, "insee", INSEE_GRID, name="avant.csv")
    before = PopulationLayer.objects.get(is_active=True)
    with pytest.raises(CommandError, match=re.escape(message)):
        import_file(files, "points", text)
    assert list(PopulationLayer.objects.all()) == [before]
    assert PopulationLayer.objects.get(is_active=True) == before


def test_huge_weights_never_reach_the_layer(files, territory):
    """10³⁰⁸ is a finite float, but two of them add up to infinity."""
    huge = POINTS.replace(",100", ",1e308").replace(",50", ",1e308")
    with pytest.raises(CommandError) as error:
        import_file(files, "points", huge)
    message = str(error.value)
    assert "couche.csv, ligne 2 : poids" in message and "couche.csv, ligne 3 : poids" in message
    assert not PopulationLayer.objects.exists()


def test_a_weight_beyond_a_points_rule_names_its_row(files, territory):
    """The file is read with the model's bound, so the message names the row."""
    with pytest.raises(CommandError, match="couche.csv, ligne 3 : poids supérieur à 1"):
        import_file(files, "points", POINTS.replace(",50", ",2000000"))
    assert not PopulationLayer.objects.exists()


def test_every_row_error_is_reported_in_one_pass(files, territory):
    text = (
        "id,lon,lat,weight\n"
        "a,2.24,48.835,douze\n"  # format
        "b,2.24,48.835,-4\n"  # range
        ",2.24,48.835,1\n"  # missing id
        "d,2.24,95,1\n"  # latitude out of range
        "e,2.24,48.835,1\n"
        "e,2.24,48.835,1\n"  # duplicate
    )
    with pytest.raises(CommandError) as error:
        import_file(files, "points", text)
    message = str(error.value)
    for line in (2, 3, 4, 5, 7):
        assert f"couche.csv, ligne {line} :" in message
    assert "couche.csv, ligne 6" not in message


def test_a_grid_with_bad_cells_reports_them_all(files, territory):
    text = "Idcar_200m,Ind\nnimporte,3\nCRS3035RES200mN2887800E3752200,-1\n"
    with pytest.raises(CommandError) as error:
        import_file(files, "insee", text)
    assert "ligne 2 : identifiant de carreau INSEE invalide" in str(error.value)
    assert "ligne 3 : population négative" in str(error.value)


def test_a_cell_beyond_the_csv_field_limit_is_refused_with_its_row_and_column(files, territory):
    text = POINTS.replace("p2,", "p" + "x" * 200_000 + ",")
    with pytest.raises(
        CommandError, match=r"couche\.csv, ligne 3, colonne « id » : valeur de 200001 caractères"
    ):
        import_file(files, "points", text)
    assert not PopulationLayer.objects.exists()


def test_a_layer_name_with_a_line_break_is_refused(files, territory):
    with pytest.raises(CommandError, match=r"couche \(nom\) : Le nom ne peut pas contenir"):
        call_command(
            "observatory", "import_population", "--points", files("c.csv", POINTS), "--name", "a\nb"
        )
    assert not PopulationLayer.objects.exists()


def test_a_nul_character_in_a_cell_is_refused(files, territory):
    with pytest.raises(CommandError, match=r"ligne 2, colonne « id » : caractère nul"):
        import_file(files, "points", POINTS.replace("p1", "p\0"))
    assert not PopulationLayer.objects.exists()


def test_a_layer_name_beyond_its_column_is_refused(files, territory):
    with pytest.raises(CommandError, match=r"c\.csv : couche \(nom\) : .* au plus 150 caractères"):
        call_command(
            "observatory",
            "import_population",
            "--points",
            files("c.csv", POINTS),
            "--name",
            "n" * 151,
        )
    assert not PopulationLayer.objects.exists()


def test_a_large_points_file_is_written_in_bulk(files, territory, django_assert_max_num_queries):
    rows = "\n".join(
        f"p{k},{2.22 + (k % 300) * 1e-4},{48.83 + (k // 300) * 1e-4},1" for k in range(30_000)
    )
    path = files("grand.csv", "id,lon,lat,weight\n" + rows + "\n")
    # SQLite takes at most 999 parameters a statement: bulk, a few hundred rows a query.
    with django_assert_max_num_queries(400):
        result = population.import_population("92", path, PopulationSource.POINTS, "grand")
    assert result.points == 30_000 and result.layer.points.count() == 30_000
