import pytest

from maillage.observatory.candidate_import import CandidateImportError, read_candidate_csv
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


def parse_candidate_csv(content: bytes, filename: str):
    parsed = read_candidate_csv(content, filename)
    parsed.raise_problems()
    return parsed.rows


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
        csv_bytes(HEADER, ANTONY.replace(",650,", ",vaste,"), SCEAUX.replace(",sncf,", ",x,"))
    )
    assert len(errors) == 2


def test_a_file_that_is_not_utf8():
    assert errors_of("nom\nCollège".encode("latin-1")) == [
        "sites.csv : le fichier doit être encodé en UTF-8"
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


@pytest.mark.django_db
def test_every_problem_of_the_file_is_reported_in_one_pass(staff_user, territory):
    """Format and range errors and a point outside the département, together, by line."""
    paris = "notre-dame,Parvis,,48.8530,2.3499,etat,autre,100,,,,"
    bad_surface = SCEAUX.replace(",120,", ",beaucoup,")
    outside_and_bad = paris.replace("notre-dame", "nd-2").replace(",etat,", ",roi,")
    with pytest.raises(CandidateImportError) as error:
        import_candidate_sites(
            staff_user,
            csv_bytes(HEADER, ANTONY, bad_surface, paris, outside_and_bad),
            "sites.csv",
        )
    assert error.value.errors == [
        "sites.csv, ligne 3, colonne « surface_m2 » : nombre entier attendu, reçu « beaucoup »",
        "sites.csv, ligne 4, colonnes « latitude », « longitude » : le point (48.853, 2.3499) "
        "est hors du département",
        "sites.csv, ligne 5, colonne « proprietaire » : valeur inconnue « roi » "
        "(valeurs possibles : departement, commune, etat, sncf, autre_public, prive)",
        "sites.csv, ligne 5, colonnes « latitude », « longitude » : le point (48.853, 2.3499) "
        "est hors du département",
    ]
    assert not CandidateSite.objects.exists()


def columns_with_a_length():
    """Every text column the import fills from a model field with a length limit."""
    from maillage.observatory.candidate_import import FIELD_COLUMNS

    return [
        (column, CandidateSite._meta.get_field(field).max_length)
        for field, column in FIELD_COLUMNS.items()
        if getattr(CandidateSite._meta.get_field(field), "max_length", None)
    ]


def test_every_limited_column_is_known():
    assert {column for column, _ in columns_with_a_length()} >= {"reference", "nom", "adresse"}


@pytest.mark.django_db
@pytest.mark.parametrize(("column", "length"), columns_with_a_length())
def test_a_value_beyond_its_column_is_refused_on_its_row(staff_user, territory, column, length):
    """Not truncated, not a database error (PostgreSQL refuses what SQLite stores)."""
    position = HEADER.split(",").index(column)
    values = SCEAUX.split(",")
    values[position] = "a" * (length + 1)
    with pytest.raises(CandidateImportError) as error:
        import_candidate_sites(staff_user, csv_bytes(HEADER, ANTONY, ",".join(values)), "s.csv")
    assert len(error.value.errors) == 1
    assert error.value.errors[0].startswith(f"s.csv, ligne 3, colonne « {column} » : ")
    assert str(length) in error.value.errors[0]
    assert not CandidateSite.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (",650,", ",0,", "colonne « surface_m2 » : La surface doit être entre 1 et 100"),
        (",650,", f",{2**31},", "colonne « surface_m2 » : La surface doit être entre 1 et 100"),
        ("450000", "-5", "colonne « cout_estime_euros » : Le coût estimé doit être entre"),
        ("450000", str(10**20), "colonne « cout_estime_euros » : Le coût estimé doit être entre"),
        ("48.7536", "inf", "ligne 2, colonne « latitude » : nombre décimal attendu"),
        ("48.7536", "nan", "ligne 2, colonne « latitude » : nombre décimal attendu"),
        ("2027-09-01", "31/02/2027", "ligne 2, colonne « disponible_le » : date attendue"),
    ],
)
def test_numbers_beyond_their_column_are_refused(staff_user, territory, old, new, message):
    with pytest.raises(CandidateImportError) as error:
        import_candidate_sites(staff_user, csv_bytes(HEADER, ANTONY.replace(old, new)), "s.csv")
    assert any(message in line for line in error.value.errors), error.value.errors
    assert not CandidateSite.objects.exists()


def test_a_cell_beyond_csv_s_field_limit_names_its_row_and_column():
    """Python's csv raises «field larger than field limit» at 128 KiB."""
    notes = "n" * 200_000
    errors = errors_of(csv_bytes(HEADER, ANTONY, SCEAUX + notes))
    assert errors == [
        "sites.csv, ligne 3, colonne « notes » : valeur de 200000 caractères, 10000 au plus"
    ]


