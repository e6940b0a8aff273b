from django.urls import path, re_path, register_converter

from maillage.api import views

app_name = "api"


class IdConverter:
    """A record id in a path: at most 18 digits, so that it always fits the database's 64-bit
    integers (a longer one is an unknown address, 404)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")

urlpatterns = [
    path("reservations", views.reservations, name="reservations"),
    path("reservations/<id:pk>/annulation", views.cancellation, name="cancellation"),
    path("espaces/<id:pk>/semaine", views.space_week, name="space_week"),
    path("espaces/<id:pk>/creneaux", views.space_slots, name="space_slots"),
    re_path(r"^(?P<path>.*)$", views.not_found),
]
