import numpy as np
import pytest
import shapely

from maillage.observatory.engine import (
    EngineInputError,
    read_demand_csv,
    read_insee_grid_csv,
    read_sites_csv,
    read_travel_times,
)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_demand_in_lonlat_is_projected_to_lambert93(tmp_path):
    path = write(tmp_path, "demand.csv", "id,lon,lat,weight,group\na1,2.2069,48.8924,12.5,92050\n")
    demand = read_demand_csv(path)
    assert list(demand.ids) == ["a1"] and demand.weight[0] == 12.5
    assert list(demand.group) == ["92050"]
    assert 640_000 < demand.x[0] < 645_000 and 6_862_000 < demand.y[0] < 6_868_000


def test_sites_in_xy_with_semicolons_and_capacity(tmp_path):
    path = write(tmp_path, "candidates.csv", "id;x;y;capacity\nc1;650000;6860000;40\n")
    sites = read_sites_csv(path)
    assert sites.x[0] == 650_000 and sites.capacity[0] == 40 and sites.seats is None


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "demand.csv",
            "id,x,y,weight,colour\n",
            "demand.csv, ligne 1 : colonne inconnue « colour »",
        ),
        (
            "demand.csv",
            "id,x,y\na,1,2\n",
            "demand.csv, ligne 1 : colonne obligatoire manquante « weight »",
        ),
        (
            "demand.csv",
            "id,lon,lat,x,y,weight\n",
            "demand.csv, ligne 1 : donnez soit les colonnes lon,lat",
        ),
        ("demand.csv", "id,x,lat,weight\n", "demand.csv, ligne 1 : donnez soit"),
        (
            "demand.csv",
            "id,x,y,weight\na,1,2,3\n,1,2,3\n",
            "demand.csv, ligne 3 : identifiant manquant",
        ),
        (
            "demand.csv",
            "id,x,y,weight\na12,1,2,3\nb,1,2,3\na12,1,2,3\n",
            "demand.csv, ligne 4 : identifiant en double « a12 » (déjà ligne 2)",
        ),
        ("demand.csv", "id,x,y,weight\na,1,2,-3\n", "demand.csv, ligne 2 : poids négatif (-3)"),
        (
            "demand.csv",
            "id,x,y,weight\na,1,deux,3\n",
            "demand.csv, ligne 2 : « deux » n'est pas un nombre",
        ),
        ("demand.csv", "id,x,y,weight\na,1,nan,3\n", "demand.csv, ligne 2 : valeur non finie"),
        ("demand.csv", "id,x,y,weight\na,1,2\n", "demand.csv, ligne 2 : 3 valeurs pour 4 colonnes"),
        (
            "demand.csv",
            "id,lon,lat,weight\na,248.8,2.2,1\n",
            "demand.csv, ligne 2 : coordonnées lon,lat hors limites",
        ),
        ("demand.csv", "id,x,y,weight\n", "demand.csv : aucune ligne de données"),
        ("demand.csv", "", "demand.csv, ligne 1 : en-tête manquant"),
        (
            "existing.csv",
            "id,x,y,capacity\ne,1,2,-1\n",
            "existing.csv, ligne 2 : capacité négative",
        ),
        (
            "candidates.csv",
            "id,x,y,weight\nc,1,2,3\n",
            "candidates.csv, ligne 1 : colonne inconnue « weight »",
        ),
    ],
)
def test_bad_rows_name_file_line_and_rule(tmp_path, name, text, message):
    path = write(tmp_path, name, text)
    reader = read_demand_csv if name == "demand.csv" else read_sites_csv
    with pytest.raises(EngineInputError) as error:
        reader(path)
    assert str(error.value).startswith(message)


def test_points_outside_the_territory_are_refused(tmp_path):
    territory = shapely.box(0, 0, 1000, 1000)
    path = write(tmp_path, "candidates.csv", "id,x,y\nin,10,10\nedge,1000,500\nout,2000,10\n")
    with pytest.raises(
        EngineInputError, match=r"candidates.csv, ligne 4 : le point « out » est hors du territoire"
    ):
        read_sites_csv(path, territory=territory)


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(EngineInputError, match="demand.csv : fichier introuvable"):
        read_demand_csv(tmp_path / "demand.csv")


def test_travel_time_matrix(tmp_path):
    path = write(tmp_path, "times.csv", "origin,destination,minutes\na,s,12.5\nb,s,0\na,t,40\n")
    matrix = read_travel_times(path, np.array(["a", "b"]), np.array(["s", "t"]), max_minutes=30)
    assert matrix.nnz == 2  # a->t is beyond 30 minutes
    best, site = matrix.nearest()
    assert list(best) == [12.5, 0.0] and list(site) == [0, 0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("origin,destination\n", "times.csv, ligne 1 : colonne obligatoire manquante « minutes »"),
        ("origin,destination,minutes,km\n", "times.csv, ligne 1 : colonne inconnue « km »"),
        ("origin,destination,minutes\nz,s,1\n", "times.csv, ligne 2 : origine inconnue « z »"),
        ("origin,destination,minutes\na,z,1\n", "times.csv, ligne 2 : destination inconnue « z »"),
        ("origin,destination,minutes\na,s,1\na,s,2\n", "times.csv, ligne 3 : couple en double"),
        ("origin,destination,minutes\na,s,-1\n", "times.csv, ligne 2 : durée négative"),
    ],
)
def test_travel_time_errors(tmp_path, text, message):
    path = write(tmp_path, "times.csv", text)
    with pytest.raises(EngineInputError) as error:
        read_travel_times(path, np.array(["a"]), np.array(["s"]))
    assert str(error.value).startswith(message)


