from django.contrib import admin

from maillage.accounts.admin_access import DepartementOnlyAdminMixin
from maillage.observatory.models import CandidateSite, ModelRun, PopulationLayer, Scenario


@admin.register(CandidateSite)
class CandidateSiteAdmin(DepartementOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "reference", "commune", "kind", "owner", "surface_m2", "thd_available"]
    list_filter = ["kind", "owner", "thd_available", "commune__ept"]
    search_fields = ["name", "reference", "address", "commune__name"]
    list_select_related = ["commune"]


@admin.register(Scenario)
class ScenarioAdmin(DepartementOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "origin", "model", "threshold_minutes", "created_by", "updated_at"]
    filter_horizontal = ["candidate_sites", "project_places"]
    readonly_fields = ["model_result", "created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(PopulationLayer)
class PopulationLayerAdmin(DepartementOnlyAdminMixin, admin.ModelAdmin):
    """Layers are imported by `maillage observatory import_population`; here one is chosen."""

    list_display = ["name", "source", "departement", "is_active", "imported_at"]
    fields = ["name", "source", "departement", "cell_m", "is_active", "imported_by"]
    readonly_fields = ["source", "departement", "cell_m", "imported_by"]

    def has_add_permission(self, request, *args):
        return False


@admin.register(ModelRun)
class ModelRunAdmin(DepartementOnlyAdminMixin, admin.ModelAdmin):
    """Read only: runs are asked for and cancelled on the observatory's pages."""

    list_display = ["name", "model", "status", "stage", "requested_by", "created_at"]
    list_filter = ["status", "model"]
    list_select_related = ["requested_by"]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False