def test_too_many_rows_are_refused_with_the_limit_named(monkeypatch):
    from maillage.observatory import candidate_import

    monkeypatch.setattr(candidate_import, "MAX_ROWS", 3)
    rows = [ANTONY.replace("clg-antony", f"clg-{k}") for k in range(4)]
    assert errors_of(csv_bytes(HEADER, *rows))[0] == (
        "sites.csv : plus de 3 lignes de données, la limite d'un import ; découpez le fichier"
    )


def inventory(count: int, surface: int = 100) -> bytes:
    """`count` sites around Antony, the required columns only: under the upload's 5 MB."""
    lines = [
        f"s{k},S{k},{48.7536 + (k % 100) * 1e-4:.4f},{2.2975 + (k // 100) * 1e-5:.5f},"
        f"commune,autre,{surface}"
        for k in range(count)
    ]
    return csv_bytes("reference,nom,latitude,longitude,proprietaire,type,surface_m2", *lines)


@pytest.mark.django_db
def test_a_100_000_row_file_is_imported_in_bulk(
    staff_user, territory, django_assert_max_num_queries
):
    from maillage.observatory.forms import MAX_UPLOAD_BYTES

    content = inventory(100_000)
    assert len(content) < MAX_UPLOAD_BYTES
    # Bulk statements of a thousand rows or fewer: a few thousand queries, not 100,000.
    with django_assert_max_num_queries(2_000):
        result = import_candidate_sites(staff_user, content, "grand.csv")
    assert (result.created, result.updated) == (100_000, 0)
    again = import_candidate_sites(staff_user, inventory(100_000, surface=200), "grand.csv")
    assert (again.created, again.updated) == (0, 100_000)
    assert CandidateSite.objects.filter(surface_m2=200).count() == 100_000


@pytest.mark.django_db
def test_the_staff_page_lists_every_problem(client, staff_user, territory):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(staff_user)
    content = csv_bytes(HEADER, ANTONY.replace("Collège", "C" * 151), SCEAUX + "n" * 200_000)
    response = client.post(
        reverse("observatory:candidate_import"),
        {"file": SimpleUploadedFile("sites.csv", content, content_type="text/csv")},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "sites.csv, ligne 2, colonne « nom » : Assurez-vous" in html
    assert "sites.csv, ligne 3, colonne « notes » : valeur de 200000 caractères" in html
    assert not CandidateSite.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "Collège Anatole-France",
            '"Collège\r\nAnatole"',
            "colonne « nom » : caractères de contrôle",
        ),
        ("1 rue X", "1 rue\tX", "colonne « adresse » : caractères de contrôle"),
        ("Collège Anatole-France", "Collège\0", "colonne « nom » : caractère nul (U+0000)"),
        ("RDC libre", "RDC\0libre", "colonne « notes » : caractère nul (U+0000)"),
    ],
)
def test_control_characters_are_refused_on_their_row(staff_user, territory, old, new, message):
    """PostgreSQL refuses U+0000 where SQLite stores it; a line break breaks one-line text."""
    with pytest.raises(CandidateImportError) as error:
        import_candidate_sites(staff_user, csv_bytes(HEADER, ANTONY.replace(old, new)), "s.csv")
    assert len(error.value.errors) == 1, error.value.errors
    assert error.value.errors[0].startswith(f"s.csv, ligne 2, {message}")
    assert not CandidateSite.objects.exists()


@pytest.mark.django_db
def test_notes_keep_their_line_breaks(staff_user, territory):
    import_candidate_sites(
        staff_user,
        csv_bytes(HEADER, ANTONY.replace("RDC libre", '"RDC libre\nR+1 occupé"')),
        "s.csv",
    )
    assert CandidateSite.objects.get().notes == "RDC libre\nR+1 occupé"


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused_with_the_limit_named(client, staff_user, territory):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from maillage.observatory.forms import MAX_UPLOAD_BYTES

    client.force_login(staff_user)
    page = client.get(reverse("observatory:candidate_import")).content.decode()
    assert "5 Mo et 100\u202f000 lignes au plus." in page
    content = csv_bytes(HEADER, ANTONY + "x" * MAX_UPLOAD_BYTES)
    response = client.post(
        reverse("observatory:candidate_import"),
        {"file": SimpleUploadedFile("sites.csv", content, content_type="text/csv")},
    )
    assert response.status_code == 400
    assert "Le fichier dépasse 5 Mo." in response.content.decode()
    assert not CandidateSite.objects.exists()
