from datetime import timedelta

from django.apps import AppConfig


class OfficesConfig(AppConfig):
    """Offices and long-term offers of places for companies and project holders, their
    requests to one or several places, and the Département's view of that demand."""

    name = "maillage.offices"
    verbose_name = "Bureaux et offres longue durée"

    def ready(self) -> None:
        # Imported here, not on top: this module is read before any model is loaded.
        from maillage.core import retention, schedule  # noqa: PLC0415
        from maillage.offices import emails, tasks  # noqa: PLC0415
        from maillage.offices.models import OfficeOfferLog  # noqa: PLC0415

        emails.register_renderers()
        # Unconfirmed requests deleted, old ones' personal data erased: daily at 03:10 UTC.
        schedule.every(
            timedelta(days=1), tasks.purge_requests, offset=timedelta(hours=3, minutes=10)
        )

        # Who did what: deleted after MAILLAGE_ACTION_LOG_RETENTION_DAYS.
        retention.register(retention.ACTION_LOGS, OfficeOfferLog, "at")
