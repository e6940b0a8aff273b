from django.contrib import admin
from django.urls import include, path

from maillage.core.views import healthz

admin.site.site_header = "Maillage — administration"
admin.site.site_title = "Maillage"
admin.site.index_title = "Back-office des tiers-lieux"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("observatoire/", include("maillage.observatory.urls")),
    path("", include("maillage.web.urls")),
]
