"""The Département's pages of the community (/departement/communaute/…), for staff only
(others 403, anonymous visitors to the login), thin over the services:

- the referent (named or changed) and the messages written to them;
- a new announcement (published, then emailed by the task queue);
- a new shared document, and a document's deletion (confirmed first);
- a funding opportunity, new or changed, and its deletion (confirmed first).

Invalid forms answer 400 and write nothing; a success redirects to the members' page where
the result shows, with a French message.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from maillage.accounts.decorators import SignedInRequest, login_required
from maillage.accounts.roles import require_departement_staff
from maillage.community import announcements, documents, forms, funding, selectors
from maillage.community import services as community_services
from maillage.community.models import Document, FundingOpportunity, Referent, ReferentMessage

# The messages to the referent listed on their page, the latest first.
MESSAGES_SHOWN = 30


def _status(form: BaseForm) -> int:
    return 400 if form.errors else 200


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def referent(request: SignedInRequest) -> HttpResponse:
    """Name the referent or change their details; the last messages written to them."""
    require_departement_staff(request.user)
    current = Referent.objects.current()
    form = forms.ReferentForm(request.POST or None, instance=current or Referent())
    if request.method == "POST" and form.is_valid():
        try:
            named = community_services.set_referent(request.user, **form.cleaned_data)
        except ValidationError as error:
            forms.attach(form, error)
        else:
            messages.success(request, f"{named.name} est la personne référente du Département.")
            return redirect("community:staff_referent")
    return render(
        request,
        "community/staff/referent.html",
        {
            "form": form,
            "current": current,
            "messages_received": ReferentMessage.objects.select_related("sender", "referent")[
                :MESSAGES_SHOWN
            ],
        },
        status=_status(form),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def announcement(request: SignedInRequest) -> HttpResponse:
    """Publish an announcement to every member."""
    require_departement_staff(request.user)
    form = forms.AnnouncementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            published = announcements.publish(request.user, **form.cleaned_data)
        except ValidationError as error:
            forms.attach(form, error)
        else:
            messages.success(
                request,
                "L'annonce est publiée ; les courriels partent dans quelques minutes.",
            )
            return redirect("community:announcement", published.pk)
    return render(
        request,
        "community/staff/announcement.html",
        {"form": form, "recipients": selectors.announcement_recipients().count()},
        status=_status(form),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def document(request: SignedInRequest) -> HttpResponse:
    """Share a new document with the members."""
    require_departement_staff(request.user)
    form = forms.DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            added = documents.add_document(
                request.user,
                title=data["title"],
                category=data["category"],
                description=data["description"],
                upload=data["file"],
            )
        except ValidationError as error:
            forms.attach(form, error)
        else:
            messages.success(request, f"Le document « {added.title} » est partagé.")
            return redirect("community:documents")
    return render(request, "community/staff/document.html", {"form": form}, status=_status(form))


def _confirmed(request: HttpRequest) -> bool:
    """Whether the confirmation page was sent (a POST without it only shows the page)."""
    return request.method == "POST" and request.POST.get("confirmer") == "oui"


def _confirm_delete(request: HttpRequest, what: str, consequence: str, back: str) -> HttpResponse:
    """The page asking to confirm the deletion of `what` (its consequence said)."""
    return render(
        request,
        "community/staff/confirm_delete.html",
        {"what": what, "consequence": consequence, "back": back},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def delete_document(request: SignedInRequest, pk: int) -> HttpResponse:
    """GET: the confirmation page; POST with the confirmation: deletes the document and its
    file."""
    require_departement_staff(request.user)
    shared = get_object_or_404(Document, pk=pk)
    if not _confirmed(request):
        return _confirm_delete(
            request,
            f"le document « {shared.title} »",
            "Les membres ne pourront plus le télécharger.",
            reverse("community:documents"),
        )
    # Two clicks at once: the second finds it gone, and says so (no error).
    done = (
        "est supprimé"
        if documents.delete_document(request.user, shared.pk)
        else "était déjà supprimé"
    )
    messages.success(request, f"Le document « {shared.title} » {done}.")
    return redirect("community:documents")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def opportunity(request: SignedInRequest, pk: int | None = None) -> HttpResponse:
    """A funding opportunity: a new one (no `pk`), or one to change (404 if unknown, 0
    included: only the «nouveau» address makes a new one)."""
    require_departement_staff(request.user)
    new = pk is None
    instance = FundingOpportunity() if new else get_object_or_404(FundingOpportunity, pk=pk)
    form = forms.FundingForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            saved = funding.save_opportunity(request.user, pk, form.opportunity_fields())
        except ValidationError as error:
            forms.attach(form, error)
        else:
            messages.success(request, f"Le financement « {saved.title} » est enregistré.")
            return redirect("community:funding")
    return render(
        request,
        "community/staff/opportunity.html",
        {"form": form, "opportunity": None if new else instance},
        status=_status(form),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def delete_opportunity(request: SignedInRequest, pk: int) -> HttpResponse:
    """GET: the confirmation page; POST with the confirmation: deletes the opportunity."""
    require_departement_staff(request.user)
    found = get_object_or_404(FundingOpportunity, pk=pk)
    if not _confirmed(request):
        return _confirm_delete(
            request,
            f"le financement « {found.title} »",
            "Il disparaît de la page « Financements » et aucun rappel ne partira plus.",
            reverse("community:staff_opportunity", args=[found.pk]),
        )
    # Two clicks at once: the second finds it gone, and says so (no error).
    done = (
        "est supprimé"
        if funding.delete_opportunity(request.user, found.pk)
        else "était déjà supprimé"
    )
    messages.success(request, f"Le financement « {found.title} » {done}.")
    return redirect("community:funding")
