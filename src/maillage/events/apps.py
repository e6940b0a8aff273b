from datetime import timedelta

from django.apps import AppConfig


class EventsConfig(AppConfig):
    """Workshops and events held in places: the public agenda, registrations with a waiting
    list, and what organisers do with them."""

    name = "maillage.events"
    verbose_name = "Ateliers et événements"

    def ready(self) -> None:
        # Imported here, not on top: this module is read before any model is loaded.
        from django.urls import reverse  # noqa: PLC0415

        from maillage.booking import calendar as booking_calendar  # noqa: PLC0415
        from maillage.core import outbox, retention, schedule  # noqa: PLC0415
        from maillage.events import calendar, notifications, tasks  # noqa: PLC0415
        from maillage.events.models import EventLog  # noqa: PLC0415

        # Emails link to the event's short address, which leads to its page.
        notifications.EVENT_PAGE.register(lambda pk: reverse("events:event_link", args=[pk]))

        outbox.register(notifications.TOPIC, notifications.message_of)
        # A person's own calendar feed carries their registrations too.
        booking_calendar.register_person_source("events", calendar.registrations_of)
        # Offers past their deadline lapse every 5 minutes (at :02, :07…), their seats
        # offered to the next entries.
        schedule.every(timedelta(minutes=5), tasks.expire_offers, offset=timedelta(minutes=2))
        # Reminders of tomorrow's events at 16:20 UTC (17:20 or 18:20 in Paris).
        schedule.every(
            timedelta(days=1), tasks.send_reminders, offset=timedelta(hours=16, minutes=20)
        )
        # Feed items that change with time alone (an opening date, a registration opening).
        schedule.every(
            timedelta(minutes=5), tasks.restamp_feed_items_on_time, offset=timedelta(minutes=3)
        )

        # Who did what: deleted after MAILLAGE_ACTION_LOG_RETENTION_DAYS.
        retention.register(retention.ACTION_LOGS, EventLog, "at")
