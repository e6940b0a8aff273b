"""The programmes migrations on data written before them: counted days moved onto their
day counters, held by the shares not given back, and late rules frozen on the shares."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from maillage.programmes import ledger
from maillage.programmes.models import BookingShare, CountedDay, ShareDay
from tests.moments import paris

pytestmark = pytest.mark.django_db(transaction=True)

START = paris(2026, 12, 2, 9)


def migrate(target: str):
    executor = MigrationExecutor(connection)
    executor.migrate([("programmes", target)])
    executor.loader.build_graph()
    return executor.loader.project_state([("programmes", target)]).apps


def restore() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_counted_days_move_onto_their_counters_held_by_the_shares(desks, booker):
    apps = migrate("0003_membership_email_lower_case")
    try:
        employer = apps.get_model("programmes", "Employer").objects.create(name="Département")
        made = apps.get_model("programmes", "Programme").objects.create(
            name="Télétravail",
            public_label="Télétravail",
            funder="Département",
            kind="quota",
            employer=employer,
            quota_days=2,
            quota_period="week",
            late_rule="given_back",
            valid_from=date(2026, 1, 1),
            valid_until=date(2027, 12, 31),
        )
        booking_model = apps.get_model("booking", "Booking")
        shares = []
        for hours in (0, 4):
            start = START + timedelta(hours=hours)
            made_booking = booking_model.objects.create(
                space_id=desks.pk,
                user_id=booker.pk,
                start=start,
                end=start + timedelta(hours=2),
                blocked_start=start,
                blocked_end=start + timedelta(hours=2),
                exclusive=False,
                status="confirmed",
                price_cents=800,
                person_price_cents=0,
            )
            shares.append(
                apps.get_model("programmes", "BookingShare").objects.create(
                    booking_id=made_booking.pk,
                    programme=made,
                    public_label="Télétravail",
                    cents=800,
                    rule="quota:2/week",
                    version=1,
                    user_id=booker.pk,
                )
            )
        counter = apps.get_model("programmes", "CapCounter").objects.create(
            programme=made,
            user_id=booker.pk,
            kind="quota_days",
            period_start=date(2026, 11, 30),
            limit=2,
            used=1,
        )
        apps.get_model("programmes", "CountedDay").objects.create(
            programme=made, user_id=booker.pk, day=date(2026, 12, 2), bookings=2
        )
    finally:
        restore()
    counted = CountedDay.objects.get()
    assert (counted.counter_id, counted.bookings) == (counter.pk, 2)
    assert sorted(ShareDay.objects.values_list("share_id", flat=True)) == [s.pk for s in shares]
    assert set(BookingShare.objects.values_list("late_rule", flat=True)) == {"given_back"}
    assert [d for d in ledger.differences() if "day" in d.what] == []
