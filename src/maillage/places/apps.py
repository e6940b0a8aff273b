from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "maillage.places"
    verbose_name = "Tiers-lieux"
