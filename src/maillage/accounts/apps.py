from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "maillage.accounts"
    verbose_name = "Comptes"

    def ready(self) -> None:
        from maillage.accounts import emails  # noqa: PLC0415 — models loaded
        from maillage.accounts.models import AccountLog  # noqa: PLC0415
        from maillage.core import retention  # noqa: PLC0415

        emails.register_renderers()
        # Who did what: deleted after MAILLAGE_ACTION_LOG_RETENTION_DAYS.
        retention.register(retention.ACTION_LOGS, AccountLog, "at")
