from django.urls import path

from maillage.manager import bookings, home, notifications

app_name = "manager"

urlpatterns: list = [
    # --- bookings and home ---
    path("gestion/", home.home, name="home"),
    path("gestion/reservations/", bookings.bookings, name="bookings"),
    path("gestion/reservations/export.csv", bookings.bookings_csv, name="bookings_csv"),
    path(
        "gestion/reservations/<int:pk>/<str:action>/",
        bookings.booking_action,
        name="booking_action",
    ),
    path("gestion/notifications/", notifications.preferences, name="notifications"),
    path("gestion/notifications/<slug:slug>/", notifications.save, name="notifications_save"),
]
