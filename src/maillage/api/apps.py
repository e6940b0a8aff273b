from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "maillage.api"
    verbose_name = "API"

    def ready(self) -> None:
        # The security schemes of the OpenAPI document register on import.
        from maillage.api import schema  # noqa: F401, PLC0415 — models loaded
