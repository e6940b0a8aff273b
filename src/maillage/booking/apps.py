from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "maillage.booking"
    verbose_name = "Réservations"

    def ready(self) -> None:
        # Models are loaded now: the guard's module may import them.
        from maillage.booking.closures import stranded_bookings  # noqa: PLC0415
        from maillage.places.services import register_closure_guard  # noqa: PLC0415

        register_closure_guard(stranded_bookings)
