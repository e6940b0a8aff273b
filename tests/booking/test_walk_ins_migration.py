"""The walk-ins migration upgrades a database that already holds programmes' triggers on the
bookings (as a running platform's does): SQLite remakes the bookings' table around them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)


def triggers_reading_bookings() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor != "sqlite":
            return set()
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' "
            "AND tbl_name <> 'booking_booking' AND sql LIKE '%booking_booking%'"
        )
        return {name for (name,) in cursor.fetchall()}


def test_the_walk_ins_migration_runs_under_programmes_triggers():
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    before = triggers_reading_bookings()
    try:
        # Back before walk-ins only: programmes' triggers stay in place.
        executor.migrate([("booking", "0017_blocks_space_block")])
        executor.loader.build_graph()
        executor.migrate([("booking", "0018_walk_ins")])
        assert triggers_reading_bookings() == before
    finally:
        executor.loader.build_graph()
        executor.migrate(leaves)
    if connection.vendor == "sqlite":
        assert "programmes_bookingshare_within_price_insert" in before
