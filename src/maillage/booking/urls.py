from django.urls import path

from maillage.booking import views

app_name = "booking"

urlpatterns = [
    path("reserver/", views.search, name="search"),
    path("reserver/espace/<int:pk>/", views.space, name="space"),
    path("reserver/espace/<int:pk>/reserver/", views.book, name="book"),
    path("reservations/", views.my_bookings, name="my_bookings"),
    path("reservations/<int:pk>/annuler/", views.cancel, name="cancel"),
    path("reservations/series/<int:pk>/annuler/", views.cancel_series, name="cancel_series"),
    path("reservations/agenda/", views.renew_feed, name="renew_feed"),
    path("calendrier/<str:token>.ics", views.feed, name="feed"),
    path("calendrier/<str:token>/lieux/<slug:slug>.ics", views.place_feed, name="place_feed"),
    path("gestion/reservations/", views.manager_home, name="manager_home"),
    path("gestion/reservations/<slug:slug>/", views.manager_calendar, name="manager_calendar"),
    path(
        "gestion/reservations/action/<int:pk>/<str:action>/",
        views.manager_action,
        name="manager_action",
    ),
]
