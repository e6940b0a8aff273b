import pytest

from maillage.territory.reference import (
    ILE_DE_FRANCE_DEPARTEMENTS,
    ILE_DE_FRANCE_DEPARTEMENTS_OF,
    UnknownDepartement,
    read_departement,
)


def test_hauts_de_seine():
    record = read_departement("92")
    assert len(record.communes) == 36
    assert sum(c.population for c in record.communes) == 1_654_712
    assert {c.ept for c in record.communes} == {
        "Boucle Nord de Seine",
        "Grand Paris Seine Ouest",
        "Paris Ouest La Défense",
        "Vallée Sud-Grand Paris",
    }
    assert record.outline.is_valid
    assert record.outline.geom_type == "Polygon"  # one piece: the communes tile the département
    assert record.polygons_without_population == ()
    boulogne = next(c for c in record.communes if c.insee_code == "92012")
    assert boulogne.postal_codes == ("92100",)


def test_every_ile_de_france_departement_reads():
    for code in ("75", "77", "78", "91", "93", "94", "95"):
        record = read_departement(code)
        assert record.communes, code
        assert all(c.geometry.is_valid for c in record.communes)


def test_unknown_departement_is_refused_with_the_known_ones():
    with pytest.raises(UnknownDepartement, match="« 13 » inconnu.*75, 77, 78, 91, 92, 93, 94, 95"):
        read_departement("13")


def test_each_departement_has_its_name_after_de():
    assert ILE_DE_FRANCE_DEPARTEMENTS_OF.keys() == ILE_DE_FRANCE_DEPARTEMENTS.keys()
    for code, name in ILE_DE_FRANCE_DEPARTEMENTS.items():
        assert ILE_DE_FRANCE_DEPARTEMENTS_OF[code].endswith(name)
    assert ILE_DE_FRANCE_DEPARTEMENTS_OF["92"] == "des Hauts-de-Seine"
