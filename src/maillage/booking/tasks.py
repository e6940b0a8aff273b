"""The booking module's periodic tasks (run by the task worker, enqueued by the scheduler:
see BookingConfig.ready for their times)."""

from django_tasks import task

from maillage.booking import notifications, services
from maillage.booking.models import Channel


@task()
def send_reminders() -> int:
    """Queue tomorrow's reminders (Paris dates; each booking once); how many were queued."""
    return notifications.queue_reminders()


@task()
def expire_requests() -> int:
    """Requests past their decision deadline expire and free their slot; how many. Their
    history records the system's change through the worker, a command."""
    return services.expire_pending(channel=Channel.COMMAND)


@task()
def send_digests() -> int:
    """Queue the managers' daily digests (each manager and place once a day); how many."""
    return notifications.queue_digests()
