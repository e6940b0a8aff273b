from django.urls import path

from maillage.web import account_views, views
from maillage.web.legal import views as legal
from maillage.web.opendata import files
from maillage.web.opendata import views as opendata

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("departement/", views.staff_hub, name="staff_hub"),
    path("compte/mes-donnees/", account_views.my_data, name="my_data"),
    path("compte/mes-donnees/export.<str:kind>", account_views.my_data_file, name="my_data_file"),
    path("compte/supprimer/", account_views.delete_account, name="delete_account"),
    path("lieux/", views.place_list, name="place_list"),
    path("lieux/<slug:slug>/", views.place_detail, name="place_detail"),
    path("carte/lieux.geojson", views.places_geojson, name="places_geojson"),
    path("carte/territoire.geojson", views.territory_geojson, name="territory_geojson"),
    path("mentions-legales/", legal.legal_notice, name="legal_notice"),
    path("donnees-personnelles/", legal.privacy, name="privacy"),
    path("accessibilite/", legal.accessibility, name="accessibility"),
    path("contact/", legal.contact, name="contact"),
    path("plan-du-site/", legal.site_map, name="site_map"),
    path("donnees-ouvertes/", opendata.opendata, name="opendata"),
    path("donnees-ouvertes/datapackage.json", opendata.datapackage, name="opendata_datapackage"),
    path("donnees-ouvertes/schemas/<str:name>", opendata.schema, name="opendata_schema"),
    # The files' addresses are stable: reusers and the national inventory fetch them.
    *(
        path(
            f"donnees-ouvertes/{download.name}",
            opendata.download,
            {"name": download.name},
            name=download.url_name.removeprefix("web:"),
        )
        for download in files.DOWNLOADS
    ),
]
