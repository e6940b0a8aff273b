"""Helpers of the account tests: the strong password, links and texts of pages and emails."""

import html
import re

from django.core import mail

from maillage.core import outbox

STRONG_PASSWORD = "tiers-lieu-Boulogne-2026"


def verification_path(message) -> str:
    """The path of the verification link in an email (plain text body)."""
    match = re.search(r"https?://[^/\s]+(/inscription/verifier/[^\s?]+/(?:\?\S+)?)", message.body)
    assert match, message.body
    return match.group(1)


def delivered() -> list:
    """The emails sent so far, once the worker's delivery ran (account emails are queued by
    the request and sent by the task worker)."""
    outbox.deliver_due()
    return mail.outbox


def last_verification_path() -> str:
    return verification_path(delivered()[-1])


def page_text(response) -> str:
    """The response's HTML with entities decoded (Django escapes apostrophes)."""
    return html.unescape(response.content.decode())


def messages_of(response) -> str:
    """The text of the page's message block (after a redirect)."""
    match = re.search(r'<div class="messages".*?</div>', page_text(response), re.S)
    return match.group(0) if match else ""
