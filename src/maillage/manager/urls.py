from django.urls import path

from maillage.manager import ical
from maillage.manager.onboarding import views as onboarding

app_name = "manager"

urlpatterns: list = [
    # --- ical ---
    path(
        "gestion/espaces/<int:space_id>/agenda-externe/",
        ical.space_calendar,
        name="space_calendar",
    ),
    path(
        "gestion/espaces/<int:space_id>/agenda-externe/importer/",
        ical.refresh_space_calendar,
        name="refresh_space_calendar",
    ),
    path(
        "gestion/espaces/<int:space_id>/agenda-externe/retirer/",
        ical.remove_space_calendar,
        name="remove_space_calendar",
    ),
    # --- onboarding ---
    path("referencer/", onboarding.listing_request, name="listing_request"),
    path("departement/referencements/", onboarding.listing_requests, name="listing_requests"),
    path(
        "departement/referencements/<int:request_id>/",
        onboarding.listing_request_review,
        name="listing_request_review",
    ),
    path(
        "gestion/lieux/<slug:slug>/gestionnaires/",
        onboarding.place_managers,
        name="place_managers",
    ),
    path(
        "gestion/lieux/<slug:slug>/gestionnaires/<int:user_id>/retirer/",
        onboarding.withdraw_manager,
        name="withdraw_manager",
    ),
    path("gestion/invitation/<str:token>/", onboarding.invitation, name="invitation"),
]
