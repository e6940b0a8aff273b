"""The change feeds' tombstones (core.feed_tombstones): a deleted item stays in its feed at
least the 7 days RPDE asks, then the daily purge removes it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from maillage.core.feed_tombstones import TOMBSTONE_KEEP, purge_feed_tombstones
from maillage.core.models import FeedTombstone

pytestmark = pytest.mark.django_db


def test_a_tombstone_is_kept_at_least_seven_days_then_purged():
    assert timedelta(days=7) <= TOMBSTONE_KEEP
    now = timezone.now()
    FeedTombstone.objects.all().delete()
    ages = {
        1: timedelta(days=7, hours=23),  # a weekly reader, a little late, still sees it
        2: TOMBSTONE_KEEP - timedelta(minutes=1),
        3: TOMBSTONE_KEEP + timedelta(minutes=1),
        4: timedelta(days=400),
    }
    for item_id, age in ages.items():
        FeedTombstone.objects.create(
            feed="places", item_id=item_id, modified=item_id, deleted_at=now - age
        )
    assert purge_feed_tombstones.call() == 2
    assert set(FeedTombstone.objects.values_list("item_id", flat=True)) == {1, 2}
    assert purge_feed_tombstones.call() == 0
