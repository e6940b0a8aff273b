from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "maillage.monitoring"
    verbose_name = "Supervision"
