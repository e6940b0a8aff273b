"""The pages where Département staff and places' managers keep their embeds
(/gestion/integrations/…): the list, a new one, one to edit with the snippet to copy and a
live preview, its deletion. Thin: manager.embeds.forms reads the request,
manager.embeds.services writes. Rights first: someone who manages no place is refused
(403), an embed they may not edit too («Vous ne gérez pas ce lieu.», 403).
"""

from csp.constants import SELF
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_safe

from maillage.accounts.decorators import SignedInRequest, login_required
from maillage.accounts.roles import has_departement_rights
from maillage.core.forms import attach
from maillage.manager.embeds import services
from maillage.manager.embeds.forms import EmbedForm
from maillage.manager.embeds.public import framed_by, widget_html
from maillage.manager.models import Embed, EmbedLog, EmbedScope
from maillage.manager.places.forms import describe_errors
from maillage.places.permissions import MANAGERS_ONLY, can_use_manager_space

# Under «Mes lieux» in the managers' menu: an embed shows places.
SECTION = {"manager_section": "places"}
# The iframe's height in the snippet, in CSS pixels: one place, or a list (which scrolls).
HEIGHTS = {EmbedScope.PLACE: 420, EmbedScope.COMMUNE: 640, EmbedScope.EPT: 640}


def _require_manager_space(request: SignedInRequest) -> None:
    if not can_use_manager_space(request.user):
        raise PermissionDenied(MANAGERS_ONLY)


def _editable(request: SignedInRequest, pk: int) -> Embed:
    """The embed `pk` (404 when there is none) if the user may edit it (403 otherwise)."""
    embed = get_object_or_404(Embed.objects.select_related("commune", "place"), pk=pk)
    return services.require_editable_embed(request.user, embed)


def public_url(embed: Embed) -> str:
    """The address other sites frame: the platform's public address (MAILLAGE_SITE_URL,
    never the request's Host) and the embed's public path."""
    path = reverse("manager:embed_public", args=[embed.public_id])
    return settings.MAILLAGE_SITE_URL.rstrip("/") + path


def snippet(embed: Embed) -> str:
    """The HTML another site pastes in a page: an iframe of the embed's public address,
    titled, full width, lazily loaded, without a border; no script. Its attributes escaped;
    itself plain text (a page showing it escapes it)."""
    return (
        f'<iframe src="{escape(public_url(embed))}" title="{escape(embed.title)}" '
        f'width="100%" height="{HEIGHTS[EmbedScope(embed.scope)]}" loading="lazy" '
        'style="border:0"></iframe>'
    )


@require_safe
@login_required
def embeds(request: SignedInRequest) -> HttpResponse:
    """The embeds the user may edit (all of them for Département staff, those of their
    places for a manager), by title."""
    _require_manager_space(request)
    rows = services.editable_embeds(request.user).select_related("commune", "place")
    return render(
        request,
        "manager/embeds/list.html",
        {**SECTION, "embeds": rows, "staff": has_departement_rights(request.user)},
    )


def _form_page(request: SignedInRequest, embed: Embed, form: EmbedForm) -> HttpResponse:
    """The embed's form: saved through manager.embeds.services (a redirect to its page), or
    the page again with its errors (400), nothing written. A saved embed's page shows the
    snippet to copy, a preview and its history."""
    if request.method == "POST" and form.is_valid():
        created = form.instance.pk is None
        try:
            saved = services.save_embed(request.user, form.instance)
        except ValidationError as error:
            attach(form, error)
        else:
            messages.success(
                request,
                f"Intégration « {saved.title} » enregistrée"
                + (" : copiez son code ci-dessous dans votre site." if created else "."),
            )
            return redirect("manager:embed", saved.pk)
    describe_errors(form)
    stored = embed.pk is not None
    return render(
        request,
        "manager/embeds/embed.html",
        {
            **SECTION,
            "embed": embed,
            "form": form,
            "snippet": snippet(embed) if stored else "",
            "height": HEIGHTS[EmbedScope(embed.scope)] if stored else 0,
            "history": (
                EmbedLog.objects.filter(embed_id=embed.pk)
                .select_related("actor")
                .order_by("-at", "-pk")
                if stored
                else []
            ),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def add_embed(request: SignedInRequest) -> HttpResponse:
    """A new embed: any scope for staff, one of their places for a manager."""
    _require_manager_space(request)
    embed = Embed()
    return _form_page(
        request, embed, EmbedForm(request.POST or None, instance=embed, user=request.user)
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def embed(request: SignedInRequest, pk: int) -> HttpResponse:
    """An embed the user may edit: its form, the snippet to copy, a preview, its history."""
    found = _editable(request, pk)
    stored = Embed.objects.select_related("commune", "place").get(pk=found.pk)
    return _form_page(
        request, stored, EmbedForm(request.POST or None, instance=found, user=request.user)
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def delete_embed(request: SignedInRequest, pk: int) -> HttpResponse:
    """GET: the confirmation page; POST with the confirmation: deletes the embed (the sites
    framing it then show a 404)."""
    found = _editable(request, pk)
    if not (request.method == "POST" and request.POST.get("confirmer") == "oui"):
        return render(
            request,
            "manager/places/confirm_delete.html",
            {
                **SECTION,
                "what": f"l'intégration « {found.title} »",
                "consequence": "Les sites qui l'affichent montreront à la place une page "
                "introuvable. Pour la suspendre seulement, décochez « Active » sur sa page.",
                "back": reverse("manager:embed", args=[found.pk]),
            },
        )
    # Two clicks at once: the second finds it gone, and says so (no error).
    done = (
        "est supprimée" if services.delete_embed(request.user, found.pk) else "était déjà supprimée"
    )
    messages.success(request, f"L'intégration « {found.title} » {done}.")
    return redirect("manager:embeds")


@require_safe
@login_required
@xframe_options_sameorigin
def preview(request: SignedInRequest, pk: int) -> HttpResponse:
    """The embed's page as other sites show it, read now (active or not), framed by the
    platform's own pages only: the preview on the embed's page."""
    found = _editable(request, pk)
    return framed_by(HttpResponse(widget_html(request, found)), [SELF])
