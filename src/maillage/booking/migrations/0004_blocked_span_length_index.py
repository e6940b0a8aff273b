"""Indexes for the booking read and write paths, written per database (the autodetector does
not track them, like 0002's constraint).

- The length of each booking's blocked span, so that its maximum is one probe: the read path
  (queries.longest_blocked_span) bounds "bookings meeting a window" below with it, turning an
  open-ended scan of the blocked_start index into a short range.
- A space's pending bookings (partial): each booking expires the space's stale pending ones,
  which otherwise scans all of the space's bookings.
"""

from django.db import migrations

CREATE = {
    "postgresql": (
        "CREATE INDEX IF NOT EXISTS booking_blocked_span_length_idx "
        "ON booking_booking ((blocked_end - blocked_start));"
    ),
    "sqlite": (
        "CREATE INDEX IF NOT EXISTS booking_blocked_span_length_idx "
        "ON booking_booking ((julianday(blocked_end) - julianday(blocked_start)));"
    ),
}
PENDING = (
    "CREATE INDEX IF NOT EXISTS booking_pending_by_space_idx "
    "ON booking_booking (space_id, pending_until) WHERE status = 'pending';"
)
DROP = (
    "DROP INDEX IF EXISTS booking_blocked_span_length_idx;",
    "DROP INDEX IF EXISTS booking_pending_by_space_idx;",
)


def create(apps, schema_editor):
    sql = CREATE.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)
        schema_editor.execute(PENDING)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor in CREATE:
        for sql in DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("booking", "0003_calendar_feed")]

    operations = [migrations.RunPython(create, drop)]
