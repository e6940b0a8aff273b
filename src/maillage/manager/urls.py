from django.urls import path

from maillage.manager import ical

app_name = "manager"

urlpatterns: list = [
    # --- ical ---
    path(
        "gestion/espaces/<int:space_id>/agenda-externe/",
        ical.space_calendar,
        name="space_calendar",
    ),
    path(
        "gestion/espaces/<int:space_id>/agenda-externe/importer/",
        ical.refresh_space_calendar,
        name="refresh_space_calendar",
    ),
    path(
        "gestion/espaces/<int:space_id>/agenda-externe/retirer/",
        ical.remove_space_calendar,
        name="remove_space_calendar",
    ),
]
