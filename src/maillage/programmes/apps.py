from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "maillage.programmes"
    verbose_name = "Dispositifs"

    def ready(self) -> None:
        # Imported here, not on top: this module is read before any model is loaded.
        from maillage.booking import funding  # noqa: PLC0415 - see above
        from maillage.core import outbox  # noqa: PLC0415
        from maillage.events import funding as event_funding  # noqa: PLC0415
        from maillage.programmes import (  # noqa: PLC0415
            alerts,
            quotes,
            registrations,
            series,
            services,
        )

        # Booking asks this funder who pays what (booking imports no programmes code).
        funding.register_funder(
            services.ProgrammeFunder(),
            quotes.quote_many,
            quotes.shares_of,
            quote_series=series.quote_series,
        )
        # Events ask this one what programmes pay of a priced registration.
        event_funding.register_funder(registrations.RegistrationFunder())
        outbox.register(alerts.TOPIC, alerts.message_of)
