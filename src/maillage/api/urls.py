from django.urls import path, re_path

from maillage.api.views import bookings, communes, docs, events, feeds, places, search, spaces
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
    path("lieux", places.Places.as_view(), name="places"),
    path("lieux/<int:pk>", places.PlaceDetail.as_view(), name="place"),
    path("lieux/<int:pk>/espaces", places.PlaceSpaces.as_view(), name="place_spaces"),
    path("recherche", search.Search.as_view(), name="search"),
    path("communes", communes.Communes.as_view(), name="communes"),
    path("communes/<str:insee>", communes.CommuneDetail.as_view(), name="commune"),
    path("evenements", events.Events.as_view(), name="events"),
    path("evenements/<int:pk>", events.EventDetail.as_view(), name="event"),
    path("flux/lieux", feeds.PlacesFeed.as_view(), name="feed_places"),
    path("flux/espaces", feeds.SpacesFeed.as_view(), name="feed_spaces"),
    path("flux/creneaux", feeds.SlotsFeed.as_view(), name="feed_slots"),
    path("flux/evenements", feeds.EventsFeed.as_view(), name="feed_events"),
    re_path(r"^(?P<path>.*)$", not_found, name="not_found"),
]
