"""Purging the change feeds' tombstones (core.FeedTombstone) once readers have had their time."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from maillage.core.models import FeedTombstone

# RPDE asks for at least 7 days; a reader syncing weekly still sees every deletion.
TOMBSTONE_KEEP = timedelta(days=14)


@task()
def purge_feed_tombstones() -> int:
    """Delete the tombstones older than TOMBSTONE_KEEP; how many."""
    deleted, _ = FeedTombstone.objects.filter(
        deleted_at__lt=timezone.now() - TOMBSTONE_KEEP
    ).delete()
    return deleted
