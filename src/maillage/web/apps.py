from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "maillage.web"
    verbose_name = "Site public"

    def ready(self) -> None:
        # Imported here, not on top: this module is read before any model is loaded.
        from django.urls import reverse  # noqa: PLC0415

        from maillage.places.models import PLACE_PAGE  # noqa: PLC0415

        # A place's public page, which lower apps link to (they name none of its URLs).
        PLACE_PAGE.register(lambda slug: reverse("web:place_detail", kwargs={"slug": slug}))
