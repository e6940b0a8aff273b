"""Use cases of offices: each checks the actor's rights, validates, and writes atomically,
recording who did what (each creation, edit and change of status of an offer in its history,
OfficeOfferLog; a request's answerer and when).

- save_offer: a place's managers (and Département staff) create and edit its offers;
- submit_request: anyone sends a request to the places of one to MAX_PLACES_PER_REQUEST
  published offers. The places see it once the sender has confirmed their address (the link
  emailed to it, confirm_by_token), at once when the sender is signed in with that address
  verified;
- answer and decline: a place's managers answer the request their place received, once;
  the sender is emailed the answer;
- purge: requests never confirmed are deleted after the link's validity, and the personal
  data of the others erased MAILLAGE_OFFICE_REQUEST_RETENTION_DAYS after they were sent
  (their figures stay for the demand per commune).

Refusals are PermissionDenied (French) or ValidationError naming the fields in French;
nothing is written then.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from maillage.accounts.services import normalize_email
from maillage.core.dates import long_date, years_later
from maillage.core.models import OutboundEmail
from maillage.offices import confirmation, emails
from maillage.offices.models import (
    PERSONAL_FIELDS,
    OfferStatus,
    OfficeOffer,
    OfficeOfferLog,
    OfficeRequest,
    OfficeRequestPlace,
    RequestStatus,
)
from maillage.places.models import Place, PlaceStatus
from maillage.places.permissions import require_editable
from maillage.territory.models import Commune

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from maillage.accounts.models import User

    # Who acts: a request's user (rights refuse an anonymous one where they matter).
    Actor = User | AnonymousUser

# What one request may address and name.
MAX_OFFERS_PER_REQUEST = 10
MAX_PLACES_PER_REQUEST = 5
MAX_COMMUNES_PER_REQUEST = 5
# Requests awaiting their confirmation one address may hold: beyond, a new one is refused.
MAX_PENDING_PER_ADDRESS = 3
# How far ahead a company may ask to move in.
START_HORIZON_YEARS = 2
# Anonymised requests are updated in batches of this many rows.
PURGE_BATCH = 500


@transaction.atomic
def save_offer(actor: Actor, offer: OfficeOffer) -> OfficeOffer:
    """Create `offer` (no primary key yet) for its place, or save the changes made to it.
    The actor edits the place (places.permissions: its managers, Département staff), the
    offer as stored, whose place never changes. A closed place publishes no offer. The
    change is appended to the offer's history (OfficeOfferLog: who, from which status to
    which, when). Raises PermissionDenied, or ValidationError (fields named, French), and
    then writes nothing."""
    before: str | None = None
    if offer.pk is None:
        require_editable(actor, offer.place)
        offer.created_by = actor
    else:
        stored = OfficeOffer.objects.select_for_update().get(pk=offer.pk)
        require_editable(actor, Place.objects.get(pk=stored.place_id))
        if offer.place_id != stored.place_id:
            raise ValidationError("Une offre reste attachée à son lieu.")
        before = stored.status
    offer.updated_by = actor  # type: ignore[assignment]
    offer.full_clean()
    if offer.status == OfferStatus.PUBLISHED and offer.place.status == PlaceStatus.CLOSED:
        raise ValidationError({"status": "Ce lieu est fermé : ses offres ne sont pas publiées."})
    offer.save()
    OfficeOfferLog.objects.create(
        offer=offer,
        actor=actor,  # type: ignore[misc]  # signed in: require_editable let them in
        from_status=before,
        to_status=offer.status,
        at=offer.updated_at,
    )
    return offer


def _places_of(offers: Iterable[OfficeOffer]) -> dict[int, list[OfficeOffer]]:
    by_place: dict[int, list[OfficeOffer]] = {}
    for offer in offers:
        by_place.setdefault(offer.place_id, []).append(offer)
    return by_place


def start_date_error(start: date, today: date) -> str | None:
    """Why a wished start date (a Paris day) is refused on `today`, in French; None if not."""
    if start < today:
        return "La date d'entrée souhaitée est passée : choisissez aujourd'hui ou une date à venir."
    last = years_later(today, START_HORIZON_YEARS)
    if start > last:
        return f"La date d'entrée souhaitée est trop lointaine : au plus tard le {long_date(last)}."
    return None


def request_errors(
    *,
    email: str,
    start_date: date | None,
    offers: Sequence[OfficeOffer],
    communes: Sequence[Commune],
    now: datetime,
) -> dict[str, list[str]]:
    """The rules of a request beyond its fields', by field (French): at least one and at most
    MAX_OFFERS_PER_REQUEST offers, of at most MAX_PLACES_PER_REQUEST places; at most
    MAX_COMMUNES_PER_REQUEST communes wished; a start date from today (Paris) to
    START_HORIZON_YEARS ahead; at most MAX_PENDING_PER_ADDRESS requests of `email` awaiting
    confirmation. The form shows them all at once; submit_request checks them again."""
    errors: dict[str, list[str]] = {}
    if not offers:
        errors["offers"] = [
            "Choisissez au moins une offre : votre demande est envoyée aux lieux qui les proposent."
        ]
    elif len(offers) > MAX_OFFERS_PER_REQUEST:
        errors["offers"] = [
            f"Choisissez au plus {MAX_OFFERS_PER_REQUEST} offres (vous en avez choisi "
            f"{len(offers)})."
        ]
    else:
        places = len(_places_of(offers))
        if places > MAX_PLACES_PER_REQUEST:
            errors["offers"] = [
                f"Choisissez des offres d'au plus {MAX_PLACES_PER_REQUEST} lieux (vous en "
                f"avez choisi {places})."
            ]
    if len(communes) > MAX_COMMUNES_PER_REQUEST:
        errors["communes"] = [
            f"Choisissez au plus {MAX_COMMUNES_PER_REQUEST} communes (vous en avez choisi "
            f"{len(communes)})."
        ]
    if start_date is not None:
        refused = start_date_error(start_date, timezone.localdate(now))
        if refused:
            errors["start_date"] = [refused]
    if email:
        pending = OfficeRequest.objects.filter(
            email=normalize_email(email),
            confirmed_at__isnull=True,
            created_at__gt=now - confirmation.MAX_AGE,
        ).count()
        if pending >= MAX_PENDING_PER_ADDRESS:
            errors["email"] = [
                f"{MAX_PENDING_PER_ADDRESS} demandes envoyées depuis cette adresse attendent "
                "déjà sa confirmation : ouvrez le lien reçu par courriel, puis réessayez."
            ]
    return errors


def _address_proven(actor: Actor, email: str) -> bool:
    """Whether `actor` is signed in with `email` as their verified address."""
    return bool(
        actor.is_authenticated
        and actor.is_active
        and actor.email_verified_at is not None
        and normalize_email(actor.email) == email
    )


@transaction.atomic
def submit_request(
    actor: Actor,
    office_request: OfficeRequest,
    offers: Sequence[OfficeOffer],
    communes: Sequence[Commune],
    *,
    now: datetime | None = None,
    notify: bool = True,
) -> OfficeRequest:
    """Store `office_request` (unsaved, its fields set) addressed to the places of `offers`
    (published offers of the active département, read again here), naming `communes` and the
    communes of those places; one OfficeRequestPlace per place, with its offers. The sender
    then confirms by the link queued to their address, unless `actor` is signed in with that
    address verified: then the places' managers are told at once (`notify`: the link, or
    the managers' news, emailed; the demo confirms its own requests).
    Raises ValidationError (request_errors, the model's rules) and writes nothing then."""
    now = now or timezone.now()
    office_request.email = normalize_email(office_request.email)
    wanted = {offer.pk for offer in offers}
    found = list(
        OfficeOffer.objects.shown(settings.MAILLAGE_DEPARTEMENT)
        .filter(pk__in=wanted)
        .select_related("place__commune")
        .order_by("place__name", "title", "pk")
    )
    errors = request_errors(
        email=office_request.email,
        start_date=office_request.start_date,
        offers=offers,
        communes=communes,
        now=now,
    )
    if len(found) < len(wanted) and "offers" not in errors:
        errors["offers"] = [
            "Une offre choisie n'est plus publiée : choisissez parmi les offres proposées."
        ]
    try:
        office_request.full_clean()
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    office_request.created_at = now
    office_request.save()
    office_request.communes.set({*communes, *(offer.place.commune for offer in found)})
    for place_id, its_offers in _places_of(found).items():
        row = OfficeRequestPlace.objects.create(request=office_request, place_id=place_id)
        row.offers.set(its_offers)
    if _address_proven(actor, office_request.email):
        _confirm(office_request, now, notify=notify)
    elif notify:
        emails.queue_confirmation(office_request)
    return office_request


def _confirm(office_request: OfficeRequest, now: datetime, *, notify: bool) -> None:
    """Mark the request confirmed: its places see it; their active managers are emailed."""
    office_request.confirmed_at = now
    office_request.save(update_fields=["confirmed_at"])
    if not notify:
        return
    for row in office_request.places.select_related("place"):
        for manager in row.place.managers.filter(is_active=True).order_by("pk"):
            emails.queue_new_request(row, manager)


@transaction.atomic
def confirm(
    office_request: OfficeRequest, *, now: datetime | None = None, notify: bool = True
) -> OfficeRequest:
    """Confirm `office_request`: its places see it, their managers are emailed (`notify`).
    Once: two confirmations at the same time confirm it once, the other raises
    confirmation.AlreadyConfirmed; confirmation.LinkRefused (GONE) if it was deleted
    meanwhile (purge, its link having just expired)."""
    # Locked: two clicks at the same time confirm (and tell the places) once.
    locked = OfficeRequest.objects.select_for_update().filter(pk=office_request.pk).first()
    if locked is None:
        raise confirmation.LinkRefused(confirmation.GONE)
    if locked.confirmed_at is not None:
        raise confirmation.AlreadyConfirmed(confirmation.ALREADY_CONFIRMED)
    _confirm(locked, now or timezone.now(), notify=notify)
    return locked


@transaction.atomic
def confirm_by_token(token: str, *, now: datetime | None = None) -> OfficeRequest:
    """Confirm the request of a confirmation link (confirm); confirmation.LinkRefused
    saying why the link cannot be used."""
    return confirm(confirmation.request_of(token), now=now)


def _decide(
    actor: Actor,
    row: OfficeRequestPlace,
    status: RequestStatus,
    text: str,
    now: datetime | None,
    notify: bool,
) -> OfficeRequestPlace:
    now = now or timezone.now()
    with transaction.atomic():
        # Locked: two managers answering at once answer once.
        locked = OfficeRequestPlace.objects.select_for_update().get(pk=row.pk)
        require_editable(actor, Place.objects.get(pk=locked.place_id))
        office_request = OfficeRequest.objects.get(pk=locked.request_id)
        if office_request.confirmed_at is None:
            raise ValidationError("Cette demande attend la confirmation de son expéditeur.")
        if office_request.anonymised_at is not None:
            raise ValidationError(
                "Cette demande est ancienne : les coordonnées de son expéditeur sont effacées."
            )
        if locked.status != RequestStatus.NEW:
            raise ValidationError(
                f"Cette demande a déjà reçu la réponse du lieu "
                f"({locked.get_status_display().lower()})."
            )
        text = text.strip()
        if status == RequestStatus.ANSWERED and not text:
            raise ValidationError(
                {"reply": "Écrivez votre réponse : elle est envoyée par courriel au demandeur."}
            )
        locked.status = status
        locked.reply = text
        locked.decided_by = actor  # type: ignore[assignment]  # signed in (rights above)
        locked.decided_at = now
        locked.full_clean()
        locked.save()
        locked.request = office_request
        if notify:
            emails.queue_reply(locked)
    return locked


def answer(
    actor: Actor,
    row: OfficeRequestPlace,
    reply: str,
    *,
    now: datetime | None = None,
    notify: bool = True,
) -> OfficeRequestPlace:
    """The place's answer to the request it received (`reply`, required, several lines),
    emailed to the sender (`notify`); once. Raises PermissionDenied (not the actor's
    place), or ValidationError (already answered, no text, the sender's data erased)."""
    return _decide(actor, row, RequestStatus.ANSWERED, reply, now, notify)


def decline(
    actor: Actor, row: OfficeRequestPlace, reason: str = "", *, now: datetime | None = None
) -> OfficeRequestPlace:
    """The place cannot take the request (`reason`, optional, emailed to the sender); once.
    Raises as answer does."""
    return _decide(actor, row, RequestStatus.DECLINED, reason, now, True)


def _forget_emails(request_ids: list[int]) -> None:
    """Delete the outbox's rows of the emails sent to these requests' senders (their
    confirmation links and the places' answers): they hold the sender's address."""
    rows = OfficeRequestPlace.objects.filter(request_id__in=request_ids)
    OutboundEmail.objects.filter(
        topic=emails.CONFIRMATION, context__request__in=request_ids
    ).delete()
    OutboundEmail.objects.filter(
        topic=emails.REPLY, context__row__in=list(rows.values_list("pk", flat=True))
    ).delete()


def purge(now: datetime | None = None) -> dict[str, int]:
    """Delete the requests never confirmed once their link has expired, and erase the
    personal data (PERSONAL_FIELDS, the places' replies, the outbox's emails to the sender)
    of the requests sent longer than MAILLAGE_OFFICE_REQUEST_RETENTION_DAYS ago; how many
    of each («deleted», «anonymised»)."""
    now = now or timezone.now()
    deleted = 0
    stale = OfficeRequest.objects.filter(
        confirmed_at__isnull=True, created_at__lt=now - confirmation.MAX_AGE
    )
    while True:
        with transaction.atomic():
            # Locked: a request confirmed at the same moment is not stale any more (the
            # filter is checked again once its confirmation commits), so not deleted.
            ids = list(
                stale.select_for_update(of=("self",)).values_list("pk", flat=True)[:PURGE_BATCH]
            )
            if not ids:
                break
            _forget_emails(ids)
            deleted += (
                OfficeRequest.objects.filter(pk__in=ids)
                .delete()[1]
                .get(OfficeRequest._meta.label, 0)
            )
    cutoff = now - timedelta(days=settings.MAILLAGE_OFFICE_REQUEST_RETENTION_DAYS)
    old = OfficeRequest.objects.filter(
        confirmed_at__isnull=False, anonymised_at__isnull=True, created_at__lt=cutoff
    )
    anonymised = 0
    while ids := list(old.values_list("pk", flat=True)[:PURGE_BATCH]):
        with transaction.atomic():
            _forget_emails(ids)
            OfficeRequestPlace.objects.filter(request_id__in=ids).update(reply="")
            anonymised += OfficeRequest.objects.filter(pk__in=ids).update(
                anonymised_at=now, **dict.fromkeys(PERSONAL_FIELDS, "")
            )
    return {"deleted": deleted, "anonymised": anonymised}
