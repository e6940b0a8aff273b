from datetime import timedelta

from django.apps import AppConfig


class CommunityConfig(AppConfig):
    """The community of managers and project holders: the Département's referent, the
    directory, announcements, shared documents and funding opportunities."""

    name = "maillage.community"
    verbose_name = "Communauté des tiers-lieux"

    def ready(self) -> None:
        # Imported here, not on top: this module is read before any model is loaded.
        from maillage.community import emails, tasks  # noqa: PLC0415
        from maillage.community.models import CommunityLog  # noqa: PLC0415
        from maillage.core import retention, schedule  # noqa: PLC0415

        emails.register_renderers()
        # Reminders of funding deadlines, daily at 6:00 UTC (7:00 or 8:00 in Paris).
        schedule.every(timedelta(days=1), tasks.send_funding_reminders, offset=timedelta(hours=6))
        # Who did what: deleted after MAILLAGE_ACTION_LOG_RETENTION_DAYS.
        retention.register(retention.ACTION_LOGS, CommunityLog, "at")
