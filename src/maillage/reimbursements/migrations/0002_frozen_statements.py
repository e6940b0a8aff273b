"""What a CHECK constraint cannot say about issued statements, as triggers on PostgreSQL and
SQLite, whatever writes the rows (the ORM, raw SQL, the admin, a shell):

- an issued month, statement or line, a line's dispute and a statement's payment are
  frozen: any UPDATE or DELETE is refused (row
  triggers: PostgreSQL's TRUNCATE, what Django's test flush uses there, is a table owner's
  operation they do not see);
- a statement's number is the next of its series (a place's, or an employer's, statements of
  a year: the greatest number so far plus one), so that numbers have no gap;
- a line's position is within the line count its statement declared when it was issued (with
  positions unique per statement: no line can be added to an issued statement)."""

from django.db import migrations

FROZEN = "reimbursements: issued statements are frozen: their rows are never updated nor deleted"
NOT_NEXT = "reimbursements: a statement number must be the next of its series (no gap)"
BEYOND = "reimbursements: a line beyond the line count of its statement"
# Parents first (tests empty them children first).
TABLES = (
    "reimbursements_statementmonth",
    "reimbursements_reimbursementstatement",
    "reimbursements_statementline",
    "reimbursements_dispute",
    "reimbursements_statementpayment",
)
# The next number of the new row's series, on both databases (`same`: their null-safe
# equality).
NEXT_NUMBER = (
    "(SELECT COALESCE(MAX(s.number), 0) + 1 FROM reimbursements_reimbursementstatement s "
    "WHERE s.payer = NEW.payer AND s.year = NEW.year "
    "AND s.place_id {same} NEW.place_id AND s.employer_id {same} NEW.employer_id)"
)
LINE_COUNT = (
    "(SELECT s.line_count FROM reimbursements_reimbursementstatement s "
    "WHERE s.id = NEW.statement_id)"
)

CREATE = {
    "postgresql": [
        f"""
        CREATE OR REPLACE FUNCTION reimbursements_frozen() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '{FROZEN}' USING ERRCODE = 'restrict_violation';
        END;
        $$;
        """,
        *(
            f"""
            CREATE TRIGGER {table}_frozen BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION reimbursements_frozen();
            """
            for table in TABLES
        ),
        f"""
        CREATE OR REPLACE FUNCTION reimbursements_statement_numbered() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.number <> {NEXT_NUMBER.format(same="IS NOT DISTINCT FROM")} THEN
                RAISE EXCEPTION '{NOT_NEXT}' USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END;
        $$;
        """,
        """
        CREATE TRIGGER reimbursements_statement_numbered
        BEFORE INSERT ON reimbursements_reimbursementstatement
        FOR EACH ROW EXECUTE FUNCTION reimbursements_statement_numbered();
        """,
        f"""
        CREATE OR REPLACE FUNCTION reimbursements_line_within_count() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.position > {LINE_COUNT} THEN
                RAISE EXCEPTION '{BEYOND}' USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END;
        $$;
        """,
        """
        CREATE TRIGGER reimbursements_line_within_count
        BEFORE INSERT ON reimbursements_statementline
        FOR EACH ROW EXECUTE FUNCTION reimbursements_line_within_count();
        """,
    ],
    "sqlite": [
        *(
            f"""
            CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table}
            BEGIN SELECT RAISE(ABORT, '{FROZEN}'); END;
            """
            for table in TABLES
            for event in ("UPDATE", "DELETE")
        ),
        f"""
        CREATE TRIGGER reimbursements_statement_numbered
        BEFORE INSERT ON reimbursements_reimbursementstatement
        WHEN NEW.number <> {NEXT_NUMBER.format(same="IS")}
        BEGIN SELECT RAISE(ABORT, '{NOT_NEXT}'); END;
        """,
        f"""
        CREATE TRIGGER reimbursements_line_within_count
        BEFORE INSERT ON reimbursements_statementline
        WHEN NEW.position > {LINE_COUNT}
        BEGIN SELECT RAISE(ABORT, '{BEYOND}'); END;
        """,
    ],
}
DROP = {
    "postgresql": [
        *(f"DROP TRIGGER IF EXISTS {table}_frozen ON {table};" for table in TABLES),
        "DROP FUNCTION IF EXISTS reimbursements_frozen();",
        "DROP TRIGGER IF EXISTS reimbursements_statement_numbered "
        "ON reimbursements_reimbursementstatement;",
        "DROP FUNCTION IF EXISTS reimbursements_statement_numbered();",
        "DROP TRIGGER IF EXISTS reimbursements_line_within_count ON reimbursements_statementline;",
        "DROP FUNCTION IF EXISTS reimbursements_line_within_count();",
    ],
    "sqlite": [
        *(
            f"DROP TRIGGER IF EXISTS {table}_no_{event.lower()};"
            for table in TABLES
            for event in ("UPDATE", "DELETE")
        ),
        "DROP TRIGGER IF EXISTS reimbursements_statement_numbered;",
        "DROP TRIGGER IF EXISTS reimbursements_line_within_count;",
    ],
}
# The frozen tables' UPDATE and DELETE triggers on SQLite, per table: tests lift them to empty
# the tables after a transactional test.
SQLITE_FROZEN = {
    table: (
        [f"DROP TRIGGER IF EXISTS {table}_no_{event.lower()};" for event in ("UPDATE", "DELETE")],
        [
            f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{FROZEN}'); END;"
            for event in ("UPDATE", "DELETE")
        ],
    )
    for table in TABLES
}


def create_triggers(apps, schema_editor):
    for sql in CREATE.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def drop_triggers(apps, schema_editor):
    for sql in DROP.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("reimbursements", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
    ]
