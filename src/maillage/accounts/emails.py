"""Emails sent to account holders: plain text with an HTML alternative, in French.

The verification and «account exists» emails go to addresses nobody has proven yet: anyone
can make the platform write to any address through the sign-up form. They therefore carry no
text chosen by whoever asked (no name, no free text, no page of their choosing with words in
it), only the platform's own wording and links: the platform cannot be used to send spam or
phishing text in its name."""

import logging
import re
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve

from maillage.accounts.models import User
from maillage.accounts.services import VERIFICATION_MAX_AGE
from maillage.core.text import single_line

logger = logging.getLogger(__name__)


def send_templated_email(template_prefix: str, to: str, context: dict) -> None:
    """Sends `<prefix>_subject.txt`, `<prefix>.txt` and `<prefix>.html` rendered with context.
    A failure is logged (the template, not the address) and raised."""
    subject = render_to_string(f"{template_prefix}_subject.txt", context)
    message = EmailMultiAlternatives(
        subject=single_line(subject),
        body=render_to_string(f"{template_prefix}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
    message.attach_alternative(render_to_string(f"{template_prefix}.html", context), "text/html")
    try:
        message.send()
    except Exception as error:
        # Which email and the error's type: never the address (the error's text may hold it).
        logger.error("Account email %s not sent: %s", template_prefix, type(error).__name__)
        raise


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


def send_verification_email(user: User, link: str) -> None:
    """The link that verifies `user`'s address (`link` is absolute; build its `next` with
    `going_to_for_unverified`). The email names neither the person nor anything they typed."""
    send_templated_email(
        "accounts/emails/verification",
        user.email,
        {"email": user.email, "link": link, "valid_days": VERIFICATION_MAX_AGE.days},
    )


def send_account_exists_email(email: str, login_link: str, reset_link: str) -> None:
    """Someone tried to sign up with an address that already has an account."""
    send_templated_email(
        "accounts/emails/account_exists",
        email,
        {"login_link": login_link, "reset_link": reset_link},
    )
