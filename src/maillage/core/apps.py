from datetime import timedelta

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "maillage.core"
    verbose_name = "Socle"

    def ready(self) -> None:
        from maillage.core import lookups, outbox, schedule  # noqa: PLC0415 — models loaded

        lookups.register()

        # Retries (back-off) and anything whose enqueueing was lost after its commit.
        schedule.every(timedelta(minutes=1), outbox.deliver_emails)
