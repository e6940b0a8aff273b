"""The places' data version: a number that grows with every committed write to the places,
their spaces, hours and closures, or the communes, kept by database triggers (migration 0013),
so that a process may keep what it read of them until the number changes (booking.searchable).
"""

from django.db import connection

_VERSION_SQL = {
    "postgresql": "SELECT count(*) FROM places_data_change",
    "sqlite": "SELECT number FROM places_data_version WHERE id = 1",
}


def places_data_version() -> int | None:
    """The places' committed data version, or None when what is read of them must not be
    kept: inside a transaction (it may have written them itself, then roll back), or on a
    database without the triggers.

    Equal versions mean the same committed data: the number only grows, by one at least
    for each transaction (PostgreSQL) or row (SQLite) written.
    """
    statement = _VERSION_SQL.get(connection.vendor)
    if statement is None or connection.in_atomic_block:
        return None
    with connection.cursor() as cursor:
        cursor.execute(statement)
        row = cursor.fetchone()
    return None if row is None else int(row[0])
