"""The change feeds (RPDE, as OpenActive publishes them): which items changed after a point,
in (modified, id) order, never skipping one.

Each feed's table has a `feed_modified` number kept by the database (core.feed_clock): a
reader's page holds only numbers below the horizon of transactions still running, so an item
committed late by a transaction that started early still comes after every item a reader has
passed. Deleted items are read from their tombstones (core.FeedTombstone); an item out of the
département (a place moved away, say) reads as deleted too.

Source: Realtime Paged Data Exchange 1.0 (OpenActive), «Modified Timestamp and ID» ordering:
`(modified = afterTimestamp AND id > afterId) OR modified > afterTimestamp`.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from maillage.core.feed_clock import HORIZON_SQL, TOMBSTONE_TABLE
from maillage.events.models import EventStatus
from maillage.places.models import PlaceStatus

MAX_MODIFIED = 2**63 - 1


@dataclass(frozen=True)
class Feed:
    """A change feed: its table, the RPDE `kind` of its items, and the condition (on the
    table's row `t`, a %s standing for the département's code) its published items meet."""

    name: str
    table: str
    kind: str
    published: str


_IN_DEPARTEMENT = (
    "SELECT 1 FROM places_place p JOIN territory_commune c ON c.id = p.commune_id "
    "WHERE p.id = {place} AND c.departement_id = %s{also}"
)
_TAKES_THE_PUBLIC = f" AND p.status <> '{PlaceStatus.CLOSED}'"
FEEDS = {
    feed.name: feed
    for feed in (
        Feed(
            "places",
            "places_place",
            "Place",
            f"EXISTS ({_IN_DEPARTEMENT.format(place='t.id', also='')})",
        ),
        Feed(
            "spaces",
            "places_space",
            "FacilityUse",
            f"EXISTS ({_IN_DEPARTEMENT.format(place='t.place_id', also='')})",
        ),
        Feed(
            "slots",
            "booking_feedslot",
            "FacilityUse/Slot",
            f"EXISTS (SELECT 1 FROM places_space s WHERE s.id = t.space_id AND EXISTS "  # noqa: S608
            f"({_IN_DEPARTEMENT.format(place='s.place_id', also='')}))",
        ),
        # The agenda's: published or cancelled, at a place taking the public (not closed).
        Feed(
            "events",
            "events_event",
            "Event",
            f"t.status IN ('{EventStatus.PUBLISHED}', '{EventStatus.CANCELLED}') AND EXISTS "
            f"({_IN_DEPARTEMENT.format(place='t.place_id', also=_TAKES_THE_PUBLIC)})",
        ),
    )
}


@dataclass(frozen=True, order=True)
class Position:
    """A point in a feed: RPDE's afterTimestamp (the feed's modified number) and afterId."""

    modified: int
    id: int


START = Position(0, 0)


@dataclass(frozen=True)
class Change:
    """An item of `feed` as of `modified`: changed, or deleted (or no longer published)."""

    feed: str
    id: int
    modified: int
    deleted: bool

    @property
    def position(self) -> Position:
        return Position(self.modified, self.id)


def _after(modified: str, key: str) -> str:
    # RPDE's condition as a row comparison: the (modified, id) index then bounds the scan
    # on both columns, however many items share one modified number.
    return f"({modified}, {key}) > (%s, %s)"


def changes_after(feed: str, after: Position | None, limit: int) -> list[Change]:
    """The next `limit` changes of `feed` (a FEEDS name) after `after` (None: from the
    start), by (modified, id): only changes committed below the horizon (core.feed_clock),
    so that a later call never finds one before its `after`. Raises KeyError for an unknown
    feed, ValueError for a limit below 1."""
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    spec = FEEDS[feed]
    point = after or START
    horizon = HORIZON_SQL.get(connection.vendor)
    below = f" AND t.feed_modified < {horizon}" if horizon else ""
    below_tombstone = f" AND modified < {horizon}" if horizon else ""
    bounds = [point.modified, point.id]
    statement = f"""
SELECT * FROM (
    SELECT t.id, t.feed_modified AS modified, CASE WHEN {spec.published} THEN 0 ELSE 1 END
    FROM {spec.table} t
    WHERE {_after("t.feed_modified", "t.id")}{below}
    ORDER BY t.feed_modified, t.id LIMIT %s
) live
UNION ALL
SELECT * FROM (
    SELECT item_id, modified, 1 FROM {TOMBSTONE_TABLE}
    WHERE feed = %s AND {_after("modified", "item_id")}{below_tombstone}
    ORDER BY modified, item_id LIMIT %s
) gone
ORDER BY 2, 1 LIMIT %s
"""  # noqa: S608 — table names and conditions are constants of this module
    params: list[str | int] = [
        settings.MAILLAGE_DEPARTEMENT,
        *bounds,
        limit,
        feed,
        *bounds,
        limit,
        limit,
    ]
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    return [
        Change(feed, int(item_id), int(modified), bool(deleted))
        for item_id, modified, deleted in rows
    ]
