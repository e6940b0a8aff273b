from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "maillage.web"
    verbose_name = "Site public"

    def ready(self) -> None:
        # Imported here, not on top: this module is read before any model is loaded.
        from django.urls import reverse  # noqa: PLC0415

        from maillage.accounts.views import DELETE_ACCOUNT_PAGE, MY_DATA_PAGE  # noqa: PLC0415
        from maillage.places.models import PLACE_PAGE  # noqa: PLC0415

        # A place's public page, which lower apps link to (they name none of its URLs).
        PLACE_PAGE.register(lambda slug: reverse("web:place_detail", kwargs={"slug": slug}))
        # «Mon compte» links to the pages gathering every app's data about the person.
        MY_DATA_PAGE.register(lambda: reverse("web:my_data"))
        DELETE_ACCOUNT_PAGE.register(lambda: reverse("web:delete_account"))
