"""The community's emails (French, plain text with an HTML alternative), built by the task
worker from the database as it is at delivery (core.outbox): the outbox row holds ids only.

- a message to the referent, and a message between members: the sender's address is the
  Reply-To (they were told so on the form); the recipient's address is never shown to them;
- an announcement, to each member who did not switch them off;
- a reminder before a funding opportunity's deadline.

Every email to a member says where to switch the community's emails off.
"""

import math
from datetime import datetime, timedelta

from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from maillage.accounts.emails import site_link, templated_message
from maillage.community import selectors
from maillage.community.models import (
    Announcement,
    FundingOpportunity,
    MemberMessage,
    ReferentMessage,
)
from maillage.core import outbox
from maillage.core.formatting import french_moment
from maillage.core.models import OutboundEmail
from maillage.core.text import count, single_line

REFERENT_TOPIC = "community.referent_message"
MEMBER_TOPIC = "community.member_message"
ANNOUNCEMENT_TOPIC = "community.announcement"
FUNDING_TOPIC = "community.funding_reminder"


def _common() -> dict[str, str]:
    return {"emails_url": site_link(reverse("community:my_emails"))}


def _referent_message(email: OutboundEmail, now: datetime) -> EmailMultiAlternatives:
    message = ReferentMessage.objects.select_related("sender", "referent").get(
        pk=email.context["message"]
    )
    sender = message.sender
    context = {
        "sender": single_line(selectors.sender_name(sender)),
        "sender_email": sender.email,
        "places": selectors.managed_place_names(sender),
        "subject": single_line(message.subject),
        "body": message.body,
        "sent_at": french_moment(message.sent_at),
    }
    built = templated_message("community/emails/referent_message", email.address, context)
    built.reply_to = [sender.email]
    return built


def _member_message(email: OutboundEmail, now: datetime) -> EmailMultiAlternatives:
    message = MemberMessage.objects.select_related("sender").get(pk=email.context["message"])
    sender = message.sender
    context = {
        **_common(),
        "sender": single_line(selectors.sender_name(sender)),
        "places": selectors.managed_place_names(sender),
        "body": message.body,
        "directory_url": site_link(reverse("community:directory")),
    }
    built = templated_message("community/emails/member_message", email.address, context)
    built.reply_to = [sender.email]
    return built


def _announcement(email: OutboundEmail, now: datetime) -> EmailMultiAlternatives:
    announcement = Announcement.objects.get(pk=email.context["announcement"])
    context = {
        **_common(),
        "title": single_line(announcement.title),
        "body": announcement.body,
        "url": site_link(reverse("community:announcement", args=[announcement.pk])),
    }
    return templated_message("community/emails/announcement", email.address, context)


def _funding_reminder(email: OutboundEmail, now: datetime) -> EmailMultiAlternatives:
    opportunity = FundingOpportunity.objects.get(pk=email.context["opportunity"])
    left = opportunity.deadline - now
    context = {
        **_common(),
        "opportunity": opportunity,
        "title": single_line(opportunity.title),
        "funder": single_line(opportunity.funder),
        "deadline": french_moment(opportunity.deadline),
        "until": "jusqu'au " + french_moment(opportunity.deadline).removeprefix("le "),
        "closed": left.total_seconds() <= 0,
        "left": count(max(1, math.ceil(left / timedelta(days=1))), "jour"),
        "audiences": ", ".join(opportunity.audiences()),
        "url": site_link(reverse("community:funding") + f"#financement-{opportunity.pk}"),
    }
    return templated_message("community/emails/funding_reminder", email.address, context)


def register_renderers() -> None:
    """Tell the outbox how to build the community's emails (CommunityConfig.ready)."""
    outbox.register(REFERENT_TOPIC, _referent_message)
    outbox.register(MEMBER_TOPIC, _member_message)
    outbox.register(ANNOUNCEMENT_TOPIC, _announcement)
    outbox.register(FUNDING_TOPIC, _funding_reminder)
