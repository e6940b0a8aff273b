"""The email telling staff an envelope fell below their threshold (queued in the outbox, in
the transaction of the booking that made it cross, built at delivery)."""

from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage

from maillage.core import outbox
from maillage.core.models import OutboundEmail
from maillage.core.text import euros, single_line
from maillage.programmes.models import Envelope

TOPIC = "programmes.envelope_low"


def envelope_crossed(envelope_id: int, address: str, now: datetime) -> None:
    """Queue the warning about envelope `envelope_id` to `address` (the caller's transaction)."""
    outbox.queue(TOPIC, address, context={"envelope": envelope_id}, now=now)


def message_of(email: OutboundEmail, now: datetime) -> EmailMessage:
    """The warning, with what is left as it is at delivery."""
    envelope = Envelope.objects.select_related("programme").get(pk=email.context["envelope"])
    programme = envelope.programme
    body = (
        "Bonjour,\n\n"
        f"L'enveloppe du dispositif « {programme.name} » est passée sous le seuil d'alerte de "
        f"{euros(envelope.warn_below_cents)} : il reste "
        f"{euros(envelope.left_cents)} sur {euros(envelope.budget_cents)} "
        "accordés.\n\n"
        "Quand elle est épuisée, les réservations se font au prix public. Pour l'abonder, "
        "rendez-vous dans le back-office, rubrique « Dispositifs ».\n\n"
        "— Maillage\n"
    )
    return EmailMessage(
        subject=single_line(f"Enveloppe bientôt épuisée : {programme.name}"),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.address],
    )
