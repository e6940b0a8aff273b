"""Links in account emails lead to the platform's public address, whatever Host the request
named (a port or, behind a proxy, a scheme the requester chooses)."""

import re

import pytest
from django.urls import reverse

from tests.accounts.helpers import STRONG_PASSWORD, delivered

pytestmark = pytest.mark.django_db

SITE = "https://maillage.example"
HOSTILE_HOST = "127.0.0.1:6666"
LINK = re.compile(r"https?://[^\s\"'<>]+")


def _links(message) -> list[str]:
    bodies = [message.body] + [content for content, _ in getattr(message, "alternatives", [])]
    return [link for body in bodies for link in LINK.findall(body)]


def test_every_account_email_links_to_the_site_only(client, settings, resident):
    """The password reset link of anyone's account pointed to the Host header's port."""
    settings.MAILLAGE_SITE_URL = SITE
    host = {"HTTP_HOST": HOSTILE_HOST}
    signup = {
        "first_name": "Noé",
        "last_name": "Martin",
        "password1": STRONG_PASSWORD,
        "password2": STRONG_PASSWORD,
    }
    client.post(reverse("accounts:signup"), {**signup, "email": "nouvelle@exemple.test"}, **host)
    client.post(reverse("accounts:signup"), {**signup, "email": resident.email}, **host)
    client.post(reverse("accounts:password_reset"), {"email": resident.email}, **host)
    subjects = {message.subject for message in delivered()}
    assert len(subjects) == 3, subjects  # verification, account exists, password reset
    links = [link for message in delivered() for link in _links(message)]
    assert links
    assert [link for link in links if not link.startswith(SITE + "/")] == []
