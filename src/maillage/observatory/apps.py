from datetime import timedelta

from django.apps import AppConfig


class ObservatoryConfig(AppConfig):
    name = "maillage.observatory"
    verbose_name = "Observatoire"

    def ready(self) -> None:
        # Imported here, not on top: this module is read before any model is loaded.
        from maillage.core import schedule  # noqa: PLC0415 - see above
        from maillage.observatory import runs  # noqa: PLC0415

        schedule.every(timedelta(minutes=5), runs.fail_abandoned_runs_task)
