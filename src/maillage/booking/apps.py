from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "maillage.booking"
    verbose_name = "Réservations"

    def ready(self) -> None:
        # What bookings make of a place's closure, told to places (which imports no booking
        # code). Imported here, not on top: this module is read before any model is loaded.
        from maillage.booking.closures import stranded_bookings  # noqa: PLC0415 - see above
        from maillage.places.services import register_closure_guard  # noqa: PLC0415

        register_closure_guard(stranded_bookings)
