"""The back-office (Django's admin site): who may enter is decided here, by places.permissions.

Département staff only: place managers work in the managers' workspace (/gestion/). Django's
default site asks `user.is_staff`; the account model has no such flag, so that accounts does
not have to know about places.
"""

from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from maillage.accounts.models import User
from maillage.places import permissions


class BackOfficeLoginForm(AdminAuthenticationForm):
    """The back-office login: a valid password of someone with no back-office access gets
    the same answer as a wrong password (Django's admin does the same for non-staff)."""

    def confirm_login_allowed(self, user: User) -> None:
        AuthenticationForm.confirm_login_allowed(self, user)
        if not permissions.can_use_back_office(user):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class BackOfficeSite(AdminSite):
    """Django's admin site with access decided by places.permissions.can_use_back_office."""

    login_form = BackOfficeLoginForm

    def has_permission(self, request: HttpRequest) -> bool:
        return permissions.can_use_back_office(request.user)
