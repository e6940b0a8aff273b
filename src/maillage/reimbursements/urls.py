from django.urls import path

from maillage.reimbursements import dashboard_views, views

app_name = "reimbursements"

urlpatterns = [
    # Statements (views).
    path("departement/remboursements/", views.statements, name="statements"),
    path("departement/remboursements/emission/<uuid:task_id>/", views.issuing, name="issuing"),
    path("departement/remboursements/<int:pk>/", views.statement, name="statement"),
    path(
        "departement/remboursements/<int:pk>/paiement/",
        views.record_payment,
        name="record_payment",
    ),
    path(
        "departement/remboursements/<int:pk>/lignes/<int:position>/contester/",
        views.contest_line,
        name="contest_line",
    ),
    path("departement/remboursements/<int:pk>.csv", views.statement_csv, name="statement_csv"),
    path(
        "departement/remboursements/<int:pk>-tableur.csv",
        views.statement_spreadsheet,
        name="statement_spreadsheet",
    ),
    path("departement/remboursements/<int:pk>.pdf", views.statement_pdf_file, name="statement_pdf"),
    # The staff's budget dashboard (dashboard_views).
    path("departement/budgets/", dashboard_views.dashboard_page, name="dashboard"),
    path("departement/budgets/export.csv", dashboard_views.dashboard_csv, name="dashboard_csv"),
    path(
        "departement/budgets/export-tableur.csv",
        dashboard_views.dashboard_spreadsheet,
        name="dashboard_spreadsheet",
    ),
]
