"""What a CHECK constraint cannot say, as triggers on PostgreSQL and SQLite, whatever writes
the rows (the ORM, raw SQL, the admin, a shell):

- the ledger (programmes_ledgerentry) is append-only: any UPDATE or DELETE of a row is refused
  (row triggers: PostgreSQL's TRUNCATE, what Django's test flush uses there, is a table
  owner's operation they do not see);
- the shares programmes pay of a booking never add up to more than its price less what the
  person pays (a sum over rows)."""

from django.db import migrations

APPEND_ONLY = "programmes_ledgerentry is append-only: its rows are never updated nor deleted"
OVER_PRICE = "programmes_bookingshare: the shares would exceed the booking price less the person price"

# The other shares of the booking, the price left to programmes, on both databases.
SHARES_ELSEWHERE = (
    "(SELECT COALESCE(SUM(s.cents), 0) FROM programmes_bookingshare s "
    "WHERE s.booking_id = NEW.booking_id AND s.id {distinct} NEW.id)"
)
LEFT_TO_PROGRAMMES = (
    "(SELECT b.price_cents - b.person_price_cents FROM booking_booking b "
    "WHERE b.id = NEW.booking_id)"
)

CREATE = {
    "postgresql": [
        f"""
        CREATE OR REPLACE FUNCTION programmes_ledgerentry_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '{APPEND_ONLY}' USING ERRCODE = 'restrict_violation';
        END;
        $$;
        """,
        """
        CREATE TRIGGER programmes_ledgerentry_append_only
        BEFORE UPDATE OR DELETE ON programmes_ledgerentry
        FOR EACH ROW EXECUTE FUNCTION programmes_ledgerentry_append_only();
        """,
        f"""
        CREATE OR REPLACE FUNCTION programmes_bookingshare_within_price() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF {SHARES_ELSEWHERE.format(distinct="IS DISTINCT FROM")} + NEW.cents
               > {LEFT_TO_PROGRAMMES} THEN
                RAISE EXCEPTION '{OVER_PRICE}' USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END;
        $$;
        """,
        """
        CREATE TRIGGER programmes_bookingshare_within_price
        BEFORE INSERT OR UPDATE ON programmes_bookingshare
        FOR EACH ROW EXECUTE FUNCTION programmes_bookingshare_within_price();
        """,
    ],
    "sqlite": [
        f"""
        CREATE TRIGGER programmes_ledgerentry_no_update BEFORE UPDATE ON programmes_ledgerentry
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END;
        """,
        f"""
        CREATE TRIGGER programmes_ledgerentry_no_delete BEFORE DELETE ON programmes_ledgerentry
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END;
        """,
        *(
            f"""
            CREATE TRIGGER programmes_bookingshare_within_price_{event.lower()}
            BEFORE {event} ON programmes_bookingshare
            WHEN {SHARES_ELSEWHERE.format(distinct="IS NOT")} + NEW.cents > {LEFT_TO_PROGRAMMES}
            BEGIN SELECT RAISE(ABORT, '{OVER_PRICE}'); END;
            """
            for event in ("INSERT", "UPDATE")
        ),
    ],
}
DROP = {
    "postgresql": [
        "DROP TRIGGER IF EXISTS programmes_ledgerentry_append_only ON programmes_ledgerentry;",
        "DROP FUNCTION IF EXISTS programmes_ledgerentry_append_only();",
        "DROP TRIGGER IF EXISTS programmes_bookingshare_within_price ON programmes_bookingshare;",
        "DROP FUNCTION IF EXISTS programmes_bookingshare_within_price();",
    ],
    "sqlite": [
        "DROP TRIGGER IF EXISTS programmes_ledgerentry_no_update;",
        "DROP TRIGGER IF EXISTS programmes_ledgerentry_no_delete;",
        "DROP TRIGGER IF EXISTS programmes_bookingshare_within_price_insert;",
        "DROP TRIGGER IF EXISTS programmes_bookingshare_within_price_update;",
    ],
}
# The ledger's triggers alone: tests lift them to empty the table after a transactional test.
LEDGER_SQLITE_CREATE = CREATE["sqlite"][:2]
LEDGER_SQLITE_DROP = DROP["sqlite"][:2]


def create_triggers(apps, schema_editor):
    for sql in CREATE.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def drop_triggers(apps, schema_editor):
    for sql in DROP.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
    ]
