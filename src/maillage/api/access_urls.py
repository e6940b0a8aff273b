"""«Mon compte › Accès à l'API» (api.access_views), under /compte/acces-api/."""

from django.urls import path

from maillage.api import access_views

app_name = "api_access"

urlpatterns = [
    path("", access_views.access, name="home"),
    path("jetons/", access_views.create_token, name="create_token"),
    path("jetons/<int:pk>/revoquer/", access_views.revoke_token, name="revoke_token"),
    path("partenaires/<int:pk>/retirer/", access_views.withdraw, name="withdraw"),
]
