"""No two holding bookings of an exclusive space overlap: an exclusion constraint on PostgreSQL.

On SQLite write transactions are serialised (BEGIN IMMEDIATE) and the booking service checks
under that lock; PostgreSQL enforces it in the database whatever the writer.
"""

from django.db import migrations

HOLDING = "('pending', 'confirmed', 'checked_in', 'no_show')"

CREATE = f"""
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE booking_booking ADD CONSTRAINT booking_no_overlap_exclusive
    EXCLUDE USING gist (
        space_id WITH =,
        tstzrange(blocked_start, blocked_end, '[)') WITH &&
    ) WHERE (exclusive AND status IN {HOLDING});
"""
DROP = "ALTER TABLE booking_booking DROP CONSTRAINT IF EXISTS booking_no_overlap_exclusive;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("booking", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
