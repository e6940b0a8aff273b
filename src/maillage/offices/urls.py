from django.urls import path

from maillage.offices import views

app_name = "offices"

urlpatterns = [
    path("bureaux/", views.offer_list, name="offers"),
    path("bureaux/<int:pk>/", views.offer_detail, name="offer"),
    path("bureaux/demande/", views.request_form, name="request"),
    path("bureaux/demande/envoyee/", views.request_sent, name="request_sent"),
    path("bureaux/demande/confirmer/<str:token>/", views.confirm, name="confirm"),
    path("departement/demande-bureaux/", views.demand_page, name="demand"),
    path("departement/demande-bureaux/export.csv", views.demand_csv, name="demand_csv"),
]
