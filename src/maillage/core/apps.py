from datetime import timedelta

from django.apps import AppConfig
from django.db.models import Q


class CoreConfig(AppConfig):
    name = "maillage.core"
    verbose_name = "Socle"

    def ready(self) -> None:
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog  # noqa: PLC0415
        from django_tasks.base import TaskResultStatus  # noqa: PLC0415
        from django_tasks_db.models import DBTaskResult  # noqa: PLC0415

        from maillage.core import (  # noqa: PLC0415
            feed_tombstones,
            lookups,
            outbox,
            retention,
            schedule,
        )
        from maillage.core.models import OutboundEmail  # noqa: PLC0415

        lookups.register()

        # Retries (back-off) and anything whose enqueueing was lost after its commit.
        schedule.every(timedelta(minutes=1), outbox.deliver_emails)
        # Feed readers have TOMBSTONE_KEEP to see a deletion; then the tombstone goes.
        schedule.every(
            timedelta(days=1), feed_tombstones.purge_feed_tombstones, offset=timedelta(hours=2)
        )

        # Retention (core.retention): what core and the libraries write; the apps register
        # their action logs. Never a task waiting or running, never an email still to send.
        finished = [TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED]
        retention.register(
            retention.TASK_RESULTS, DBTaskResult, "finished_at", where=Q(status__in=finished)
        )
        # A failed attempt's time is that of its last failure; a login's, the login's.
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            retention.register(retention.ACCESS_LOGS, model, "attempt_time")
        retention.register(retention.SENT_EMAILS, OutboundEmail, "sent_at", "failed_at")
        # Daily, one kind after the other, at night (UTC).
        for minutes, purge in (
            (0, retention.purge_task_results),
            (10, retention.purge_access_logs),
            (20, retention.purge_sent_emails),
            (30, retention.purge_action_logs),
        ):
            schedule.every(timedelta(days=1), purge, offset=timedelta(hours=4, minutes=minutes))
