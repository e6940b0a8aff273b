from django.urls import path

from maillage.programmes import person_pages, views

app_name = "programmes"

urlpatterns = [
    path("compte/tarifs/", person_pages.my_programmes, name="mine"),
    path("gestion/dispositifs/", views.manager_programmes, name="manager"),
    path(
        "gestion/dispositifs/<slug:slug>/<int:pk>/adherer/",
        views.join,
        name="join",
    ),
    path(
        "gestion/dispositifs/<slug:slug>/<int:pk>/quitter/",
        views.leave,
        name="leave",
    ),
]
