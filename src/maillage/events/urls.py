from django.urls import path

from maillage.events.views import mine, public

app_name = "events"

urlpatterns = [
    path("agenda/", public.agenda_page, name="agenda"),
    path("agenda/<int:pk>-<slug:slug>/", public.event_page, name="event"),
    path("agenda/<int:pk>/", public.event_page, name="event_link"),
    path("agenda/<int:pk>/inscription/", mine.register, name="register"),
    path("agenda.ics", public.feed, name="feed"),
    path("agenda/lieux/<slug:slug>.ics", public.place_feed, name="place_feed"),
    path("inscriptions/", mine.my_registrations, name="mine"),
    path(
        "inscriptions/<int:pk>/<slug:action>/",
        mine.registration_action,
        name="registration_action",
    ),
]
