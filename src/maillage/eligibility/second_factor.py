"""The second factor (TOTP, RFC 6238, through django-otp) asked of eligibility staff.

`status_staff_page(allowed)` guards a staff page: logged in, holding the right `allowed`
checks (else 403), and verified with a TOTP device in this session (django-otp's
`request.user.is_verified()`); otherwise the person is sent to enter a code, or to enrol a
device first when they have none. Enrolment shows the device's otpauth:// address as a QR
code (SVG drawn by the `qrcode` package: no image library, no outside service) and as a
secret to type; the device counts once a first code is accepted.
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
