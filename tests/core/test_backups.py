"""Backups that restore (core.backups, `maillage backup` and `maillage restore`): data made
through the services (places, bookings, an issued statement), backed up, restored into an
empty database of the same kind, then compared row for row, with the constraints, triggers,
indexes and sequences of the original."""

import io
import re
import sqlite3
import tarfile

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from maillage.config import settings as configured
from maillage.core import backups
from tests.factories import BookingFactory
from tests.moments import NOW, paris

# pg_dump reads committed rows only.
pytestmark = pytest.mark.django_db(transaction=True)


def _connect(database):
    if connection.vendor == "postgresql":
        return backups._connect_postgresql(database, autocommit=True)
    return sqlite3.connect(database["NAME"])


def _query(database, text: str) -> list[tuple]:
    with _connect(database) as open_connection:
        return sorted(open_connection.execute(text).fetchall(), key=repr)


def _tables(database) -> list[str]:
    if connection.vendor == "postgresql":
        text = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
    else:
        text = "SELECT name FROM sqlite_master WHERE type = 'table'"
    return [name for (name,) in _query(database, text)]


# What must come back besides the rows: the schema's constraints, triggers and indexes, and
# where each sequence stands.
CATALOGUE = {
    "postgresql": [
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE connamespace = current_schema()::regnamespace",
        "SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(oid) FROM pg_trigger "
        "WHERE NOT tgisinternal",
        "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()",
        "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = current_schema()",
    ],
    "sqlite": ["SELECT type, name, tbl_name, sql FROM sqlite_master"],
}


def _definition(text: object) -> object:
    """A definition as PostgreSQL prints it, without casts, brackets and spaces: a restore
    reparses `col IN ('a', 'b')` and prints its casts otherwise (`ARRAY[...]::text[]` becomes
    `ARRAY[('a'::character varying)::text, ...]`), the same condition."""
    return (
        re.sub(r"::(text|character varying)(\[\])?|[()\s]", "", text)
        if isinstance(text, str)
        else text
    )


def snapshot(database) -> dict:
    """Every table's rows and the catalogue of `database`."""
    seen = {
        table: _query(database, f'SELECT * FROM "{table}"')  # noqa: S608
        for table in _tables(database)
    }
    for number, text in enumerate(CATALOGUE[connection.vendor]):
        rows = _query(database, text)
        seen[f"catalogue {number}"] = sorted(tuple(map(_definition, row)) for row in rows)
    return seen


