from typing import Any

from django.http import HttpRequest

from maillage.accounts.roles import has_departement_rights


class DepartementOnlyAdminMixin:
    """Admin pages that only Département staff see and edit."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_departement_rights(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_departement_rights(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return has_departement_rights(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_departement_rights(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_departement_rights(request.user)
