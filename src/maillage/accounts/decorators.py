"""View decorators for the public pages: they send people to the public login, not the admin's."""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required as django_login_required
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect

from maillage.accounts.models import User

PUBLIC_LOGIN_URL = "accounts:login"
View = TypeVar("View", bound=Callable[..., HttpResponseBase])


class SignedInRequest(HttpRequest):
    """The request of a view behind login_required: `user` is signed in."""

    user: User


def login_required(view: View) -> View:
    """Anonymous visitors go to /connexion/?next=<this page>."""
    return django_login_required(view, login_url=PUBLIC_LOGIN_URL)


def verified_email_required(view: View) -> View:
    """For booking pages: the user must be logged in and `user.can_book` (verified address).

    Anonymous visitors go to the login page; logged-in users whose address is not verified go
    to «Mon compte», which explains how to verify it and offers to resend the link."""

    @wraps(view)
    def wrapped(request: SignedInRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.can_book:
            messages.error(
                request,
                "Pour réserver, vérifiez d'abord votre adresse électronique : ouvrez le lien "
                "reçu par courriel, ou demandez un nouveau lien.",
            )
            return redirect("accounts:account")
        return view(request, *args, **kwargs)

    return login_required(wrapped)  # type: ignore[return-value]  # wraps keeps the view's signature
