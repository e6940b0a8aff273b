from django.apps import AppConfig


class ManagerConfig(AppConfig):
    """The place managers' workspace (pages under /gestion/): a presentation package over
    the places, booking and programmes services, without the Django admin."""

    name = "maillage.manager"
    verbose_name = "Espace gestionnaire"
