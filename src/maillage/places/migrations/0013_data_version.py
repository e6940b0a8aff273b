"""The places' data version, kept by the database itself (places.data_version reads it).

Every write to the tables the free-space search keeps in memory (places, their spaces, hours
and closures, the communes) changes it, through triggers: no write path can forget it.

- PostgreSQL: each transaction that writes one of these tables adds one row (its transaction
  id) to places_data_change; the version is the number of committed rows. Inserting a
  row of one's own never waits for another transaction, unlike updating a shared counter, which
  would hold a lock until commit and could deadlock two editors.
- SQLite: a counter in places_data_version, incremented per row written (SQLite has one
  writer at a time: no lock to fear).
"""

from django.db import migrations

TABLES = (
    "places_place",
    "places_space",
    "places_openinghours",
    "places_closure",
    "territory_commune",
)

POSTGRESQL = [
    "CREATE TABLE places_data_change (txid bigint PRIMARY KEY)",
    """
    CREATE FUNCTION places_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO places_data_change (txid) VALUES (txid_current())
        ON CONFLICT (txid) DO NOTHING;
        RETURN NULL;
    END
    $$
    """,
    *(
        f"CREATE TRIGGER {table}_places_data_changed "
        f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION places_data_changed()"
        for table in TABLES
    ),
]
POSTGRESQL_DROP = [
    *(f"DROP TRIGGER IF EXISTS {table}_places_data_changed ON {table}" for table in TABLES),
    "DROP FUNCTION IF EXISTS places_data_changed()",
    "DROP TABLE IF EXISTS places_data_change",
]

SQLITE = [
    "CREATE TABLE places_data_version "
    "(id integer PRIMARY KEY CHECK (id = 1), number integer NOT NULL)",
    "INSERT INTO places_data_version (id, number) VALUES (1, 0)",
    *(
        f"CREATE TRIGGER {table}_places_data_{event.lower()} AFTER {event} ON {table} "
        "BEGIN UPDATE places_data_version SET number = number + 1 WHERE id = 1; END"
        for table in TABLES
        for event in ("INSERT", "UPDATE", "DELETE")
    ),
]
SQLITE_DROP = [
    *(
        f"DROP TRIGGER IF EXISTS {table}_places_data_{event.lower()}"
        for table in TABLES
        for event in ("INSERT", "UPDATE", "DELETE")
    ),
    "DROP TABLE IF EXISTS places_data_version",
]

CREATE = {"postgresql": POSTGRESQL, "sqlite": SQLITE}
DROP = {"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP}


def create(apps, schema_editor):
    for statement in CREATE.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    for statement in DROP.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("places", "0012_places_access_payment_midnight"),
        ("territory", "0003_field_rules_names_one_line_numbers_bounded"),
    ]

    operations = [migrations.RunPython(create, drop)]
