from django.urls import path

from maillage.programmes import views

app_name = "programmes"

urlpatterns = [
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
