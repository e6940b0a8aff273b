"""The email telling a person that one of their statuses ends soon (queued by
services.queue_expiry_notices, built at delivery by core's outbox worker). It names no
category: only the end date and the way to renew."""

from __future__ import annotations

from datetime import datetime

from django.core.mail import EmailMessage
from django.urls import reverse

from maillage.accounts.emails import site_link, templated_message
from maillage.core.dates import long_date
from maillage.core.models import OutboundEmail
from maillage.eligibility.models import EligibilityStatus

EXPIRY_TOPIC = "eligibility.expiry"


def expiry_message(email: OutboundEmail, now: datetime) -> EmailMessage:
    """The notice for the status in `email.context["status_id"]`; a status purged or decided
    otherwise since leaves a message saying only to look at the page."""
    status = EligibilityStatus.objects.filter(pk=email.context.get("status_id")).first()
    context = {
        "valid_until": long_date(status.valid_until) if status and status.valid_until else "",
        "for_child": bool(status and status.child_id),
        "link": site_link(reverse("eligibility:my_rights")),
    }
    return templated_message("eligibility/emails/expiry", email.address, context)
