"""The booking migrations on data written before their rules existed."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from maillage.booking.models import Booking, BookingStatus
from tests.moments import paris

pytestmark = pytest.mark.django_db(transaction=True)

START = paris(2026, 12, 2, 9)


def migrate(target: str):
    """Migrate the booking app to `target`; the historical models there."""
    executor = MigrationExecutor(connection)
    executor.migrate([("booking", target)])
    executor.loader.build_graph()
    return executor.loader.project_state([("booking", target)]).apps


def latest() -> str:
    return MigrationExecutor(connection).loader.graph.leaf_nodes("booking")[0][1]


def restore() -> None:
    """Every app back to its latest migration (going back in booking unapplied the apps
    that depend on it, such as programmes)."""
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def old_row(apps, space, user, **fields):
    return apps.get_model("booking", "Booking").objects.create(
        space_id=space.pk,
        user_id=user.pk,
        start=START,
        end=START + timedelta(hours=1),
        blocked_start=START,
        blocked_end=START + timedelta(hours=1),
        exclusive=False,
        **fields,
    )


def test_deadlines_after_the_start_are_brought_to_it(desks, booker):
    apps = migrate("0005_booking_emails")
    try:
        row = old_row(
            apps, desks, booker, status="pending", pending_until=START + timedelta(days=1)
        )
    finally:
        restore()
    assert Booking.objects.get(pk=row.pk).pending_until == START


def test_a_persons_overlapping_bookings_stop_the_migration_with_their_ids(desks, booker):
    if connection.vendor != "postgresql":
        pytest.skip("The exclusion constraint is PostgreSQL's")
    apps = migrate("0006_pending_until_by_start")
    try:
        first = old_row(apps, desks, booker, status="confirmed")
        second = old_row(apps, desks, booker, status="confirmed")
        with pytest.raises(RuntimeError, match=f"identifiants {first.pk} et {second.pk}"):
            migrate(latest())
        Booking.objects.filter(pk=second.pk).update(status=BookingStatus.CANCELLED)
    finally:
        restore()
    assert [b.pk for b in Booking.objects.holding()] == [first.pk]
