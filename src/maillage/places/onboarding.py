"""A tiers-lieu joins the network: its listing request, and the Département's review.

Anyone sends a request (submit_listing_request: the place, its contact, its SIRET checked
with its Luhn key); Département staff create the place from it, «en préparation» or
«ouvert», and may invite the contact as its first manager (accept_listing_request), or
refuse it with a reason (refuse_listing_request). Each decision records who and when.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from maillage.accounts.roles import has_departement_rights
from maillage.places import manager_access, services
from maillage.places.models import ListingRequest, ListingRequestStatus, Place, PlaceStatus

if TYPE_CHECKING:
    from maillage.accounts.models import User
    from maillage.places.services import Actor

# The statuses staff choose from when creating a place from a request.
STATUSES_ON_CREATION = (PlaceStatus.PREPARING, PlaceStatus.OPEN)
STAFF_ONLY = "Seuls les agents du Département examinent les demandes de référencement."


@transaction.atomic
def submit_listing_request(**fields: Any) -> ListingRequest:
    """Store a listing request with these model fields (anyone may send one). Raises
    ValidationError, fields named in French (the SIRET's length, digits and key…)."""
    request = ListingRequest(**fields)
    request.full_clean()
    request.save()
    return request


def _pending(actor: Actor, request: ListingRequest) -> ListingRequest:
    if not has_departement_rights(actor):
        raise PermissionDenied(STAFF_ONLY)
    locked = ListingRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != ListingRequestStatus.TO_REVIEW:
        raise ValidationError(
            f"Cette demande a déjà été examinée ({locked.get_status_display().lower()})."
        )
    return locked


def _reviewed(actor: User, request: ListingRequest, status: ListingRequestStatus) -> None:
    request.status = status
    request.reviewed_by = actor
    request.reviewed_at = timezone.now()


@transaction.atomic
def accept_listing_request(
    actor: User, request: ListingRequest, *, invite_contact: bool, **place_fields: Any
) -> Place:
    """Create the place of a pending request (staff only) with `place_fields` (model fields:
    name, slug, address, coordinates, status among STATUSES_ON_CREATION, opening_date…),
    its SIRET, contact email, phone and website taken from the request; when
    `invite_contact`, the contact is invited as its manager. Raises PermissionDenied, or
    ValidationError (fields named) and then writes nothing."""
    request = _pending(actor, request)
    if place_fields.get("status") not in STATUSES_ON_CREATION:
        raise ValidationError({"status": "Choisissez « En préparation » ou « Ouvert »."})
    place = services.create_place(
        actor,
        siret=request.siret,
        email=request.contact_email,
        phone=request.contact_phone,
        website=request.website,
        **place_fields,
    )
    _reviewed(actor, request, ListingRequestStatus.ACCEPTED)
    request.place = place
    request.save()
    if invite_contact:
        manager_access.invite_manager(actor, place, request.contact_email)
    return place


@transaction.atomic
def refuse_listing_request(actor: User, request: ListingRequest, *, reason: str) -> None:
    """Refuse a pending request (staff only) with `reason` (required, several lines)."""
    request = _pending(actor, request)
    if not reason.strip():
        raise ValidationError({"refusal_reason": "Indiquez le motif du refus."})
    _reviewed(actor, request, ListingRequestStatus.DECLINED)
    request.refusal_reason = reason.strip()
    request.full_clean()
    request.save()
