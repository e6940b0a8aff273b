from django.apps import AppConfig


class ManagerConfig(AppConfig):
    """The place managers' workspace (pages under /gestion/): a presentation package over
    the places, booking and programmes services, without the Django admin."""

    name = "maillage.manager"
    verbose_name = "Espace gestion"

    def ready(self) -> None:
        # Imported here, not on top: this module is read before any model is loaded.
        from django.urls import reverse  # noqa: PLC0415

        from maillage.booking import notifications  # noqa: PLC0415
        from maillage.core import retention  # noqa: PLC0415
        from maillage.manager.models import EmbedLog  # noqa: PLC0415
        from maillage.offices import emails as offices_emails  # noqa: PLC0415
        from maillage.places import manager_access  # noqa: PLC0415
        from maillage.reimbursements import views as reimbursements_views  # noqa: PLC0415

        # The pages of this app that lower apps link to (they name none of its URLs).
        manager_access.INVITATION_PAGE.register(
            lambda token: reverse("manager:invitation", args=[token])
        )
        notifications.MANAGER_BOOKINGS_PAGE.register(
            lambda slug: reverse("manager:bookings") + f"?lieu={slug}"
        )
        offices_emails.MANAGER_REQUEST_PAGE.register(
            lambda pk: reverse("manager:office_request", args=[pk])
        )
        reimbursements_views.MANAGER_STATEMENTS_PAGE.register(lambda: reverse("manager:statements"))

        # Who did what: deleted after MAILLAGE_ACTION_LOG_RETENTION_DAYS.
        retention.register(retention.ACTION_LOGS, EmbedLog, "at")
