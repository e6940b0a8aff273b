from datetime import timedelta

from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "maillage.booking"
    verbose_name = "Réservations"

    def ready(self) -> None:
        # Imported here, not on top: this module is read before any model is loaded.
        from maillage.booking import notifications, tasks  # noqa: PLC0415 - see above
        from maillage.booking.closures import stranded_bookings  # noqa: PLC0415
        from maillage.core import outbox, schedule  # noqa: PLC0415
        from maillage.places.services import register_closure_guard  # noqa: PLC0415

        # What bookings make of a place's closure, told to places (which imports no booking code).
        register_closure_guard(stranded_bookings)
        outbox.register(notifications.TOPIC, notifications.message_of)
        # Reminders the day before, at 16:00 UTC (17:00 or 18:00 in Paris).
        schedule.every(timedelta(days=1), tasks.send_reminders, offset=timedelta(hours=16))
        # Managers' digests of the day, at 5:00 UTC (6:00 or 7:00 in Paris).
        schedule.every(timedelta(days=1), tasks.send_digests, offset=timedelta(hours=5))
        # Requests expire on their own when a booking needs their slot; this sweep frees
        # the others (and tells nobody: the person saw the deadline).
        schedule.every(timedelta(minutes=5), tasks.expire_requests)
        # Spaces' external calendars (iCalendar) imported again every 30 minutes, at :10 and :40.
        schedule.every(
            timedelta(minutes=30), tasks.refresh_external_calendars, offset=timedelta(minutes=10)
        )
        # The slots feed's grid: slots that started leave it, new days and changed hours
        # enter it (a sweep that does little while the places and the day stay the same).
        schedule.every(timedelta(minutes=5), tasks.refresh_feed_slots, offset=timedelta(minutes=1))
