"""Onboarding pages, thin over places.onboarding and places.manager_access:

- «Référencer mon tiers-lieu» (/referencer/), public;
- the Département's review of listing requests (/departement/referencements/), staff only;
- a place's managers (/gestion/lieux/<slug>/gestionnaires/): its managers and pending
  invitations, the invitation form (its managers and staff), the withdrawal (staff), the log;
- an invitation's link (/gestion/invitation/<token>/): set a password, or accept signed in.

Invalid forms answer 400 and write nothing; a success redirects with a French message.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from maillage.accounts.decorators import SignedInRequest, login_required
from maillage.accounts.models import User
from maillage.accounts.roles import STAFF_ONLY, has_departement_rights
from maillage.accounts.services import EmailAlreadyUsed
from maillage.core.forms import attach
from maillage.manager.access import managed_place
from maillage.manager.onboarding import forms
from maillage.places import manager_access, onboarding
from maillage.places.models import (
    ListingRequest,
    ListingRequestStatus,
    ManagerChange,
    ManagerInvitation,
    Place,
)


def _status(form: BaseForm) -> int:
    return 400 if form.errors else 200


# The public request


@require_http_methods(["GET", "HEAD", "POST"])
def listing_request(request: HttpRequest) -> HttpResponse:
    """The public form «Référencer mon tiers-lieu»."""
    form = forms.ListingRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        onboarding.submit_listing_request(**form.cleaned_data)
        messages.success(
            request,
            "Votre demande de référencement est envoyée : le Département l'examinera et "
            "vous écrira à l'adresse du contact.",
        )
        return redirect("web:home")
    return render(
        request, "manager/onboarding/listing_request.html", {"form": form}, status=_status(form)
    )


# The Département's review


def _staff(request: HttpRequest) -> None:
    if not has_departement_rights(request.user):
        raise PermissionDenied(STAFF_ONLY)


@login_required
def listing_requests(request: SignedInRequest) -> HttpResponse:
    """The requests to review, then the last ones reviewed."""
    _staff(request)
    requests = ListingRequest.objects.select_related("commune", "place")
    context = {
        "pending": requests.filter(status=ListingRequestStatus.TO_REVIEW).order_by("submitted_at"),
        "reviewed": requests.exclude(status=ListingRequestStatus.TO_REVIEW)[:50],
    }
    return render(request, "manager/onboarding/listing_requests.html", context)


def _initial_place(listing: ListingRequest) -> dict:
    return {
        "name": listing.place_name,
        "description": listing.description,
        "address": listing.address,
        "postal_code": listing.postal_code,
        "commune": listing.commune,
        "latitude": listing.commune.centroid_lat,
        "longitude": listing.commune.centroid_lon,
        "status": onboarding.STATUSES_ON_CREATION[0].value,
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def listing_request_review(request: SignedInRequest, request_id: int) -> HttpResponse:
    """A request, and the forms to create its place or refuse it."""
    _staff(request)
    listing = get_object_or_404(ListingRequest.objects.select_related("commune"), pk=request_id)
    create_form = forms.CreatePlaceForm(initial=_initial_place(listing))
    refusal_form = forms.RefusalForm()
    action = request.POST.get("action")
    if request.method == "POST" and action == "create":
        create_form = forms.CreatePlaceForm(request.POST, initial=_initial_place(listing))
        if create_form.is_valid():
            fields = dict(create_form.cleaned_data)
            invite = fields.pop("invite_contact")
            try:
                place = onboarding.accept_listing_request(
                    request.user, listing, invite_contact=invite, **fields
                )
            except ValidationError as error:
                attach(create_form, error)
            else:
                messages.success(
                    request,
                    f"Le lieu « {place.name} » est créé ({place.get_status_display().lower()})"
                    + (f" ; {listing.contact_email} est invité à le gérer." if invite else "."),
                )
                return redirect("manager:place_managers", slug=place.slug)
    elif request.method == "POST" and action == "refuse":
        refusal_form = forms.RefusalForm(request.POST)
        if refusal_form.is_valid():
            try:
                onboarding.refuse_listing_request(
                    request.user, listing, reason=refusal_form.cleaned_data["refusal_reason"]
                )
            except ValidationError as error:
                attach(refusal_form, error)
            else:
                messages.success(request, f"La demande « {listing.place_name} » est refusée.")
                return redirect("manager:listing_requests")
    elif request.method == "POST":
        create_form.add_error(None, "Choisissez de créer le lieu ou de refuser la demande.")
    invalid = bool(create_form.errors or refusal_form.errors)
    context = {"listing": listing, "create_form": create_form, "refusal_form": refusal_form}
    return render(
        request,
        "manager/onboarding/listing_request_review.html",
        context,
        status=400 if invalid else 200,
    )


# A place's managers


def _pending_invitations(place: Place) -> QuerySet[ManagerInvitation]:
    return place.invitations.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def place_managers(request: SignedInRequest, slug: str) -> HttpResponse:
    """A place's managers, pending invitations and log; the form inviting a co-manager."""
    place = managed_place(request, slug)
    form = forms.InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = manager_access.invite_manager(
                request.user, place, form.cleaned_data["email"]
            )
        except ValidationError as error:
            attach(form, error)
        else:
            messages.success(
                request,
                f"Invitation envoyée à {invitation.email} : le lien est valable "
                f"{manager_access.INVITATION_VALIDITY.days} jours.",
            )
            return redirect("manager:place_managers", slug=place.slug)
    context = {
        "manager_section": "places",
        "place": place,
        "managers": place.managers.order_by("last_name", "first_name", "email"),
        "invitations": _pending_invitations(place),
        "changes": ManagerChange.objects.filter(place=place).select_related("actor")[:50],
        "form": form,
        "can_withdraw": manager_access.can_withdraw(request.user),
    }
    return render(request, "manager/onboarding/place_managers.html", context, status=_status(form))