def test_insee_grid_csv(tmp_path):
    path = write(
        tmp_path,
        "carreaux.csv",
        "Idcar_200m,I_est_200,Ind,Men\n"
        "CRS3035RES200mN2862400E3758200,0,120.5,50\n"
        "CRS3035RES200mN2862600E3758200,1,3,1\n",
    )
    demand = read_insee_grid_csv(path)
    assert list(demand.weight) == [120.5, 3.0] and demand.cell_m == 200
    assert demand.y[1] - demand.y[0] == pytest.approx(200, abs=2)
    bad = write(tmp_path, "bad.csv", "Idcar_200m,Ind\nCRS3035RES200mN1,3\n")
    with pytest.raises(
        EngineInputError, match="bad.csv, ligne 2 : identifiant de carreau INSEE invalide"
    ):
        read_insee_grid_csv(bad)
    no_id = write(tmp_path, "noid.csv", "cell,Ind\n")
    with pytest.raises(EngineInputError, match="noid.csv, ligne 1 : colonne d'identifiant"):
        read_insee_grid_csv(no_id)


def test_every_row_problem_of_a_file_is_reported_in_one_pass(tmp_path):
    """Format, range, duplicate and territory problems together, each with its line."""
    territory = shapely.box(0, 0, 1000, 1000)
    text = (
        "id,x,y,weight\n"
        "a,10,10,douze\n"
        "b,10,10,1e308\n"
        "c,10,10,-1\n"
        "d,5000,10,1\n"
        "e,10,10,1\n"
        "e,10,10,1\n"
        "f,1e30,10,1\n"
    )
    with pytest.raises(EngineInputError) as error:
        read_demand_csv(write(tmp_path, "demand.csv", text), territory=territory)
    assert error.value.errors == [
        "demand.csv, ligne 2 : « douze » n'est pas un nombre (colonne « weight »)",
        "demand.csv, ligne 3 : poids supérieur à 10\u202f000\u202f000 (1e+308)",
        "demand.csv, ligne 4 : poids négatif (-1)",
        "demand.csv, ligne 5 : le point « d » est hors du territoire",
        "demand.csv, ligne 7 : identifiant en double « e » (déjà ligne 6)",
        "demand.csv, ligne 8 : coordonnées x,y hors limites (1e+30, 10)",
    ]


@pytest.mark.parametrize(
    ("reader", "name", "text"),
    [
        (read_demand_csv, "demand.csv", "id,x,y,weight\n{big},1,2,3\n"),
        (read_sites_csv, "candidates.csv", "id,x,y,name\nc,1,2,{big}\n"),
        (read_insee_grid_csv, "grid.csv", "Idcar_200m,Ind\n{big},3\n"),
    ],
)
def test_a_cell_beyond_csv_s_field_limit_names_its_row_and_column(tmp_path, reader, name, text):
    """Python's csv stops at 128 KiB with «field larger than field limit»: not for people."""
    path = write(tmp_path, name, text.format(big="x" * 200_000))
    with pytest.raises(EngineInputError) as error:
        reader(path)
    header = text.split("\n")[0].split(",")
    position = text.split("\n")[1].split(",").index("{big}")
    assert str(error.value) == (
        f"{name}, ligne 2, colonne « {header[position]} » : "
        "valeur de 200000 caractères, 1000 au plus"
    )


def test_a_travel_time_file_reports_every_row(tmp_path):
    text = "origin,destination,minutes\nz,s,1\na,s,-1\na,s,1e9\n"
    with pytest.raises(EngineInputError) as error:
        read_travel_times(write(tmp_path, "times.csv", text), np.array(["a"]), np.array(["s"]))
    assert error.value.errors == [
        "times.csv, ligne 2 : origine inconnue « z »",
        "times.csv, ligne 3 : durée négative (-1)",
        "times.csv, ligne 4 : durée supérieure à 100\u202f000 (1\u202f000\u202f000\u202f000)",
        "times.csv, ligne 4 : couple en double « a » → « s » (déjà ligne 3)",
    ]


@pytest.mark.parametrize("cell", ["CRS3035RES0mN2862400E3758200", "CRS3035RES200mN1E99999999999"])
def test_insee_cells_of_no_size_or_beyond_the_grid_are_refused(tmp_path, cell):
    with pytest.raises(EngineInputError, match="identifiant de carreau INSEE invalide"):
        read_insee_grid_csv(write(tmp_path, "grid.csv", f"Idcar_200m,Ind\n{cell},3\n"))
