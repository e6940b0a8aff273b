"""Backups that restore: the database and the media files in one folder, with a manifest.

A backup folder holds:
- `database.dump`, PostgreSQL's custom format made by `pg_dump --format=custom` (restored by
  `pg_restore`; https://www.postgresql.org/docs/current/app-pgdump.html), or
  `database.sqlite3`, a copy made by SQLite's online backup API (https://sqlite.org/backup.html),
  never a file copy of a live database, which may catch a write half done;
- `media.tar.gz`, the uploaded files: MEDIA_ROOT and the private storages (eligibility proofs,
  the community's documents), named relative to MAILLAGE_DATA_DIR;
- `manifest.json`: the database vendor, when (UTC), each table's row count as of the copy, and
  each file's SHA-256.

The row counts are read in the very snapshot the copy is made from (PostgreSQL: an exported
snapshot that pg_dump then uses; SQLite: the copy itself), so a restore can prove that nothing
was lost: `restore` loads into an empty database only, then compares every table's count with
the manifest and raises BackupError on any difference.
"""

import hashlib
import json
import os
import sqlite3
import subprocess  # noqa: S404 (pg_dump and pg_restore, with argument lists)
import tarfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import psycopg
from psycopg import sql

MANIFEST = "manifest.json"
POSTGRES_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA = "media.tar.gz"

