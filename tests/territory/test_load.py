import pytest
from django.core.management import CommandError, call_command

from maillage.territory.models import Commune, Departement

pytestmark = pytest.mark.django_db


def test_the_test_database_holds_the_hauts_de_seine():
    assert Commune.objects.of_departement("92").count() == 36
    assert Departement.objects.get(code="92").outline["type"] == "Polygon"


def test_loading_twice_changes_nothing(capsys):
    before = list(Commune.objects.order_by("insee_code").values())
    call_command("load_territory", "--departement", "92")
    assert list(Commune.objects.order_by("insee_code").values()) == before
    assert "Département 92 : 36 communes, 1\u202f654\u202f712 habitants." in capsys.readouterr().out


def test_another_departement_loads_beside(capsys):
    call_command("load_territory", "--departement", "93")
    assert Commune.objects.of_departement("93").count() == 39
    assert Commune.objects.of_departement("92").count() == 36
    assert "contours de communes fusionnées" in capsys.readouterr().out


def test_unknown_departement_is_a_command_error():
    with pytest.raises(CommandError, match="inconnu"):
        call_command("load_territory", "--departement", "2A")


def test_commune_contains_its_centre_not_its_neighbours():
    boulogne = Commune.objects.get(insee_code="92012")
    nanterre = Commune.objects.get(insee_code="92050")
    assert boulogne.contains(boulogne.centroid_lat, boulogne.centroid_lon)
    assert not boulogne.contains(nanterre.centroid_lat, nanterre.centroid_lon)
