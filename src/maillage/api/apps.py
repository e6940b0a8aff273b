from datetime import timedelta

from django.apps import AppConfig
from django.urls import reverse


class ApiConfig(AppConfig):
    name = "maillage.api"
    verbose_name = "API"

    def ready(self) -> None:
        # Imported here, not on top: this module is read before any model is loaded. The
        # security schemes of the OpenAPI document register on import.
        from corsheaders.signals import check_request_enabled  # noqa: PLC0415

        from maillage.accounts.views import API_ACCESS_PAGE  # noqa: PLC0415
        from maillage.api import cors, schema, tasks, webhook_delivery  # noqa: F401, PLC0415
        from maillage.api.models import PartnerLog  # noqa: PLC0415
        from maillage.core import retention, schedule  # noqa: PLC0415

        check_request_enabled.connect(cors.allow_partner_origins, dispatch_uid="api-cors")
        API_ACCESS_PAGE.register(lambda: reverse("api_access:home"))
        schedule.every(timedelta(days=1), tasks.forget_expired_access, offset=timedelta(hours=3))
        schedule.every(timedelta(minutes=1), webhook_delivery.dispatch_webhooks)
        schedule.every(timedelta(minutes=1), webhook_delivery.deliver_webhooks)
        schedule.every(
            timedelta(days=1),
            webhook_delivery.purge_webhook_deliveries,
            offset=timedelta(hours=3, minutes=20),
        )
        # Who did what: deleted after MAILLAGE_ACTION_LOG_RETENTION_DAYS.
        retention.register(retention.ACTION_LOGS, PartnerLog, "at")
