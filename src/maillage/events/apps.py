from django.apps import AppConfig


class EventsConfig(AppConfig):
    """Workshops and events held in places: the public agenda, registrations with a waiting
    list, and what organisers do with them."""

    name = "maillage.events"
    verbose_name = "Ateliers et événements"
