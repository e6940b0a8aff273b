from django.urls import path

from maillage.eligibility import views

app_name = "eligibility"

urlpatterns = [
    path("compte/droits/", views.my_rights, name="my_rights"),
    path("compte/droits/mes-donnees.json", views.my_data, name="my_data"),
    path("compte/droits/demander/", views.ask, name="ask"),
    path("compte/droits/enfants/", views.add_child, name="add_child"),
    path("compte/droits/demandes/<int:status_id>/retirer/", views.withdraw, name="withdraw"),
    path("compte/double-authentification/", views.otp_setup, name="otp_setup"),
    path("compte/double-authentification/code/", views.otp_verify, name="otp_verify"),
    path("departement/statuts/", views.staff_home, name="staff_home"),
    path("departement/statuts/demandes/", views.requests_list, name="requests"),
    path("departement/statuts/demandes/<int:status_id>/", views.decision, name="decision"),
    path(
        "departement/statuts/demandes/<int:status_id>/justificatif/",
        views.proof,
        name="proof",
    ),
    path("departement/statuts/accorder/", views.grant, name="grant"),
]
