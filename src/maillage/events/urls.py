from django.urls import path

from maillage.events.views import public

app_name = "events"

urlpatterns = [
    path("agenda/", public.agenda_page, name="agenda"),
    path("agenda/<int:pk>-<slug:slug>/", public.event_page, name="event"),
    path("agenda/<int:pk>/", public.event_page, name="event_link"),
    path("agenda.ics", public.feed, name="feed"),
    path("agenda/lieux/<slug:slug>.ics", public.place_feed, name="place_feed"),
]