Say = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that cannot be made or does not hold; the message is in French."""


@dataclass(frozen=True)
class Manifest:
    """What a backup folder holds: `vendor` ("postgresql" or "sqlite"), `made_at` (UTC),
    `tables` (table name → rows) and `files` (file name → SHA-256 hex digest)."""

    vendor: str
    made_at: datetime
    tables: dict[str, int]
    files: dict[str, str]

    def write(self, folder: Path) -> None:
        """Write it as `folder`/manifest.json (UTF-8 JSON, keys sorted)."""
        data = {
            "vendor": self.vendor,
            "made_at": self.made_at.isoformat(),
            "tables": self.tables,
            "files": self.files,
        }
        (folder / MANIFEST).write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")

    @classmethod
    def read(cls, folder: Path) -> "Manifest":
        """The folder's manifest; BackupError when it is missing or unreadable."""
        try:
            data = json.loads((folder / MANIFEST).read_text())
            return cls(
                vendor=str(data["vendor"]),
                made_at=datetime.fromisoformat(data["made_at"]),
                tables={str(k): int(v) for k, v in data["tables"].items()},
                files={str(k): str(v) for k, v in data["files"].items()},
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise BackupError(f"{folder} : pas de {MANIFEST} lisible ({error}).") from error


def uploaded_folders(settings: Any) -> list[Path]:
    """The folders of uploaded files in Django `settings`: MEDIA_ROOT and each file storage's
    location (all under DATA_DIR)."""
    locations = [
        storage.get("OPTIONS", {}).get("location") for storage in settings.STORAGES.values()
    ]
    return [Path(settings.MEDIA_ROOT), *(Path(place) for place in locations if place)]


def back_up(
    database: Mapping[str, Any],
    data_dir: Path,
    uploads: Iterable[Path],
    folder: Path,
    say: Say = print,
) -> Manifest:
    """Back up `database` (a Django DATABASES entry: ENGINE, NAME, USER, PASSWORD, HOST, PORT)
    and the files under the `uploads` folders (inside `data_dir`) into `folder`, which must not
    exist yet. BackupError when it exists, an upload folder is outside `data_dir` or a tool
    fails."""
    uploads = list(uploads)
    if outside := [str(place) for place in uploads if not place.is_relative_to(data_dir)]:
        raise BackupError(f"Dossiers de fichiers hors de {data_dir} : {', '.join(outside)}")
    if folder.exists():
        raise BackupError(f"{folder} existe déjà : une sauvegarde ne remplace jamais une autre.")
    vendor = _vendor(database)
    folder.mkdir(parents=True)
    with _in_french(f" La sauvegarde {folder} est incomplète : supprimez-la."):
        if vendor == "postgresql":
            say("Base PostgreSQL : pg_dump au format custom…")
            tables = _dump_postgresql(database, folder / POSTGRES_DUMP)
        else:
            say("Base SQLite : copie par l'API de sauvegarde en ligne…")
            tables = _copy_sqlite(Path(database["NAME"]), folder / SQLITE_COPY)
        say(f"{len(tables)} tables, {sum(tables.values())} lignes.")
        say("Fichiers déposés…")
        _archive(data_dir, uploads, folder / MEDIA)
    files = {path.name: _sha256(path) for path in sorted(folder.iterdir())}
    manifest = Manifest(vendor, datetime.now(UTC), tables, files)
    manifest.write(folder)
    say(f"Sauvegarde faite : {folder}")
    return manifest


def restore(
    folder: Path,
    database: Mapping[str, Any],
    data_dir: Path,
    uploads: Iterable[Path],
    say: Say = print,
) -> Manifest:
    """Restore the backup in `folder` into `database` (a Django DATABASES entry of the same
    vendor, with no table yet) and its files into `data_dir`, whose `uploads` folders must be
    empty or absent. Then every table's row count must equal the manifest's. BackupError when
    the folder is incomplete or altered, the vendor differs, the database or an upload folder
    is not empty, a tool fails or a count differs; nothing is written before those checks."""
    manifest = Manifest.read(folder)
    for name, digest in manifest.files.items():
        if not (folder / name).is_file() or _sha256(folder / name) != digest:
            raise BackupError(f"{folder / name} manque ou a changé depuis la sauvegarde.")
    vendor = _vendor(database)
    if vendor != manifest.vendor:
        raise BackupError(
            f"Sauvegarde {manifest.vendor}, base {vendor} : restaurez dans une base du même type."
        )
    with _in_french():
        if existing := _counts(database):
            raise BackupError(
                f"La base cible n'est pas vide ({len(existing)} tables) : "
                "restaurez dans une base neuve."
            )
        uploads = list(uploads)
        if occupied := [str(p) for p in uploads if p.is_dir() and any(p.iterdir())]:
            raise BackupError(f"Dossiers de fichiers non vides : {', '.join(occupied)}.")
        files = _checked_members(folder / MEDIA) if MEDIA in manifest.files else []
    with _in_french(PARTLY_RESTORED):
        if vendor == "postgresql":
            say("pg_restore…")
            _restore_postgresql(folder / POSTGRES_DUMP, database)
        else:
            say("Copie SQLite…")
            _restore_sqlite(folder / SQLITE_COPY, Path(database["NAME"]))
        counts = _counts(database)
        if counts != manifest.tables:
            differing = sorted(set(counts.items()) ^ set(manifest.tables.items()))
            raise BackupError(
                f"Après restauration, des tables diffèrent du manifeste : {differing}."
                + PARTLY_RESTORED
            )
        say(f"{len(counts)} tables, {sum(counts.values())} lignes : conformes au manifeste.")
        if files:
            say("Fichiers déposés…")
            _extract(folder / MEDIA, files, data_dir)
    return manifest


PARTLY_RESTORED = (
    " La base ou les dossiers de fichiers ont pu être en partie restaurés : supprimez la base, "
    "recréez-la vide, videz les dossiers de fichiers, puis recommencez."
)
# What the tools may raise, reported as a BackupError in French.
TOOL_ERRORS = (psycopg.Error, sqlite3.Error, OSError, tarfile.TarError)


@contextmanager
def _in_french(after: str = "") -> Iterator[None]:
    """Turn a tool's error (database, file, archive) into a BackupError naming it, followed
    by `after` (what to do when something was written)."""
    try:
        yield
    except TOOL_ERRORS as error:
        raise BackupError(f"Erreur ({type(error).__name__}) : {error}.{after}") from error


def _checked_members(archive_path: Path) -> list[tarfile.TarInfo]:
    """The archive's members, each a plain file or folder whose relative path stays inside
    the folder it is extracted to; BackupError otherwise. What tarfile's «data» extraction
    filter (PEP 706) refuses, checked here too: Python 3.11 before 3.11.4 (Debian 12's
    3.11.2) has no such filter."""
    with tarfile.open(archive_path) as archive:
        members = archive.getmembers()
    for member in members:
        path = PurePosixPath(member.name)
        if not (member.isfile() or member.isdir()) or path.is_absolute() or ".." in path.parts:
            raise BackupError(
                f"{archive_path.name} : « {member.name} » n'est pas un simple fichier ou "
                "dossier sous le dossier des données ; rien n'a été restauré."
            )
    return members


def _extract(archive_path: Path, members: list[tarfile.TarInfo], data_dir: Path) -> None:
    """Extract the checked `members` into `data_dir`: through the «data» filter where Python
    has it; otherwise with the same effect on such members (no owner taken from the archive,
    no set-id bit nor write access for others)."""
    with tarfile.open(archive_path) as archive:
        if hasattr(tarfile, "data_filter"):
            archive.extractall(data_dir, members=members, filter="data")
            return
        for member in members:
            member.mode &= 0o755
            member.uid, member.gid, member.uname, member.gname = os.getuid(), os.getgid(), "", ""
        archive.extractall(data_dir, members=members)  # noqa: S202 (members checked above)


def _vendor(database: Mapping[str, Any]) -> str:
    engine = str(database["ENGINE"])
    if engine.endswith("postgresql"):
        return "postgresql"
    if engine.endswith("sqlite3"):
        return "sqlite"
    raise BackupError(f"Base {engine} : seules PostgreSQL et SQLite sont sauvegardées.")


# The libpq connection parameters a DATABASES entry's OPTIONS may carry (search path, TLS),
# and the environment variables pg_dump and pg_restore read them from
# (https://www.postgresql.org/docs/current/libpq-envars.html).
LIBPQ_OPTIONS = {
    "options": "PGOPTIONS",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


def _libpq_options(database: Mapping[str, Any]) -> dict[str, str]:
    options = database.get("OPTIONS") or {}
    return {key: str(options[key]) for key in LIBPQ_OPTIONS if options.get(key)}


def _connect_postgresql(database: Mapping[str, Any], **options: Any) -> psycopg.Connection:
    parameters: dict[str, Any] = {
        "dbname": database["NAME"],
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
        "host": database.get("HOST") or None,
        "port": database.get("PORT") or None,
        **_libpq_options(database),
        **options,
    }
    return psycopg.connect(**parameters)


def _postgresql_environment(database: Mapping[str, Any]) -> dict[str, str]:
    """The libpq variables pg_dump and pg_restore read, so that no password is on a command line."""
    settings = {
        "PGDATABASE": database["NAME"],
        "PGUSER": database.get("USER"),
        "PGPASSWORD": database.get("PASSWORD"),
        "PGHOST": database.get("HOST"),
        "PGPORT": database.get("PORT"),
        **{LIBPQ_OPTIONS[key]: value for key, value in _libpq_options(database).items()},
    }
    return {**os.environ, **{k: str(v) for k, v in settings.items() if v}}


def _run(command: list[str], environment: dict[str, str]) -> None:
    try:
        done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError as error:
        raise BackupError(
            f"{command[0]} introuvable : installez le paquet Debian postgresql-client."
        ) from error
    if done.returncode != 0:
        raise BackupError(f"{command[0]} a échoué ({done.returncode}) : {done.stderr.strip()}")


def _dump_postgresql(database: Mapping[str, Any], target: Path) -> dict[str, int]:
    """pg_dump in the snapshot the row counts are read in (pg_export_snapshot)."""
    with _connect_postgresql(database) as reader:
        reader.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with reader.transaction():
            (snapshot,) = reader.execute("SELECT pg_export_snapshot()").fetchone()  # type: ignore[misc]
            tables = _postgresql_counts(reader)
            _run(
                ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
                _postgresql_environment(database),
            )
    return tables


def _restore_postgresql(dump: Path, database: Mapping[str, Any]) -> None:
    _run(
        [
            "pg_restore",
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            f"--dbname={database['NAME']}",
            str(dump),
        ],
        _postgresql_environment(database),
    )


def _postgresql_counts(connection: psycopg.Connection) -> dict[str, int]:
    names = [
        name
        for (name,) in connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        )
    ]
    counts = {}
    for name in names:
        query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(name))
        (counts[name],) = connection.execute(query).fetchone()  # type: ignore[misc]
    return counts


