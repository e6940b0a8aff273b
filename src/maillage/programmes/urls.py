from django.urls import path

from maillage.programmes import views

app_name = "programmes"

urlpatterns = [
    path("compte/tarifs/", views.my_programmes, name="mine"),
    path("gestion/dispositifs/", views.manager_programmes, name="manager"),
    path(
        "gestion/dispositifs/<slug:slug>/<int:programme_id>/adherer/",
        views.join,
        name="join",
    ),
    path(
        "gestion/dispositifs/<slug:slug>/<int:programme_id>/quitter/",
        views.leave,
        name="leave",
    ),
]
