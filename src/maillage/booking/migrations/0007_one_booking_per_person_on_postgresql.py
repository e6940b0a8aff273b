"""No person holds two bookings of the same space that overlap (more seats are asked in one
booking): an exclusion constraint on PostgreSQL, like migration 0002's for rooms.

On SQLite write transactions are serialised (BEGIN IMMEDIATE) and the booking service checks
under that lock; PostgreSQL enforces it in the database whatever the writer.
"""

from django.db import migrations

HOLDING = "('pending', 'confirmed', 'checked_in', 'no_show')"

OVERLAPS = f"""
SELECT a.id, b.id FROM booking_booking a JOIN booking_booking b
  ON a.space_id = b.space_id AND a.user_id = b.user_id AND a.id < b.id
 AND a.start < b."end" AND b.start < a."end"
WHERE a.status IN {HOLDING} AND b.status IN {HOLDING}
ORDER BY a.id, b.id
"""  # noqa: S608 — constants only
CREATE = f"""
ALTER TABLE booking_booking ADD CONSTRAINT booking_one_per_person_and_span
    EXCLUDE USING gist (
        space_id WITH =,
        user_id WITH =,
        tstzrange(start, "end", '[)') WITH &&
    ) WHERE (status IN {HOLDING});
"""
DROP = "ALTER TABLE booking_booking DROP CONSTRAINT IF EXISTS booking_one_per_person_and_span;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(OVERLAPS)
        pairs = cursor.fetchall()
    if pairs:
        listed = ", ".join(f"{a} et {b}" for a, b in pairs[:20])
        raise RuntimeError(
            f"{len(pairs)} paires de réservations d'une même personne se chevauchent sur un "
            f"même espace (identifiants {listed}) : annulez l'une de chaque paire, puis "
            "relancez la migration."
        )
    schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("booking", "0006_pending_until_by_start")]

    operations = [migrations.RunPython(create, drop)]
