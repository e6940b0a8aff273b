from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PlacesConfig(AppConfig):
    default = True
    name = "maillage.places"
    verbose_name = "Tiers-lieux"

    def ready(self) -> None:
        from maillage.core import retention  # noqa: PLC0415
        from maillage.places import manager_access  # noqa: PLC0415 — models loaded
        from maillage.places.models import ManagerChange  # noqa: PLC0415

        manager_access.register_renderers()

        # Who did what: deleted after MAILLAGE_ACTION_LOG_RETENTION_DAYS.
        retention.register(retention.ACTION_LOGS, ManagerChange, "at")


class BackOfficeAdminConfig(admin_apps.AdminConfig):
    """Django's admin, whose site lets in whom places.permissions lets in (INSTALLED_APPS
    names it in place of "django.contrib.admin")."""

    default = False
    default_site = "maillage.places.admin_site.BackOfficeSite"
