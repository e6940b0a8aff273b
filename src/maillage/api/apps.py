from django.apps import AppConfig
from django.urls import reverse


class ApiConfig(AppConfig):
    name = "maillage.api"
    verbose_name = "API"

    def ready(self) -> None:
        # The security schemes of the OpenAPI document register on import.
        from maillage.accounts.views import API_ACCESS_PAGE  # noqa: PLC0415 — models loaded
        from maillage.api import schema  # noqa: F401, PLC0415 — models loaded

        API_ACCESS_PAGE.register(lambda: reverse("api_access:home"))