@pytest.fixture
def empty_database(tmp_path):
    """A database of the test database's kind with no table: its Django settings entry."""
    source = connection.settings_dict
    if connection.vendor == "sqlite":
        yield {**source, "NAME": str(tmp_path / "restored.sqlite3")}
        return
    name = f"{source['NAME']}_restored"
    with backups._connect_postgresql({**source, "NAME": "postgres"}, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield {**source, "NAME": name}
    with backups._connect_postgresql({**source, "NAME": "postgres"}, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture
def data_dir(tmp_path):
    """A data folder with a photo and a private proof: (folder, its upload folders)."""
    folder = tmp_path / "var"
    (folder / "media" / "places").mkdir(parents=True)
    (folder / "media" / "places" / "photo.jpg").write_bytes(b"\xff\xd8photo")
    (folder / "private" / "proofs").mkdir(parents=True)
    (folder / "private" / "proofs" / "attestation.pdf").write_bytes(b"%PDF-1.7 justificatif")
    return folder, [folder / "media", folder / "private" / "proofs"]


def test_a_backup_restores_into_an_empty_database_with_nothing_lost(
    statement, desks, booker, data_dir, empty_database, tmp_path
):
    BookingFactory(
        space=desks, user=booker, start=paris(2027, 2, 3, 9), end=paris(2027, 2, 3, 12), now=NOW
    )
    source = connection.settings_dict
    folder, uploads = data_dir
    made = backups.back_up(source, folder, uploads, tmp_path / "sauvegarde", say=lambda _: None)
    assert (
        made.tables["booking_booking"] == 2
        and made.tables["reimbursements_reimbursementstatement"] == 1
    )
    assert set(made.files) == {
        backups.MEDIA,
        backups.POSTGRES_DUMP if connection.vendor == "postgresql" else backups.SQLITE_COPY,
    }

    elsewhere = tmp_path / "ailleurs"
    said: list[str] = []
    restored = backups.restore(
        tmp_path / "sauvegarde", empty_database, elsewhere, [elsewhere / "media"], say=said.append
    )
    assert restored == made
    before, after = snapshot(source), snapshot(empty_database)
    differing = {
        key: set(after[key]) ^ set(rows) for key, rows in before.items() if after.get(key) != rows
    }
    assert differing == {}
    assert after.keys() == before.keys()
    assert (elsewhere / "media" / "places" / "photo.jpg").read_bytes() == b"\xff\xd8photo"
    assert (elsewhere / "private" / "proofs" / "attestation.pdf").read_bytes().startswith(b"%PDF")
    assert said[-2].endswith("conformes au manifeste.")


def test_the_sequences_go_on_above_the_restored_rows(desks, booker, empty_database, tmp_path):
    BookingFactory(
        space=desks, user=booker, start=paris(2027, 2, 3, 9), end=paris(2027, 2, 3, 12), now=NOW
    )
    backups.back_up(connection.settings_dict, tmp_path, [], tmp_path / "s", say=lambda _: None)
    backups.restore(tmp_path / "s", empty_database, tmp_path / "v", [], say=lambda _: None)
    with _connect(empty_database) as restored:
        (highest,) = restored.execute("SELECT max(id) FROM booking_booking").fetchone()
        if connection.vendor == "postgresql":
            (following,) = restored.execute(
                "SELECT nextval(pg_get_serial_sequence('booking_booking', 'id'))"
            ).fetchone()
        else:
            (following,) = restored.execute(
                "SELECT seq + 1 FROM sqlite_sequence WHERE name = 'booking_booking'"
            ).fetchone()
    assert following > highest


def test_a_restore_refuses_a_database_that_is_not_empty(desks, tmp_path):
    backups.back_up(connection.settings_dict, tmp_path, [], tmp_path / "s", say=lambda _: None)
    with pytest.raises(backups.BackupError, match="La base cible n'est pas vide"):
        backups.restore(tmp_path / "s", connection.settings_dict, tmp_path / "v", [], say=print)


def test_a_restore_refuses_an_altered_backup_before_writing(
    desks, empty_database, data_dir, tmp_path
):
    folder, uploads = data_dir
    backups.back_up(connection.settings_dict, folder, uploads, tmp_path / "s", say=lambda _: None)
    with (tmp_path / "s" / backups.MEDIA).open("ab") as archive:
        archive.write(b"\0")
    with pytest.raises(backups.BackupError, match="a changé depuis la sauvegarde"):
        backups.restore(tmp_path / "s", empty_database, tmp_path / "v", [], say=print)
    assert _tables(empty_database) == [] and not (tmp_path / "v").exists()


def test_a_restore_refuses_upload_folders_that_hold_files(
    desks, empty_database, data_dir, tmp_path
):
    folder, uploads = data_dir
    backups.back_up(connection.settings_dict, folder, uploads, tmp_path / "s", say=lambda _: None)
    with pytest.raises(backups.BackupError, match="Dossiers de fichiers non vides"):
        backups.restore(tmp_path / "s", empty_database, folder, uploads, say=print)
    assert _tables(empty_database) == []


def test_a_backup_never_replaces_another(tmp_path):
    (tmp_path / "s").mkdir()
    with pytest.raises(backups.BackupError, match="existe déjà"):
        backups.back_up(connection.settings_dict, tmp_path, [], tmp_path / "s", say=print)


def test_the_commands_back_up_and_refuse_in_french(settings, desks, data_dir, tmp_path):
    folder, uploads = data_dir
    settings.DATA_DIR = folder
    settings.MEDIA_ROOT = uploads[0]
    settings.STORAGES = {
        **settings.STORAGES,
        "eligibility_proofs": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": uploads[1]},
        },
        "community_documents": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    call_command("backup", str(tmp_path / "sauvegardes"))
    [made] = (tmp_path / "sauvegardes").iterdir()
    assert made.name.startswith("maillage-")
    manifest = backups.Manifest.read(made)
    assert manifest.tables["places_space"] >= 1
    with pytest.raises(CommandError, match="La base cible n'est pas vide"):
        call_command("restore", str(made))
    with pytest.raises(CommandError, match="pas de manifest.json lisible"):
        call_command("restore", str(tmp_path))


def test_the_upload_folders_are_the_media_and_the_private_storages():
    """As configured (the tests move the storages to temporary folders)."""
    data = configured.DATA_DIR
    assert backups.uploaded_folders(configured) == [
        data / "media",
        data / "private" / "proofs",
        data / "private" / "documents",
    ]


def test_files_are_restored_on_a_python_without_the_data_filter(
    desks, data_dir, empty_database, tmp_path, monkeypatch
):
    """Debian 12's Python 3.11.2 has no tarfile extraction filter (PEP 706, 3.11.4)."""
    folder, uploads = data_dir
    backups.back_up(connection.settings_dict, folder, uploads, tmp_path / "s", say=lambda _: None)
    monkeypatch.delattr(tarfile, "data_filter")
    elsewhere = tmp_path / "ailleurs"
    backups.restore(tmp_path / "s", empty_database, elsewhere, [], say=lambda _: None)
    assert (elsewhere / "media" / "places" / "photo.jpg").read_bytes() == b"\xff\xd8photo"


@pytest.mark.parametrize("kind", ["lien", "remontée", "absolu"])
def test_an_archive_leading_outside_is_refused_before_writing(
    desks, empty_database, tmp_path, kind
):
    backups.back_up(connection.settings_dict, tmp_path, [], tmp_path / "s", say=lambda _: None)
    archive_path = tmp_path / "s" / backups.MEDIA
    with tarfile.open(archive_path, "w:gz") as archive:
        member = tarfile.TarInfo({"lien": "media/x", "remontée": "../x", "absolu": "/srv/x"}[kind])
        if kind == "lien":
            member.type, member.linkname = tarfile.SYMTYPE, "/etc/passwd"
        archive.addfile(member, io.BytesIO(b""))
    manifest = backups.Manifest.read(tmp_path / "s")
    manifest.files[backups.MEDIA] = backups._sha256(archive_path)
    manifest.write(tmp_path / "s")
    with pytest.raises(backups.BackupError, match="n'est pas un simple fichier ou dossier"):
        backups.restore(tmp_path / "s", empty_database, tmp_path / "v", [], say=print)
    assert _tables(empty_database) == [] and not (tmp_path / "v").exists()


def test_tool_failures_are_reported_in_french(tmp_path):
    unreachable = {"ENGINE": "django.db.backends.postgresql", "NAME": "x", "HOST": "127.0.0.1"}
    with pytest.raises(backups.BackupError, match=r"(?s)Erreur \(OperationalError\).*incomplète"):
        backups.back_up({**unreachable, "PORT": "1"}, tmp_path, [], tmp_path / "s", say=print)
    with pytest.raises(backups.BackupError, match="Base SQLite introuvable"):
        absent = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "absente")}
        backups.back_up(absent, tmp_path, [], tmp_path / "t", say=print)
    with pytest.raises(backups.BackupError, match="introuvable : installez le paquet Debian"):
        backups._run(["pg_dump-absent"], {"PATH": str(tmp_path)})


def test_the_connection_options_reach_the_tools():
    """A search path or TLS settings given in DATABASE_URL's options apply to pg_dump too."""
    database = {
        "NAME": "maillage",
        "OPTIONS": {"options": "-c search_path=maillage", "sslmode": "verify-full", "pool": True},
    }
    environment = backups._postgresql_environment(database)
    assert environment["PGOPTIONS"] == "-c search_path=maillage"
    assert environment["PGSSLMODE"] == "verify-full"
    assert "pool" not in backups._libpq_options(database)