def _sqlite_counts(connection: sqlite3.Connection) -> dict[str, int]:
    names = [
        name
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY 1"
        )
    ]
    # Table names read from the catalogue, quoted as identifiers.
    return {
        name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # noqa: S608
        for name in names
    }


def _copy_sqlite(source: Path, target: Path) -> dict[str, int]:
    if not source.is_file():
        raise BackupError(f"Base SQLite introuvable : {source}.")
    origin = sqlite3.connect(source)
    copy = sqlite3.connect(target)
    try:
        origin.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        return _sqlite_counts(copy)
    finally:
        copy.close()
        origin.close()


def _restore_sqlite(copy: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    origin = sqlite3.connect(copy)
    restored = sqlite3.connect(target)
    try:
        origin.backup(restored)
    finally:
        restored.close()
        origin.close()


def _counts(database: Mapping[str, Any]) -> dict[str, int]:
    """Each table's row count in `database`; none for an SQLite file not made yet."""
    if _vendor(database) == "postgresql":
        with _connect_postgresql(database) as server:
            return _postgresql_counts(server)
    path = Path(database["NAME"])
    if not path.exists():
        return {}
    local = sqlite3.connect(path)
    try:
        return _sqlite_counts(local)
    finally:
        local.close()


def _archive(data_dir: Path, folders: Iterable[Path], target: Path) -> None:
    with tarfile.open(target, "w:gz") as archive:
        for folder in folders:
            if folder.is_dir():
                archive.add(folder, arcname=str(folder.relative_to(data_dir)))


def _sha256(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()
