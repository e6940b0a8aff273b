"""The community's pages (/communaute/), thin over its services:

- «Communauté des tiers-lieux» (/communaute/), public: the Département's referent and what
  the community offers; writing to the referent (/communaute/ecrire/), signed in;
- for members (community.permissions: managers, project holders, Département staff; others
  403, anonymous visitors to the login): the directory (/communaute/annuaire/, filtered by
  commune and by what members offer or seek) and each profile with its contact form, the
  announcements, the shared documents (downloaded here only), the funding opportunities;
- for managers and project holders: their own profile (/communaute/ma-fiche/, withdrawn at
  once by /communaute/ma-fiche/retirer/) and their community emails.

Invalid forms answer 400 and write nothing; a success redirects with a French message.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from maillage.accounts.decorators import SignedInRequest, login_required
from maillage.community import files, forms, permissions, selectors, services
from maillage.community.models import (
    Announcement,
    Document,
    DocumentCategory,
    MemberProfile,
    Referent,
)
from maillage.core.paging import page_of
from maillage.territory.reference import ILE_DE_FRANCE_DEPARTEMENTS_OF

PROFILES_PER_PAGE = 12
ANNOUNCEMENTS_PER_PAGE = 10
# The funding opportunities closed lately shown under the open ones, marked closed.
CLOSED_SHOWN = 10
# An unknown `rubrique` of the documents page.
UNKNOWN_SECTION = "« Rubrique » : cette rubrique n'existe pas ; choisissez-en une dans la liste."


def _status(form: BaseForm) -> int:
    return 400 if form.errors else 200


@require_safe
def community(request: HttpRequest) -> HttpResponse:
    """The public page of the community: its referent, what members find, and for a member
    the last announcements."""
    member = permissions.is_member(request.user)
    return render(
        request,
        "community/home.html",
        {
            "community_section": "home",
            "departement_of": ILE_DE_FRANCE_DEPARTEMENTS_OF[settings.MAILLAGE_DEPARTEMENT],
            "referent": Referent.objects.current(),
            "member": member,
            "latest": list(Announcement.objects.all()[:3]) if member else [],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def write_to_referent(request: SignedInRequest) -> HttpResponse:
    """The form writing to the referent (any signed-in person with a verified address)."""
    referent = Referent.objects.current()
    form = forms.ReferentMessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.write_to_referent(
                request.user,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            forms.attach(form, error)
        else:
            messages.success(
                request,
                "Votre message est envoyé : la réponse viendra à votre adresse électronique.",
            )
            return redirect("community:home")
    return render(
        request,
        "community/write_to_referent.html",
        {"community_section": "home", "referent": referent, "form": form},
        status=_status(form),
    )


@require_safe
@login_required
def directory(request: SignedInRequest) -> HttpResponse:
    """The directory of members (listed profiles), filtered by `commune` (INSEE code),
    `offre` and `recherche` (a theme's identifier); `page`. Invalid filters answer 400 with
    their errors and no profile (never all of them, which would look filtered)."""
    permissions.require_member(request.user)
    filters = forms.DirectoryFilter(request.GET, communes=selectors.directory_communes())
    if filters.is_valid():
        profiles = selectors.directory(
            commune=filters.cleaned_data["commune"],
            offer=filters.cleaned_data["offre"],
            seek=filters.cleaned_data["recherche"],
        )
    else:
        profiles = MemberProfile.objects.none()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "community/directory.html",
        {
            "community_section": "directory",
            "filters": filters,
            "page": page_of(request, profiles, PROFILES_PER_PAGE),
            "query": query.urlencode(),
            "own": MemberProfile.objects.filter(user=request.user).first(),
        },
        status=_status(filters),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def member(request: SignedInRequest, pk: int) -> HttpResponse:
    """A listed profile, and the form writing to its person (404 for a profile not in the
    directory)."""
    permissions.require_member(request.user)
    profile = selectors.listed_profile(pk)
    if profile is None:
        raise Http404("Cette fiche n'est pas dans l'annuaire.")
    writable = profile.accepts_messages and profile.user_id != request.user.pk
    form = forms.MemberMessageForm(request.POST or None) if writable else None
    if request.method == "POST":
        if form is None:
            raise Http404("Cette personne ne reçoit pas de messages par la plateforme.")
        if form.is_valid():
            try:
                services.write_to_member(request.user, profile.pk, body=form.cleaned_data["body"])
            except ValidationError as error:
                forms.attach(form, error)
            else:
                messages.success(
                    request,
                    f"Votre message est envoyé à {profile.display_name} : la réponse viendra "
                    "à votre adresse électronique.",
                )
                return redirect("community:member", profile.pk)
    return render(
        request,
        "community/member.html",
        {"community_section": "directory", "profile": profile, "form": form},
        status=_status(form) if form is not None else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def my_profile(request: SignedInRequest) -> HttpResponse:
    """The signed-in manager's or project holder's own profile: shown or not in the
    directory as they choose (403 for anyone else)."""
    permissions.require_directory_member(request.user)
    profile = MemberProfile.objects.filter(user=request.user).first()
    form = forms.ProfileForm(
        request.POST or None,
        instance=profile or MemberProfile(user=request.user),
        initial=None if profile else {"display_name": request.user.get_full_name()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_profile(request.user, **form.cleaned_data)
        except ValidationError as error:
            forms.attach(form, error)
        else:
            messages.success(
                request,
                "Votre fiche est enregistrée"
                + (
                    " et visible dans l'annuaire."
                    if saved.listed
                    else " ; elle n'est pas visible dans l'annuaire."
                ),
            )
            return redirect("community:my_profile")
    return render(
        request,
        "community/my_profile.html",
        {
            "community_section": "my_profile",
            "form": form,
            "profile": profile,
            "places": request.user.managed_places.select_related("commune").order_by("name"),
        },
        status=_status(form),
    )


@require_POST
@login_required
def withdraw_profile(request: SignedInRequest) -> HttpResponse:
    """Take the signed-in person's profile out of the directory at once."""
    if services.withdraw_profile(request.user):
        messages.success(request, "Votre fiche est retirée de l'annuaire.")
    else:
        messages.info(request, "Votre fiche n'était pas dans l'annuaire.")
    return redirect("community:my_profile")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def my_emails(request: SignedInRequest) -> HttpResponse:
    """The community emails the signed-in manager or project holder receives."""
    permissions.require_directory_member(request.user)
    form = forms.MemberEmailsForm(request.POST or None, instance=services.emails_of(request.user))
    if request.method == "POST" and form.is_valid():
        services.set_member_emails(request.user, **form.cleaned_data)
        messages.success(request, "Vos choix de courriels de la communauté sont enregistrés.")
        return redirect("community:my_emails")
    return render(
        request,
        "community/my_emails.html",
        {"community_section": "my_emails", "form": form},
        status=_status(form),
    )


@require_safe
@login_required
def announcements(request: SignedInRequest) -> HttpResponse:
    """The announcements, the latest first (`page`)."""
    permissions.require_member(request.user)
    return render(
        request,
        "community/announcements.html",
        {
            "community_section": "announcements",
            "page": page_of(request, Announcement.objects.all(), ANNOUNCEMENTS_PER_PAGE),
        },
    )


@require_safe
@login_required
def announcement(request: SignedInRequest, pk: int) -> HttpResponse:
    """One announcement."""
    permissions.require_member(request.user)
    return render(
        request,
        "community/announcement.html",
        {
            "community_section": "announcements",
            "announcement": get_object_or_404(Announcement, pk=pk),
        },
    )


@require_safe
@login_required
def documents(request: SignedInRequest) -> HttpResponse:
    """The shared documents by section (`rubrique`: one section's only); an unknown section
    answers 400 with the error and no document (never all of them, which would look
    filtered)."""
    permissions.require_member(request.user)
    wanted = request.GET.get("rubrique", "")
    error = "" if not wanted or wanted in DocumentCategory.values else UNKNOWN_SECTION
    shown = Document.objects.none() if error else Document.objects.all()
    if wanted:
        shown = shown.filter(category=wanted)
    by_category: dict[str, list[Document]] = {value: [] for value in DocumentCategory.values}
    for document in shown:
        by_category[document.category].append(document)
    return render(
        request,
        "community/documents.html",
        {
            "community_section": "documents",
            "sections": [
                (value, label, by_category[value])
                for value, label in DocumentCategory.choices
                if by_category[value]
            ],
            "categories": DocumentCategory.choices,
            "wanted": wanted,
            "error": error,
        },
        status=400 if error else 200,
    )


@require_safe
@login_required
def download(request: SignedInRequest, pk: int) -> FileResponse:
    """A shared document's file, for members only, as an attachment named after its title,
    with the type its content was checked to be; never kept by shared caches."""
    permissions.require_member(request.user)
    document = get_object_or_404(Document, pk=pk)
    kind = files.KINDS[document.kind]
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{files.download_stem(document.title)}.{kind.extension}",
        content_type=kind.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@login_required
def funding(request: SignedInRequest) -> HttpResponse:
    """The funding opportunities: open ones by deadline (soonest first), then the last
    CLOSED_SHOWN closed, marked so."""
    permissions.require_member(request.user)
    now = timezone.now()
    open_ones, closed = selectors.open_or_recent(now, CLOSED_SHOWN)
    return render(
        request,
        "community/funding.html",
        {
            "community_section": "funding",
            "open": open_ones,
            "closed": closed,
            "today": timezone.localdate(now),
        },
    )
