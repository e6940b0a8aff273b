from datetime import timedelta

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "maillage.core"
    verbose_name = "Socle"

    def ready(self) -> None:
        from maillage.core import feed_tombstones, lookups, outbox, schedule  # noqa: PLC0415

        lookups.register()

        # Retries (back-off) and anything whose enqueueing was lost after its commit.
        schedule.every(timedelta(minutes=1), outbox.deliver_emails)
        # Feed readers have TOMBSTONE_KEEP to see a deletion; then the tombstone goes.
        schedule.every(
            timedelta(days=1), feed_tombstones.purge_feed_tombstones, offset=timedelta(hours=2)
        )
