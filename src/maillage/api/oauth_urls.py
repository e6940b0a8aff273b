"""The OAuth 2 endpoints of a person's consent (api.consent), under /oauth/: authorise (the
consent page, api.consent_views), token, and revoke (RFC 7009). No other flow (device,
introspection, dynamic registration): partner applications are registered by the
Département's staff only."""

from django.urls import path
from oauth2_provider import views

from maillage.api.consent_views import ConsentView

app_name = "oauth2_provider"

urlpatterns = [
    path("authorize/", ConsentView.as_view(), name="authorize"),
    path("token/", views.TokenView.as_view(), name="token"),
    path("revoke_token/", views.RevokeTokenView.as_view(), name="revoke-token"),
]
