from django.urls import path

from maillage.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("departement/", views.staff_hub, name="staff_hub"),
    path("lieux/", views.place_list, name="place_list"),
    path("lieux/<slug:slug>/", views.place_detail, name="place_detail"),
    path("carte/lieux.geojson", views.places_geojson, name="places_geojson"),
    path("carte/territoire.geojson", views.territory_geojson, name="territory_geojson"),
]
