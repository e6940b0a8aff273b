"""Emails (French) about event registrations: to the person when their registration is made
(registered, awaiting the organiser's approval, on the waiting list with their rank), when
seats are offered to them from the waiting list (with the deadline to confirm, Paris time),
when that deadline is brought forward (the registration deadline moved earlier), when an
offer lapses, when the organiser approves, declines or cancels, when the event is
cancelled, the day before (reminder), and the organiser's own messages; to the organisers
when a registration awaits their approval.

Services queue them inside their transaction (`queue`) in core's outbox (topic TOPIC, the
context naming the kind and the registration by id); the task worker builds each with
`message_of` from the database as it is then (a waiting entry's rank is its rank when the
email leaves): plain text with an HTML alternative (accounts.emails.templated_message, the
templates events/emails/registration and events/emails/message), the event's date and times
as its pages write them (agenda.when). Reminders are queued by a periodic task
(events.tasks).

Links lead to the event's public page, EVENT_PAGE, which the app serving it registers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from maillage.accounts.emails import site_link, templated_message
from maillage.accounts.models import User
from maillage.booking.notifications import place_contact
from maillage.core import outbox
from maillage.core.formatting import french_moment
from maillage.core.links import PageLink
from maillage.core.models import OutboundEmail
from maillage.core.text import count, single_line
from maillage.events import agenda, selectors, waitlist
from maillage.events.models import (
    Event,
    EventMessage,
    EventStatus,
    Organiser,
    Registration,
    RegistrationStatus,
)
from maillage.events.price_lines import registered_prices

logger = logging.getLogger(__name__)

TOPIC = "events"
# An event's public page, by the event's id: the app serving it registers its path.
EVENT_PAGE = PageLink("an event's public page")


@dataclass(frozen=True)
class Kind:
    """What an email kind is called (`subject`, before « — <event title> ») and to whom it
    goes (`for_organisers`: the organisers rather than the person)."""

    subject: str
    for_organisers: bool = False


KINDS = {
    "registered": Kind("Votre inscription est confirmée"),
    "awaiting_approval": Kind("Votre demande d'inscription est enregistrée"),
    "waiting": Kind("Vous êtes sur la liste d'attente"),
    "offered": Kind("Des places se sont libérées pour vous"),
    "offer_shortened": Kind("Le délai pour confirmer vos places est avancé"),
    "lapsed": Kind("Le délai pour confirmer est passé"),
    "approved": Kind("Votre inscription est acceptée"),
    "declined": Kind("Votre demande d'inscription n'a pas été acceptée"),
    "cancelled": Kind("Votre inscription est annulée"),
    "left": Kind("Vous avez quitté la liste d'attente"),
    "offer_declined": Kind("Vous avez renoncé aux places proposées"),
    "event_cancelled": Kind("Atelier annulé"),
    "reminder": Kind("Rappel : votre atelier demain"),
    "organiser_request": Kind("Demande d'inscription à valider", for_organisers=True),
}
MESSAGE = "message"

# The email telling a person where their registration now stands, by its new status.
STATUS_KINDS = {
    RegistrationStatus.REGISTERED: "registered",
    RegistrationStatus.AWAITING_APPROVAL: "awaiting_approval",
    RegistrationStatus.WAITING: "waiting",
}


def queue(kind: str, registration: Registration, to: User, **context: object) -> None:
    """Queue an email of `kind` (a key of KINDS, or MESSAGE) about `registration` to `to`,
    in the caller's transaction; `context`: more JSON values for the email (a message's id,
    who cancelled)."""
    outbox.queue(
        TOPIC,
        to.email,
        user=to,
        context={"kind": kind, "registration": registration.pk, **context},
    )


def organisers_to_tell(event: Event) -> list[User]:
    """Who is told of a registration awaiting approval: the place's active managers for an
    event the place organises; the active staff member who created it for the
    Département's."""
    if event.organiser == Organiser.PLACE:
        return list(event.place.managers.filter(is_active=True).order_by("pk"))
    creator = event.created_by
    return [creator] if creator.is_active else []


