from django.urls import path

from maillage.observatory import views

app_name = "observatory"

urlpatterns = [
    path("", views.public_observatory, name="public"),
    path("indicateurs.csv", views.indicators_csv, name="indicators_csv"),
    path("indicateurs-tableur.csv", views.indicators_spreadsheet, name="indicators_spreadsheet"),
    path("zones.geojson", views.zones_geojson, name="zones_geojson"),
    path("scenarios/", views.scenario_list, name="scenario_list"),
    path("scenarios/nouveau/", views.scenario_edit, name="scenario_create"),
    path("scenarios/proposer/", views.scenario_propose, name="scenario_propose"),
    path("scenarios/comparer/", views.scenario_compare, name="scenario_compare"),
    path("scenarios/calculs/", views.model_run_list, name="model_run_list"),
    path("scenarios/calculs/<int:pk>/", views.model_run_detail, name="model_run_detail"),
    path("scenarios/calculs/<int:pk>/annuler/", views.model_run_cancel, name="model_run_cancel"),
    path("scenarios/<int:pk>/", views.scenario_detail, name="scenario_detail"),
    path("scenarios/<int:pk>/modifier/", views.scenario_edit, name="scenario_edit"),
    path("scenarios/<int:pk>/supprimer/", views.scenario_delete, name="scenario_delete"),
    path("scenarios/<int:pk>/scenario.geojson", views.scenario_geojson, name="scenario_geojson"),
    path("scenarios/<int:pk>/indicateurs.csv", views.scenario_csv, name="scenario_csv"),
    path(
        "scenarios/<int:pk>/indicateurs-tableur.csv",
        views.scenario_spreadsheet,
        name="scenario_spreadsheet",
    ),
    path("scenarios/<int:pk>/rapport/", views.scenario_report, name="scenario_report"),
    path("scenarios/<int:pk>/rapport.pdf", views.scenario_report_pdf, name="scenario_report_pdf"),
    path("sites-candidats/importer/", views.candidate_import, name="candidate_import"),
]
