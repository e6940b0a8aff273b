"""The booking module's periodic tasks (run by the task worker, enqueued by the scheduler:
see BookingConfig.ready for their times)."""

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from maillage.booking import external_calendars, feed_slots, notifications, services
from maillage.booking.models import Channel, ExternalCalendar


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
def refresh_external_calendar(space_id: int) -> str:
    """Import the space's external calendar (external_calendars.refresh): «ok», the
    failure's reason, or «none» when the space has no calendar any more."""
    calendar = external_calendars.refresh(space_id)
    if calendar is None:
        return "none"
    return calendar.last_error or "ok"


def queue_import(space_id: int) -> bool:
    """Ask for an import of the space's external calendar now, outside the request: marked
    in progress (ExternalCalendar.import_requested_at) and queued (the database backend's
    task row is written in the same transaction). False when the space has no external
    calendar."""
    with transaction.atomic():
        asked = ExternalCalendar.objects.filter(space_id=space_id).update(
            import_requested_at=timezone.now()
        )
        if asked:
            refresh_external_calendar.enqueue(space_id)
    return bool(asked)


@task()
def refresh_external_calendars() -> int:
    """Queue the import of every space's external calendar, one task each (a slow server
    holds up only its own); how many were queued."""
    space_ids = list(
        ExternalCalendar.objects.order_by("space_id").values_list("space_id", flat=True)
    )
    for space_id in space_ids:
        refresh_external_calendar.enqueue(space_id)
    return len(space_ids)


@task()
def send_digests() -> int:
    """Queue the managers' daily digests (each manager and place once a day); how many."""
    return notifications.queue_digests()


@task()
def refresh_feed_slots() -> int:
    """Keep the slots feed's grid (feed_slots.refresh_feed_slots); how many slots were
    inserted or deleted."""
    counts = feed_slots.refresh_feed_slots(timezone.now())
    return counts.inserted + counts.deleted
