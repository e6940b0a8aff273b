from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "maillage.accounts"
    verbose_name = "Comptes"

    def ready(self) -> None:
        from maillage.accounts import emails  # noqa: PLC0415 — models loaded

        emails.register_renderers()
