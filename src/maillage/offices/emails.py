"""The emails of office requests, queued in core's outbox and built at delivery:

- the confirmation link, to the address a request was sent from. Nobody has proven that
  address yet: like the accounts' verification, the email carries no text typed by whoever
  sent the request (neither the company's name nor the message), only the platform's words
  and the link, made at delivery (no secret waits in the queue);
- the new request, to each active manager of each place addressed, once confirmed, with a
  link to the request in their workspace (MANAGER_REQUEST_PAGE, registered by the managers'
  workspace);
- the place's answer or refusal, to the sender, replying to the place's address (or the
  manager's when the place gave none).
"""

from datetime import datetime

from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from maillage.accounts.emails import site_link, templated_message
from maillage.accounts.models import User
from maillage.core import outbox
from maillage.core.links import PageLink
from maillage.core.models import OutboundEmail
from maillage.core.text import single_line
from maillage.offices import confirmation
from maillage.offices.models import OfficeRequest, OfficeRequestPlace, RequestStatus

CONFIRMATION = "offices.confirmation"
NEW_REQUEST = "offices.new_request"
REPLY = "offices.reply"
# A request as a place's managers see it, by its row's id: the managers' workspace serves it.
MANAGER_REQUEST_PAGE = PageLink("an office request for a place's managers")


def queue_confirmation(office_request: OfficeRequest) -> None:
    """Queue the confirmation link of `office_request` to its address."""
    outbox.queue(CONFIRMATION, office_request.email, context={"request": office_request.pk})


def queue_new_request(row: OfficeRequestPlace, manager: User) -> None:
    """Tell `manager` that the request `row` reached their place."""
    outbox.queue(NEW_REQUEST, manager.email, user=manager, context={"row": row.pk})


def queue_reply(row: OfficeRequestPlace) -> None:
    """Send the place's decision on `row` (answered or declined, its text) to the sender."""
    outbox.queue(REPLY, row.request.email, context={"row": row.pk})


def _confirmation(email: OutboundEmail, now: datetime) -> EmailMultiAlternatives:
    office_request = OfficeRequest.objects.get(pk=email.context["request"])
    path = reverse("offices:confirm", args=[confirmation.token(office_request)])
    context = {
        "link": site_link(path),
        "valid_days": confirmation.MAX_AGE.days,
    }
    return templated_message("offices/emails/confirmation", email.address, context)


def _row(email: OutboundEmail) -> OfficeRequestPlace:
    return OfficeRequestPlace.objects.select_related("request", "place__commune", "decided_by").get(
        pk=email.context["row"]
    )


def _new_request(email: OutboundEmail, now: datetime) -> EmailMultiAlternatives:
    row = _row(email)
    context = {
        "place_name": single_line(row.place.name),
        "company": single_line(row.request.company_name),
        "request": row.request,
        "link": site_link(MANAGER_REQUEST_PAGE(row.pk)),
    }
    return templated_message("offices/emails/new_request", email.address, context)


def _reply(email: OutboundEmail, now: datetime) -> EmailMultiAlternatives:
    row = _row(email)
    place = row.place
    context = {
        "place": place,
        "place_name": single_line(place.name),
        "declined": row.status == RequestStatus.DECLINED,
        "reply": row.reply,
        "contact": ", ".join(part for part in (place.phone, place.email) if part),
        "place_link": site_link(place.get_absolute_url()),
    }
    message = templated_message("offices/emails/reply", email.address, context)
    answering = place.email or (row.decided_by.email if row.decided_by else "")
    if answering:
        message.reply_to = [answering]
    return message


def register_renderers() -> None:
    """Tell the outbox how to build this module's emails (OfficesConfig.ready)."""
    outbox.register(CONFIRMATION, _confirmation)
    outbox.register(NEW_REQUEST, _new_request)
    outbox.register(REPLY, _reply)
