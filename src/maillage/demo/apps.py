from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "maillage.demo"
    verbose_name = "Démonstration"
