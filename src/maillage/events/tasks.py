"""The events module's periodic tasks (run by the task worker, enqueued by the scheduler:
see EventsConfig.ready for their times)."""

from django_tasks import task

from maillage.events import notifications, services


@task()
def expire_offers() -> int:
    """Seats offered from waiting lists past their deadline lapse and go to the next
    entries (services.expire_offers); how many lapsed."""
    return services.expire_offers()


@task()
def send_reminders() -> int:
    """Queue tomorrow's reminders (Paris dates; each registration once); how many."""
    return notifications.queue_reminders()
