"""Values for and from hand-written SQL, the same on PostgreSQL and SQLite.

SQLite keeps instants as naive UTC text (Django's convention) and hands them back as naive
datetimes; psycopg takes and gives aware ones. The ORM converts both ways itself; raw statements
go through these.
"""

from datetime import UTC, datetime

from django.db import connection


def instant_param(moment: datetime | None) -> str | datetime | None:
    """An aware datetime as the database stores it."""
    return connection.ops.adapt_datetimefield_value(moment)


def read_instant(value: str | datetime | None) -> datetime | None:
    """An instant read back from a nullable column, aware (UTC) on every database."""
    if value is None:
        return None
    return read_required_instant(value)


def read_required_instant(value: str | datetime) -> datetime:
    """An instant read back from a NOT NULL column, aware (UTC) on every database."""
    if not isinstance(value, datetime):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
