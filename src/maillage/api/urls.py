from django.urls import path, re_path

from maillage.api.views import bookings, docs, spaces
from maillage.api.views.common import not_found

app_name = "api"

# French paths, the API's one naming convention (fields and parameters are English).
urlpatterns = [
    path("openapi.json", docs.OpenApiDocument.as_view(), name="openapi"),
    path("docs", docs.ApiDocs.as_view(), name="docs"),
    path("reservations", bookings.Reservations.as_view(), name="reservations"),
    path(
        "reservations/<int:pk>/annulation",
        bookings.Cancellation.as_view(),
        name="cancellation",
    ),
    path("espaces/<int:pk>/semaine", spaces.SpaceWeek.as_view(), name="space_week"),
    path("espaces/<int:pk>/creneaux", spaces.SpaceSlots.as_view(), name="space_slots"),
    path("espaces/<int:pk>/prix", bookings.SpacePrice.as_view(), name="space_price"),
    re_path(r"^(?P<path>.*)$", not_found, name="not_found"),
]
