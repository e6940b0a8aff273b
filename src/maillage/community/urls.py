from django.urls import path

from maillage.community import staff_views, views

app_name = "community"

urlpatterns = [
    # --- members ---
    path("communaute/", views.community, name="home"),
    path("communaute/ecrire/", views.write_to_referent, name="write_to_referent"),
    path("communaute/annuaire/", views.directory, name="directory"),
    path("communaute/annuaire/<int:pk>/", views.member, name="member"),
    path("communaute/ma-fiche/", views.my_profile, name="my_profile"),
    path("communaute/ma-fiche/retirer/", views.withdraw_profile, name="withdraw_profile"),
    path("communaute/mes-courriels/", views.my_emails, name="my_emails"),
    path("communaute/annonces/", views.announcements, name="announcements"),
    path("communaute/annonces/<int:pk>/", views.announcement, name="announcement"),
    path("communaute/documents/", views.documents, name="documents"),
    path("communaute/documents/<int:pk>/telecharger/", views.download, name="download"),
    path("communaute/financements/", views.funding, name="funding"),
    # --- Département staff ---
    path("departement/communaute/referent/", staff_views.referent, name="staff_referent"),
    path(
        "departement/communaute/annonces/nouvelle/",
        staff_views.announcement,
        name="staff_announcement",
    ),
    path("departement/communaute/documents/nouveau/", staff_views.document, name="staff_document"),
    path(
        "departement/communaute/documents/<int:pk>/supprimer/",
        staff_views.delete_document,
        name="staff_delete_document",
    ),
    path(
        "departement/communaute/financements/nouveau/",
        staff_views.opportunity,
        name="staff_opportunity_new",
    ),
    path(
        "departement/communaute/financements/<int:pk>/",
        staff_views.opportunity,
        name="staff_opportunity",
    ),
    path(
        "departement/communaute/financements/<int:pk>/supprimer/",
        staff_views.delete_opportunity,
        name="staff_delete_opportunity",
    ),
]
