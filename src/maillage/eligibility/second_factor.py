"""The second factor (TOTP, RFC 6238, through django-otp) asked of eligibility staff.

`status_staff_page(allowed)` guards a staff page: logged in, holding the right `allowed`
checks (else 403), and verified with a TOTP device in this session (django-otp's
`request.user.is_verified()`); otherwise the person is sent to enter a code, or to enrol a
device first when they have none. `ShowsCategoriesAdminMixin` is the same gate for the
back-office pages that show people's categories (`sees_categories`). Enrolment shows the
device's otpauth:// address as a QR code (SVG drawn by the `qrcode` package: no image
library, no outside service) and as a secret to type; the device counts once a first code
is accepted.
"""

from __future__ import annotations

from base64 import b32encode
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from maillage.accounts.decorators import login_required
from maillage.accounts.models import User
from maillage.accounts.roles import has_departement_rights
from maillage.eligibility import permissions

View = TypeVar("View", bound=Callable[..., HttpResponseBase])
DEVICE_NAME = "Application d'authentification"


def is_verified(request: HttpRequest) -> bool:
    """A TOTP code was accepted in this session (django-otp's OTPMiddleware)."""
    return bool(getattr(request.user, "is_verified", lambda: False)())


def second_factor_redirect(request: HttpRequest) -> HttpResponseBase:
    """To the code page, or to enrolment for someone without a confirmed device, coming back
    here afterwards."""
    name = "eligibility:otp_verify" if user_has_device(request.user) else "eligibility:otp_setup"
    return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")


def status_staff_page(allowed: Callable[[Any], bool]) -> Callable[[View], View]:
    """A staff page of this app: `allowed(user)` (else 403) and a second factor."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not allowed(request.user):
                raise PermissionDenied
            if not is_verified(request):
                return second_factor_redirect(request)
            return view(request, *args, **kwargs)

        return login_required(wrapped)  # type: ignore[return-value]  # keeps the signature

    return decorate


def _holds_category_right(user: Any) -> bool:
    return has_departement_rights(user) and permissions.can_view_category(user)


def sees_categories(request: HttpRequest) -> bool:
    """Whether the back-office may show people's categories (or what ties people to the
    programmes targeting them) to this request: Département staff holding view_category,
    with a second factor verified in this session, as on the eligibility pages."""
    return _holds_category_right(request.user) and is_verified(request)


class ShowsCategoriesAdminMixin:
    """A back-office (ModelAdmin) page showing people's categories: only to those
    `sees_categories` lets see them (else 403, and not listed on the index); staff holding
    the right without a second factor in this session are first sent to enter their code
    (or to enrol), then back. Put it first among the bases: add, change and delete also need
    the admin's own rights."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return sees_categories(request)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return sees_categories(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return sees_categories(request) and super().has_add_permission(request, *args)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return sees_categories(request) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return sees_categories(request) and super().has_delete_permission(request, obj)  # type: ignore[misc]

    def _code_first(self, request: HttpRequest) -> HttpResponseBase | None:
        if _holds_category_right(request.user) and not is_verified(request):
            return second_factor_redirect(request)
        return None

    # The admin's own views, left unannotated: their stubs' signatures differ by view.
    def changelist_view(self, request, *args, **kwargs):
        return self._code_first(request) or super().changelist_view(request, *args, **kwargs)

    def changeform_view(self, request, *args, **kwargs):
        return self._code_first(request) or super().changeform_view(request, *args, **kwargs)

    def history_view(self, request, *args, **kwargs):
        return self._code_first(request) or super().history_view(request, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        return self._code_first(request) or super().delete_view(request, *args, **kwargs)


def pending_device(user: User) -> TOTPDevice:
    """The user's unconfirmed device being enrolled (made once, kept until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


WRONG_CODE = "Ce code n'est pas le bon (ou a expiré) : réessayez."
TOO_MANY = "Trop d'essais manqués : attendez quelques secondes avant de réessayer."


def code_refusal(device: TOTPDevice, token: str) -> str | None:
    """None when `token` is the device's current code (RFC 6238, one step of drift either
    way, each code once); else why not, in French. django-otp doubles the wait after each
    failure (1 s, 2 s, 4 s…): a six-digit code cannot be guessed by trying."""
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        return TOO_MANY
    return None if device.verify_token(token) else WRONG_CODE


def confirmed_devices(user: User) -> list[TOTPDevice]:
    """The user's enrolled devices."""
    return list(TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk"))


def qr_code_svg(device: TOTPDevice) -> SafeString:
    """The device's otpauth:// address as an inline SVG QR code, labelled for screen readers."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    svg = image.to_string(encoding="unicode")
    labelled = svg.replace(
        "<svg ", '<svg role="img" aria-label="QR code à scanner avec l\'application" ', 1
    )
    return mark_safe(labelled)  # noqa: S308 — drawn by qrcode from our own address


def base32_secret(device: TOTPDevice) -> str:
    """The secret to type by hand, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
