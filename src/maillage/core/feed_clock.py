"""The change feeds' clock: the `modified` number of RPDE feed items, kept by the database.

A feed item's row has a `feed_modified` column that triggers set on every insert and update;
a deleted row leaves a tombstone (core.FeedTombstone) stamped the same way. No write path can
forget it: an ORM save, an `update()` or raw SQL all pass through the triggers.

The number must let a reader never skip an item, even when a transaction that started earlier
commits after the reader passed its number (the classic failure of feeds ordered by a write
timestamp; see the RPDE specification, «Modified Timestamp and ID» ordering, and SQL Server's
MIN_ACTIVE_ROWVERSION for the same remedy):

- PostgreSQL: the number is the writing transaction's id (`txid_current()`). A reader returns
  only numbers below the oldest transaction still running when its statement's snapshot was
  taken (the least id its snapshot lists as in progress, or the snapshot's xmax when none):
  every transaction that may still commit has an id at least that, and every later one a
  greater id, so nothing can appear behind a reader. Transaction ids are shared by the whole
  cluster: those of sessions seen working in another database are left out (they cannot
  write this one's tables), so that a long transaction elsewhere does not hold feeds back;
  one running here does, until it ends. Feeds are read from the primary (a standby's
  snapshot lists running transactions elsewhere). Transaction ids belong to the cluster: a
  restore into another cluster starts them lower, and `maillage rebase_feeds` then raises an
  offset (core_feed_clock.number) added to them, so that numbers keep growing.
- SQLite: a counter (core_feed_clock), incremented for each stamped row. SQLite has one writer
  at a time from a transaction's first write to its commit (the project's transactions are
  IMMEDIATE), so numbers follow commit order and need no horizon.

The triggers are made by the migrations (core's 0002_feed_clock states how, each app's
migration its own tables); this module holds what readers need: the horizon.
"""

from django.db import connection, transaction

TOMBSTONE_TABLE = "core_feedtombstone"

# The reader's horizon: numbers below it are committed or rolled back, never in flight. An id
# of the snapshot is left out only when a session of another database is seen holding it
# (backend_xid has no epoch: compared modulo 2**32; %% as the driver reads it); unseen, it is
# kept: the safe side.
HORIZON_SQL = {
    "postgresql": """(COALESCE(
        (SELECT min(x::text::bigint) FROM pg_snapshot_xip(pg_current_snapshot()) AS x
         WHERE x::text::bigint %% 4294967296 NOT IN (
             SELECT backend_xid::text::bigint FROM pg_stat_activity
             WHERE backend_xid IS NOT NULL AND datname IS DISTINCT FROM current_database())),
        pg_snapshot_xmax(pg_current_snapshot())::text::bigint)
        + (SELECT number FROM core_feed_clock WHERE id = 1))""",
}


def rebase() -> tuple[int, int]:
    """After a restore into another PostgreSQL cluster: raise the clock's offset so that the
    next number is above every number stored (feed tables: the columns named feed_modified,
    and the tombstones); (highest number stored, offset now). Never lowers the offset. On
    SQLite the counter is in the database: nothing to do, (0, 0)."""
    if connection.vendor != "postgresql":
        return 0, 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT number FROM core_feed_clock WHERE id = 1 FOR UPDATE")
        (offset,) = cursor.fetchone()
        cursor.execute(
            "SELECT table_name FROM information_schema.columns "
            "WHERE column_name = 'feed_modified' AND table_schema = current_schema()"
        )
        # Table names read from the catalogue, quoted as identifiers.
        maxima = [
            f"SELECT max(feed_modified) FROM {connection.ops.quote_name(table)}"  # noqa: S608
            for (table,) in cursor.fetchall()
        ]
        maxima.append(f"SELECT max(modified) FROM {TOMBSTONE_TABLE}")  # noqa: S608
        union = " UNION ALL ".join(maxima)
        cursor.execute(f"SELECT COALESCE(max(m), 0) FROM ({union}) AS t(m)")  # noqa: S608
        (highest,) = cursor.fetchone()
        cursor.execute("SELECT txid_current()")
        (now,) = cursor.fetchone()
        offset = max(offset, highest + 1 - now)
        cursor.execute("UPDATE core_feed_clock SET number = %s WHERE id = 1", [offset])
    return highest, offset
