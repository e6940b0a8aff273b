"""«Mes données» and «Supprimer mon compte»: the pages over web.personal_data and
web.account_erasure, for the signed-in person and about them only (no id in any URL)."""

from typing import cast

from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from maillage.accounts.decorators import login_required
from maillage.accounts.forms import ConfirmPasswordForm
from maillage.accounts.models import AccountAction, AccountLog, User
from maillage.web import account_erasure, personal_data

# The download formats: (content type, file name).
FILES = {
    "json": ("application/json", "mes-donnees-maillage.json"),
    "zip": ("application/zip", "mes-donnees-maillage-csv.zip"),
}


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """What is held, by kind, and the two download buttons."""
    user = cast(User, request.user)
    kinds = [(section.title, len(section.rows)) for section in personal_data.sections(user)]
    return render(request, "web/my_data.html", {"kinds": kinds})


@login_required
@require_POST
def my_data_file(request: HttpRequest, kind: str) -> HttpResponse:
    """The person's data as a JSON file (`kind` "json") or a zip of CSV files ("zip"),
    the download logged (AccountLog EXPORT). POST: a download is not a link to follow."""
    if kind not in FILES:
        raise Http404("Format inconnu.")
    user = cast(User, request.user)
    now = timezone.now()
    body = personal_data.as_json(user, now) if kind == "json" else personal_data.as_csv_zip(user)
    AccountLog.objects.create(
        user=user, actor=user, action=AccountAction.EXPORT, detail=kind, at=now
    )
    content_type, name = FILES[kind]
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    """The consequences, the password asked again, then the erasure and a logout."""
    user = cast(User, request.user)
    refused = account_erasure.refusal(user)
    form = ConfirmPasswordForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and not refused and form.is_valid():
        account_erasure.erase_account(user, user)
        logout(request)
        messages.success(
            request,
            "Votre compte est supprimé. Vos réservations passées restent comptées par les "
            "lieux, sans votre nom.",
        )
        return redirect("web:home")
    context = {
        "form": form,
        "refused": refused,
        "upcoming": account_erasure.upcoming_bookings(user, timezone.now()),
    }
    return render(request, "web/delete_account.html", context, status=403 if refused else 200)
