from django.urls import path

from maillage.reimbursements import dashboard_views

app_name = "reimbursements"

urlpatterns: list = []

# The staff's budget dashboard (dashboard_views).
urlpatterns += [
    path("departement/budgets/", dashboard_views.dashboard_page, name="dashboard"),
    path("departement/budgets/export.csv", dashboard_views.dashboard_csv, name="dashboard_csv"),
    path(
        "departement/budgets/export-tableur.csv",
        dashboard_views.dashboard_spreadsheet,
        name="dashboard_spreadsheet",
    ),
]