def registration_made(registration: Registration) -> None:
    """A registration was made: the person is told where it stands (registered, awaiting
    approval, on the waiting list), and the organisers when it awaits their approval."""
    queue(STATUS_KINDS[RegistrationStatus(registration.status)], registration, registration.user)
    if registration.status == RegistrationStatus.AWAITING_APPROVAL:
        for organiser in organisers_to_tell(registration.event):
            queue("organiser_request", registration, organiser)


def _context(email: OutboundEmail, registration: Registration, now: datetime) -> dict[str, object]:
    event = registration.event
    place = event.place
    kind = email.context["kind"]
    offered_until = registration.offered_until
    rank = selectors.waiting_rank(registration)
    return {
        "kind": kind,
        "for_organisers": kind != MESSAGE and KINDS[kind].for_organisers,
        "user": email.user,
        "registration": registration,
        "event": event,
        "event_title": single_line(event.title),
        "when": agenda.when(event),
        "place_name": single_line(place.name),
        "place": place,
        "contact": place_contact(place),
        "seats": count(registration.seats, "place"),
        "price": (
            registered_prices([registration], for_person=True)[registration.pk]
            if registration.price_cents
            else ""
        ),
        "rank": waitlist.rank_text(rank) if rank else "",
        "hold_hours": event.hold_hours,
        "offered_until": french_moment(offered_until) if offered_until else "",
        "person": selectors.person_label(registration.user),
        "reason": single_line(registration.status_reason),
        "by_organiser": email.context.get("by_organiser", False),
        # Seats declined: whether they went to the next waiting entries.
        "passed_on": email.context.get("passed_on", False),
        "event_cancelled": event.status == EventStatus.CANCELLED,
        "link": site_link(EVENT_PAGE(event.pk)),
    }


def message_of(email: OutboundEmail, now: datetime) -> EmailMultiAlternatives:
    """The email to send for a queued outbox row of TOPIC at `now`, built from the database
    as it is: a registration's news (its `kind`), or an organiser's message; its subject is
    «<the kind's or the message's subject> — <event title>», on one line."""
    registration = Registration.objects.select_related(
        "event__place__commune", "event__created_by", "user"
    ).get(pk=email.context["registration"])
    context = _context(email, registration, now)
    if email.context["kind"] == MESSAGE:
        sent = EventMessage.objects.get(pk=email.context["message"])
        context["message"] = sent
        context["subject"] = single_line(sent.subject)
        template = "events/emails/message"
    else:
        context["subject"] = KINDS[email.context["kind"]].subject
        template = "events/emails/registration"
    return templated_message(template, email.address, context)


def queue_reminders(now: datetime | None = None) -> int:
    """Queue a reminder for each registered person (not awaiting approval, not waiting, not
    having turned reminders off: User.remind_events) of a published event starting
    tomorrow (Paris date); safe to run twice: a registration is
    reminded once, `reminded_at` set in the same transaction. One registration's failure is
    logged and the others go on (it is tried again on the next run). How many were
    queued."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    due = Registration.objects.filter(
        status=RegistrationStatus.REGISTERED,
        reminded_at__isnull=True,
        event__status=EventStatus.PUBLISHED,
        event__start__date=tomorrow,
        user__remind_events=True,
    ).select_related("user")
    queued = 0
    for registration in due:
        try:
            with transaction.atomic():
                claimed = Registration.objects.filter(
                    pk=registration.pk,
                    status=RegistrationStatus.REGISTERED,
                    reminded_at__isnull=True,
                ).update(reminded_at=now)
                if claimed:
                    queue("reminder", registration, registration.user)
        except Exception:  # one registration's failure must not stop the others' reminders
            logger.exception("reminder of registration %s not queued", registration.pk)
        else:
            queued += claimed
    return queued
