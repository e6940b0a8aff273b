import pytest

from maillage.observatory.candidate_import import CandidateImportError, parse_candidate_csv
from maillage.observatory.models import CandidateSite
from maillage.observatory.services import import_candidate_sites

HEADER = (
    "reference,nom,adresse,latitude,longitude,proprietaire,type,surface_m2,disponible_le,thd,"
    "cout_estime_euros,notes"
)
ANTONY = (
    "clg-antony,Collège Anatole-France,1 rue X,48.7536,2.2975,departement,college,650,"
    "2027-09-01,oui,450000,RDC libre"
)
SCEAUX = "gare-sceaux,Locaux de la gare,,48.7766,2.2901,sncf,locaux_gare,120,01/03/2027,non,,"


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def errors_of(content: bytes) -> list[str]:
    with pytest.raises(CandidateImportError) as error:
        parse_candidate_csv(content, "sites.csv")
    return error.value.errors


def test_a_valid_file_reads():
    rows = parse_candidate_csv(csv_bytes(HEADER, ANTONY, SCEAUX), "sites.csv")
    assert [r.reference for r in rows] == ["clg-antony", "gare-sceaux"]
    assert rows[0].estimated_cost_cents == 45_000_000
    assert rows[0].thd_available and not rows[1].thd_available
    assert str(rows[1].available_from) == "2027-03-01"


def test_semicolons_and_a_byte_order_mark_are_accepted():
    semicolons = [line.replace(",", ";") for line in (HEADER, ANTONY)]
    content = "\ufeff" + "\n".join(semicolons).replace("48.7536", "48,7536")
    assert parse_candidate_csv(content.encode(), "sites.csv")[0].latitude == 48.7536


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            (HEADER + ",couleur", ANTONY + ",bleu"),
            "sites.csv, ligne 1 : colonne inconnue « couleur »",
        ),
        ((HEADER.replace("nom,", ""), ANTONY), "colonne obligatoire absente « nom »"),
        (
            (HEADER, ANTONY.replace("48.7536", "nord")),
            "ligne 2, colonne « latitude » : nombre décimal attendu",
        ),
        (
            (HEADER, ANTONY.replace("48.7536", "148.7")),
            "ligne 2, colonne « latitude » : doit être comprise entre -90 et 90",
        ),
        (
            (HEADER, ANTONY.replace("departement,", "mairie,")),
            "ligne 2, colonne « proprietaire » : valeur inconnue « mairie »",
        ),
        (
            (HEADER, ANTONY.replace(",college,", ",gymnase,")),
            "ligne 2, colonne « type » : valeur inconnue « gymnase »",
        ),
        (
            (HEADER, ANTONY.replace(",650,", ",0,")),
            "ligne 2, colonne « surface_m2 » : doit être un nombre entier",
        ),
        (
            (HEADER, ANTONY.replace(",650,", ",grand,")),
            "ligne 2, colonne « surface_m2 » : nombre entier attendu",
        ),
        (
            (HEADER, ANTONY.replace("2027-09-01", "septembre")),
            "ligne 2, colonne « disponible_le » : date attendue",
        ),
        (
            (HEADER, ANTONY.replace(",oui,", ",peut-être,")),
            "ligne 2, colonne « thd » : « oui » ou « non » attendu",
        ),
        (
            (HEADER, ANTONY.replace("450000", "-5")),
            "ligne 2, colonne « cout_estime_euros » : doit être positif",
        ),
        (
            (HEADER, ANTONY.replace("clg-antony", "")),
            "ligne 2, colonne « reference » : valeur obligatoire manquante",
        ),
        (
            (HEADER, ANTONY, ANTONY),
            "ligne 3, colonne « reference » : « clg-antony » figure déjà ligne 2",
        ),
        ((HEADER,), "sites.csv : aucune ligne de données."),
    ],
)
def test_bad_rows_are_named(lines, expected):
    assert any(expected in error for error in errors_of(csv_bytes(*lines))), errors_of(
        csv_bytes(*lines)
    )


def test_every_bad_row_is_reported_at_once():
    errors = errors_of(
        csv_bytes(HEADER, ANTONY.replace(",650,", ",0,"), SCEAUX.replace(",sncf,", ",x,"))
    )
    assert len(errors) == 2


def test_a_file_that_is_not_utf8():
    assert errors_of("nom\nCollège".encode("latin-1")) == [
        "sites.csv : le fichier doit être encodé en UTF-8."
    ]


@pytest.mark.django_db
def test_import_creates_then_updates(staff_user, territory):
    first = import_candidate_sites(staff_user, csv_bytes(HEADER, ANTONY, SCEAUX), "sites.csv")
    assert (first.created, first.updated) == (2, 0)
    site = CandidateSite.objects.get(reference="clg-antony")
    assert site.commune.name == "Antony"
    again = import_candidate_sites(
        staff_user, csv_bytes(HEADER, ANTONY.replace(",650,", ",700,")), "sites.csv"
    )
    assert (again.created, again.updated) == (0, 1)
    site.refresh_from_db()
    assert site.surface_m2 == 700
    assert CandidateSite.objects.count() == 2


@pytest.mark.django_db
def test_a_point_outside_the_departement_writes_nothing(staff_user, territory):
    paris = "notre-dame,Parvis,,48.8530,2.3499,etat,autre,100,,,,"
    with pytest.raises(CandidateImportError) as error:
        import_candidate_sites(staff_user, csv_bytes(HEADER, ANTONY, paris), "sites.csv")
    assert error.value.errors == [
        "sites.csv, ligne 3, colonnes « latitude », « longitude » : le point (48.853, 2.3499) "
        "est hors du département"
    ]
    assert not CandidateSite.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ["manager", "resident"])
def test_only_staff_imports(request, actor, territory):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_candidate_sites(request.getfixturevalue(actor), csv_bytes(HEADER, ANTONY), "s.csv")
    assert not CandidateSite.objects.exists()
