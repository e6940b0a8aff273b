from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PlacesConfig(AppConfig):
    default = True
    name = "maillage.places"
    verbose_name = "Tiers-lieux"

    def ready(self) -> None:
        from maillage.places import manager_access  # noqa: PLC0415 — models loaded

        manager_access.register_renderers()


class BackOfficeAdminConfig(admin_apps.AdminConfig):
    """Django's admin, whose site lets in whom places.permissions lets in (INSTALLED_APPS
    names it in place of "django.contrib.admin")."""

    default = False
    default_site = "maillage.places.admin_site.BackOfficeSite"
