from datetime import timedelta

from django.apps import AppConfig


class EligibilityConfig(AppConfig):
    name = "maillage.eligibility"
    verbose_name = "Éligibilité"

    def ready(self) -> None:
        # Imported here, not on top: this module is read before any model is loaded.
        from maillage.core import outbox, schedule  # noqa: PLC0415 - see above
        from maillage.eligibility import notices, tasks  # noqa: PLC0415

        outbox.register(notices.EXPIRY_TOPIC, notices.expiry_message)
        # Told a month ahead, each status once: daily at 07:00 UTC (08:00 or 09:00 in Paris).
        schedule.every(timedelta(days=1), tasks.send_expiry_notices, offset=timedelta(hours=7))
        # Statuses ended longer than MAILLAGE_STATUS_RETENTION_DAYS ago: daily at 02:30 UTC.
        schedule.every(
            timedelta(days=1), tasks.purge_expired_statuses, offset=timedelta(hours=2, minutes=30)
        )
