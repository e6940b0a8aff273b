from django.urls import path, re_path

from maillage.api import views

app_name = "api"

urlpatterns = [
    path("reservations", views.reservations, name="reservations"),
    path("reservations/<int:pk>/annulation", views.cancellation, name="cancellation"),
    path("espaces/<int:pk>/semaine", views.space_week, name="space_week"),
    path("espaces/<int:pk>/creneaux", views.space_slots, name="space_slots"),
    path("espaces/<int:pk>/prix", views.space_price, name="space_price"),
    re_path(r"^(?P<path>.*)$", views.not_found, name="not_found"),
]
