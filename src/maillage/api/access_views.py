"""«Mon compte › Accès à l'API»: a person's own API tokens (create, revoke) and the partner
apps they consented to (withdraw). Thin views over api.consent; a token or consent that is not
the person's is a 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe
from oauth2_provider.models import Application

from maillage.accounts.decorators import SignedInRequest, login_required
from maillage.api import consent
from maillage.api.forms import TokenForm
from maillage.api.models import ApiToken
from maillage.core.forms import attach, first_submission

# A reload of the page that showed a new key: the browser posts the form again.
ALREADY_CREATED = (
    "Ce jeton est déjà créé ; sa clé ne s'affiche qu'une fois. Si vous ne l'avez pas notée, "
    "révoquez-le et créez-en un autre."
)


def _page(
    request: SignedInRequest, form: TokenForm, new_key: str = "", status: int = 200
) -> HttpResponse:
    return render(
        request,
        "api/access.html",
        {
            "tokens": consent.tokens_of(request.user),
            "consents": consent.consents_of(request.user),
            "form": form,
            "new_key": new_key,
        },
        status=status,
    )


@require_safe
@login_required
def access(request: SignedInRequest) -> HttpResponse:
    """The person's tokens and consents, and the form that creates a token."""
    return _page(request, TokenForm())


@require_POST
@login_required
def create_token(request: SignedInRequest) -> HttpResponse:
    """Creates a token; the answer (not a redirect) shows its key, once."""
    form = TokenForm(request.POST)
    if form.is_valid() and not first_submission(request, form):
        messages.info(request, ALREADY_CREATED)
        return redirect("api_access:home")
    if form.is_valid():
        try:
            token, key = consent.create_token(request.user, form.cleaned_data["name"])
        except ValidationError as error:
            attach(form, error)
        else:
            response = _page(request, TokenForm(), new_key=key)
            # The key must not stay in a cache or the browser's history.
            response["Cache-Control"] = "no-store"
            return response
    return _page(request, form, status=400)


@require_POST
@login_required
def revoke_token(request: SignedInRequest, pk: int) -> HttpResponse:
    try:
        consent.revoke_token(request.user, pk)
    except ApiToken.DoesNotExist as error:
        raise Http404 from error
    messages.success(request, "Le jeton est révoqué : il ne fonctionne plus.")
    return redirect("api_access:home")


@require_POST
@login_required
def withdraw(request: SignedInRequest, pk: int) -> HttpResponse:
    try:
        consent.withdraw_consent(request.user, pk)
    except Application.DoesNotExist as error:
        raise Http404 from error
    messages.success(request, "L'accès est retiré : l'application ne peut plus agir pour vous.")
    return redirect("api_access:home")
