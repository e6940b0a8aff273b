"""Emails sent to account holders: plain text with an HTML alternative, in French."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from maillage.accounts.models import User
from maillage.accounts.services import VERIFICATION_MAX_AGE


def send_templated_email(template_prefix: str, to: str, context: dict) -> None:
    """Sends `<prefix>_subject.txt`, `<prefix>.txt` and `<prefix>.html` rendered with context."""
    subject = render_to_string(f"{template_prefix}_subject.txt", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string(f"{template_prefix}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
    message.attach_alternative(render_to_string(f"{template_prefix}.html", context), "text/html")
    message.send()


def send_verification_email(user: User, link: str) -> None:
    """The link that verifies `user`'s address (`link` is absolute)."""
    send_templated_email(
        "accounts/emails/verification",
        user.email,
        {"user": user, "link": link, "valid_days": VERIFICATION_MAX_AGE.days},
    )


def send_account_exists_email(email: str, login_link: str, reset_link: str) -> None:
    """Someone tried to sign up with an address that already has an account."""
    send_templated_email(
        "accounts/emails/account_exists",
        email,
        {"login_link": login_link, "reset_link": reset_link},
    )
