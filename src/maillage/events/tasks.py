"""The events module's periodic tasks (run by the task worker, enqueued by the scheduler:
see EventsConfig.ready for their times)."""

from django.utils import timezone
from django_tasks import task

from maillage.core.feed_sweeps import sweep
from maillage.events import notifications, services
from maillage.events.feed_sweep import restamp_events_on_their_times
from maillage.places.feed_sweep import restamp_places_on_their_dates


@task()
def expire_offers() -> int:
    """Seats offered from waiting lists past their deadline lapse and go to the next
    entries (services.expire_offers); how many lapsed."""
    return services.expire_offers()


@task()
def send_reminders() -> int:
    """Queue tomorrow's reminders (Paris dates; each registration once); how many."""
    return notifications.queue_reminders()


@task()
def restamp_feed_items_on_time() -> int:
    """The change feeds' items that change with time alone, restamped (core.feed_sweeps):
    places reaching their opening date or the end of a closure, events opening or closing
    registration or ending; how many."""
    now = timezone.now()
    return sweep("places", now, restamp_places_on_their_dates) + sweep(
        "events", now, restamp_events_on_their_times
    )
