"""Emails sent to account holders: plain text with an HTML alternative, in French.

The verification and «account exists» emails go to addresses nobody has proven yet: anyone
can make the platform write to any address through the sign-up form. They therefore carry no
text chosen by whoever asked (no name, no free text, no page of their choosing with words in
it), only the platform's own wording and links: the platform cannot be used to send spam or
phishing text in its name.

They leave the request: views queue them in core's outbox and the task worker builds and
sends them (`register_renderers`, called by AccountsConfig.ready). Links holding a token
(verification, password reset) are made at delivery, so no secret waits in the outbox. At
most PER_ADDRESS_PER_HOUR of them are queued to one address per hour: beyond, the request
gets the same answer but nothing is queued, and a log line says so with the account's id
(nobody learns from the answer whether an address has an account)."""

import re
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from maillage.accounts import services
from maillage.accounts.models import User
from maillage.core import outbox
from maillage.core.models import OutboundEmail
from maillage.core.text import single_line

VERIFICATION = "accounts.verification"
ACCOUNT_EXISTS = "accounts.account_exists"
PASSWORD_RESET = "accounts.password_reset"  # noqa: S105 — a topic, not a password
PER_ADDRESS_PER_HOUR = 5
PER_ADDRESS = outbox.Throttle(
    PER_ADDRESS_PER_HOUR,
    timedelta(hours=1),
    frozenset({VERIFICATION, ACCOUNT_EXISTS, PASSWORD_RESET}),
)


def templated_message(template_prefix: str, to: str, context: dict) -> EmailMultiAlternatives:
    """`<prefix>_subject.txt`, `<prefix>.txt` and `<prefix>.html` rendered with context."""
    subject = render_to_string(f"{template_prefix}_subject.txt", context)
    message = EmailMultiAlternatives(
        subject=single_line(subject),
        body=render_to_string(f"{template_prefix}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
    message.attach_alternative(render_to_string(f"{template_prefix}.html", context), "text/html")
    return message


def site_link(path: str) -> str:
    """An absolute link for an email: on MAILLAGE_SITE_URL, never on a request's Host
    header, whose port (or, behind a proxy, scheme) the requester chooses."""
    return settings.MAILLAGE_SITE_URL.rstrip("/") + path


# Query parameters a verification link may carry on: short names, values without letters
# (dates, times, numbers), so that no sentence fits in them.
_QUERY_NAME = re.compile(r"[a-z]{1,12}")
_QUERY_VALUE = re.compile(r"[0-9:-]{1,25}")


def going_to_for_unverified(path: str) -> str:
    """Where a verification link may lead after verifying, from `path` (a page of this site,
    already checked to be local): the page when its address holds no words (every captured
    part a number), with only the query parameters whose value is a date, time or number;
    else "" (the account page). A link in an email to an unproven address carries no text
    chosen by the requester (a slug or a query value could say anything)."""
    parts = urlsplit(path)
    if parts.scheme or parts.netloc:
        return ""
    try:
        match = resolve(parts.path)
    except Resolver404:
        return ""
    if match.args or any(not isinstance(value, int) for value in match.kwargs.values()):
        return ""
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query)
        if _QUERY_NAME.fullmatch(name) and _QUERY_VALUE.fullmatch(value)
    ]
    return parts.path + (f"?{urlencode(query)}" if query else "")


def queue_verification_email(user: User, going_to: str = "") -> None:
    """Queue the link that verifies `user`'s address, leading on to `going_to` (a path
    from `going_to_for_unverified`). The email names neither the person nor anything they
    typed."""
    outbox.queue(
        VERIFICATION, user.email, user=user, context={"next": going_to}, throttle=PER_ADDRESS
    )


def queue_account_exists_email(email: str) -> None:
    """Someone tried to sign up with `email`, which already has an account."""
    owner = User.objects.filter(email=email).first()
    outbox.queue(ACCOUNT_EXISTS, email, user=owner, throttle=PER_ADDRESS)


def queue_password_reset_email(user: User, email: str) -> None:
    """`user` (address `email`) asked to choose a new password."""
    outbox.queue(PASSWORD_RESET, email, user=user, throttle=PER_ADDRESS)


def _verification(email: OutboundEmail, now) -> EmailMultiAlternatives:
    assert email.user is not None  # queued with its account (and deleted with it)
    path = reverse("accounts:verify_email", args=[services.verification_token(email.user)])
    if email.context.get("next"):
        path += "?" + urlencode({"next": email.context["next"]})
    context = {
        "email": email.address,
        "link": site_link(path),
        "valid_days": services.VERIFICATION_MAX_AGE.days,
    }
    return templated_message("accounts/emails/verification", email.address, context)


def _account_exists(email: OutboundEmail, now) -> EmailMultiAlternatives:
    context = {
        "login_link": site_link(reverse("accounts:login")),
        "reset_link": site_link(reverse("accounts:password_reset")),
    }
    return templated_message("accounts/emails/account_exists", email.address, context)


def _password_reset(email: OutboundEmail, now) -> EmailMultiAlternatives:
    """Django's password reset email (the context of PasswordResetForm.save), with a token
    made now and the link on MAILLAGE_SITE_URL."""
    user = email.user
    assert user is not None  # queued with its account (and deleted with it)
    site = urlsplit(settings.MAILLAGE_SITE_URL)
    context = {
        "email": email.address,
        "domain": site.netloc,
        "site_name": "Maillage",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": site.scheme,
    }
    return templated_message("accounts/emails/password_reset", email.address, context)


def register_renderers() -> None:
    """Tell the outbox how to build this module's emails."""
    outbox.register(VERIFICATION, _verification)
    outbox.register(ACCOUNT_EXISTS, _account_exists)
    outbox.register(PASSWORD_RESET, _password_reset)