@login_required
@require_POST
def withdraw_manager(request: SignedInRequest, slug: str, user_id: int) -> HttpResponseBase:
    """Staff withdraw a manager of the place."""
    place = managed_place(request, slug)
    person = get_object_or_404(User, pk=user_id)
    try:
        manager_access.withdraw_manager(request.user, place, person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{person} ne gère plus « {place.name} ».")
    return redirect("manager:place_managers", slug=place.slug)


# An invitation's link


@require_http_methods(["GET", "HEAD", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Accept an invitation: a new account's password, or a button when signed in with the
    invited address; a link unusable (expired, used, not ours) says why, with status 400."""
    try:
        found = manager_access.invitation_for_token(token)
    except manager_access.InvitationError as error:
        return render(
            request, "manager/onboarding/invitation.html", {"problem": str(error)}, status=400
        )
    has_account = User.objects.filter(email=found.email).exists()
    form = None
    if not has_account:
        form = forms.InvitationAccountForm(request.POST or None, email=found.email)
    problem = ""
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            if form is None:
                if not request.user.is_authenticated:
                    raise manager_access.InvitationError(
                        "Connectez-vous d'abord avec l'adresse invitée."
                    )
                person = manager_access.accept_invitation(token, user=request.user)
            else:
                data = form.cleaned_data
                person = manager_access.accept_invitation(
                    token,
                    password=data["password1"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                )
                login(request, person, backend="django.contrib.auth.backends.ModelBackend")
        except (manager_access.InvitationError, EmailAlreadyUsed) as error:
            problem = str(error)
        else:
            messages.success(request, f"Vous gérez désormais « {found.place.name} ».")
            return redirect("manager:place_managers", slug=found.place.slug)
    context = {"invitation": found, "form": form, "problem": problem}
    invalid = bool(problem or (form is not None and form.errors))
    return render(
        request, "manager/onboarding/invitation.html", context, status=400 if invalid else 200
    )
