from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from maillage.core.views import favicon, healthz
from maillage.monitoring.views import metrics_view, readyz

handler400 = "maillage.core.views.bad_request"
handler500 = "maillage.core.views.server_error"

admin.site.site_header = "Maillage — administration"
admin.site.site_title = "Maillage"
admin.site.index_title = "Back-office des tiers-lieux"
admin.site.login_template = "admin/maillage_login.html"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("observatoire/", include("maillage.observatory.urls")),
    path("api/v1/", include("maillage.api.urls")),
    path("oauth/", include("maillage.api.oauth_urls")),
    path("compte/acces-api/", include("maillage.api.access_urls")),
    path("", include("maillage.booking.urls")),
    path("", include("maillage.accounts.urls")),
    path("", include("maillage.eligibility.urls")),
    path("", include("maillage.programmes.urls")),
    path("", include("maillage.reimbursements.urls")),
    path("", include("maillage.offices.urls")),
    path("", include("maillage.community.urls")),
    path("", include("maillage.events.urls")),
    path("", include("maillage.manager.urls")),
    path("", include("maillage.web.urls")),
]

if settings.MAILLAGE_SERVE_MEDIA:
    urlpatterns.insert(
        0,
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    )
