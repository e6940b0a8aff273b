"""Eligibility pages: the person's «Mes droits», the staff's requests and decisions, the
prescriber's grant, and the second factor's enrolment and code pages. Thin: the rules are
the services'; each staff view of a status is logged once (services.record_accesses: a
form sent back with an error is the same view), each decision by its service."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import user_has_device

from maillage.accounts.decorators import SignedInRequest, login_required
from maillage.core.text import with_de
from maillage.eligibility import forms, permissions, proofs, second_factor, selectors, services
from maillage.eligibility.models import AccessAction, EligibilityStatus, stored_proofs


def _refuse_into(form: django_forms.Form, error: services.EligibilityError) -> None:
    """Show a service's refusal on its field (the label is the field's own) or above."""
    message = str(error)
    if error.field in form.fields:
        form.add_error(error.field, message.split(" : ", 1)[-1])
    else:
        form.add_error(None, message)


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else default


# The person's page


def _my_rights(
    request: SignedInRequest,
    *,
    ask_form: forms.AskStatusForm | None = None,
    child_form: forms.ChildForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    children = list(selectors.children_of(user))
    today = timezone.localdate()
    statuses = [
        {"status": item, "expired": item.is_expired(today)}
        for item in selectors.statuses_of(user).order_by("-requested_at", "-pk")
    ]
    context = {
        "statuses": statuses,
        "children": children,
        "accesses": selectors.accesses_to(user)[:100],
        "ask_form": ask_form or forms.AskStatusForm(children=children),
        "child_form": child_form or forms.ChildForm(),
        "can_ask": user.can_book,
    }
    return render(request, "eligibility/my_rights.html", context, status=status)


@login_required
def my_rights(request: SignedInRequest) -> HttpResponse:
    """«Mes droits»: statuses and their validity, children, who on staff saw them."""
    return _my_rights(request)


@login_required
def my_data(request: SignedInRequest) -> JsonResponse:
    """The person's eligibility data as a JSON download (statuses, children, access log)."""
    response = JsonResponse(
        selectors.personal_data(request.user), json_dumps_params={"ensure_ascii": False}
    )
    response["Content-Disposition"] = 'attachment; filename="mes-droits.json"'
    response["Cache-Control"] = "no-store, private"
    return response


@require_POST
@login_required
def ask(request: SignedInRequest) -> HttpResponse:
    form = forms.AskStatusForm(
        request.POST, request.FILES, children=list(selectors.children_of(request.user))
    )
    if form.is_valid():
        upload = form.cleaned_data["proof"]
        try:
            services.ask_status(
                request.user,
                category_code=form.cleaned_data["category"],
                proof=services.UploadedProof(upload, upload.size) if upload else None,
                child_id=form.child_id(),
                bursary_holder=form.cleaned_data["bursary_holder"],
            )
        except services.EligibilityError as error:
            _refuse_into(form, error)
        else:
            messages.success(
                request,
                "Votre demande est enregistrée : le Département l'examine et vous verrez sa "
                "décision ici.",
            )
            return redirect("eligibility:my_rights")
    return _my_rights(request, ask_form=form, status=400)


@require_POST
@login_required
def add_child(request: SignedInRequest) -> HttpResponse:
    form = forms.ChildForm(request.POST)
    if form.is_valid():
        try:
            child = services.add_child(request.user, **form.cleaned_data)
        except services.EligibilityError as error:
            _refuse_into(form, error)
        else:
            messages.success(request, f"Le profil {with_de(child.first_name)} est ajouté.")
            return redirect("eligibility:my_rights")
    return _my_rights(request, child_form=form, status=400)


@require_POST
@login_required
def withdraw(request: SignedInRequest, status_id: int) -> HttpResponse:
    try:
        services.withdraw_request(request.user, status_id)
    except services.EligibilityError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Votre demande est retirée ; son justificatif est supprimé.")
    return redirect("eligibility:my_rights")


# Staff pages


def _request_or_404(status_id: int) -> EligibilityStatus:
    status = selectors.open_requests().filter(pk=status_id).first()
    if status is None:
        raise Http404("Cette demande n'existe pas ou a déjà été décidée.")
    return status


@second_factor.status_staff_page(permissions.can_verify)
def requests_list(request: SignedInRequest) -> HttpResponse:
    """The requests awaiting a decision; every one shown is a logged view."""
    pending = list(selectors.open_requests()[:200])
    services.record_accesses(request.user, pending, AccessAction.LIST)
    context = {"requests": pending, "show_category": permissions.can_view_category(request.user)}
    return render(request, "eligibility/staff_requests.html", context)


def _decision_page(
    request: SignedInRequest,
    status: EligibilityStatus,
    decision_form: forms.DecisionForm,
    refusal_form: forms.RefusalForm,
    code: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "item": status,
        "decision_form": decision_form,
        "refusal_form": refusal_form,
        "show_category": permissions.can_view_category(request.user),
        "proof_kind": (proofs.stored_kind(status.proof.name or "") or ("",))[0],
    }
    return render(request, "eligibility/staff_decision.html", context, status=code)


@require_http_methods(["GET", "HEAD", "POST"])
@second_factor.status_staff_page(permissions.can_verify)
def decision(request: SignedInRequest, status_id: int) -> HttpResponse:
    """A request's page: its proof, and the forms to verify (validity period) or refuse."""
    status = _request_or_404(status_id)
    decision_form = forms.DecisionForm(initial={"bursary_holder": status.bursary_holder})
    refusal_form = forms.RefusalForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "verify":
                decision_form = forms.DecisionForm(request.POST)
                if decision_form.is_valid():
                    services.verify_status(request.user, status.pk, **decision_form.cleaned_data)
                    messages.success(
                        request, "Le statut est vérifié ; le justificatif est supprimé."
                    )
                    return redirect("eligibility:requests")
            elif action == "refuse":
                refusal_form = forms.RefusalForm(request.POST)
                if refusal_form.is_valid():
                    services.refuse_status(
                        request.user, status.pk, reason=refusal_form.cleaned_data["reason"]
                    )
                    messages.success(
                        request, "La demande est refusée ; le justificatif est supprimé."
                    )
                    return redirect("eligibility:requests")
            else:
                decision_form = forms.DecisionForm(request.POST)
                decision_form.is_valid()  # errors are shown beside the one added here
                decision_form.add_error(None, "Choisissez de vérifier ou de refuser la demande.")
        except services.EligibilityError as error:
            _refuse_into(decision_form if action == "verify" else refusal_form, error)
        return _decision_page(request, status, decision_form, refusal_form, code=400)
    services.record_accesses(request.user, [status], AccessAction.DECISION)
    return _decision_page(request, status, decision_form, refusal_form)


@second_factor.status_staff_page(permissions.can_verify)
def proof(request: SignedInRequest, status_id: int) -> HttpResponseBase:
    """The proof of an open request, served with the type its content was checked to be,
    never cached; each opening is logged."""
    status = _request_or_404(status_id)
    if not status.proof:
        raise Http404("Cette demande n'a pas de justificatif.")
    kind = proofs.stored_kind(status.proof.name or "")
    if kind is None:
        raise Http404("Justificatif illisible.")
    _shown, extension, content_type = kind
    services.record_accesses(request.user, [status], AccessAction.PROOF)
    response = FileResponse(
        stored_proofs().open(status.proof.name or "", "rb"),
        content_type=content_type,
        as_attachment=False,
        filename=f"justificatif-{status.pk}.{extension}",
    )
    response["Cache-Control"] = "no-store, private"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@second_factor.status_staff_page(permissions.can_grant)
def grant(request: SignedInRequest) -> HttpResponse:
    """The prescriber's page: grant a status to a person by the email of their account."""
    form = forms.GrantForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.grant_status(
                request.user,
                person_email=form.cleaned_data["person_email"],
                category_code=form.cleaned_data["category"],
                valid_from=form.cleaned_data["valid_from"],
                valid_until=form.cleaned_data["valid_until"],
            )
        except services.EligibilityError as error:
            _refuse_into(form, error)
        else:
            messages.success(request, "Le statut est accordé.")
            return redirect("eligibility:grant")
    code = 400 if form.errors else 200
    return render(request, "eligibility/staff_grant.html", {"form": form}, status=code)


# Second factor


def _second_factor_user(request: SignedInRequest) -> None:
    if not permissions.needs_second_factor(request.user):
        raise Http404("Cette page concerne les agents habilités aux statuts.")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def otp_setup(request: SignedInRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code (or type the secret), enter a code. Only
    for someone without a confirmed device (replacing one goes through an administrator)."""
    _second_factor_user(request)
    if user_has_device(request.user):
        return redirect("eligibility:otp_verify")
    device = second_factor.pending_device(request.user)
    form = forms.TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        refusal = second_factor.code_refusal(device, form.cleaned_data["token"])
        if refusal is None:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, "La double authentification est activée.")
            return redirect(_safe_next(request, "eligibility:staff_home"))
        form.add_error("token", refusal)
    context = {
        "form": form,
        "qr_code": second_factor.qr_code_svg(device),
        "secret": second_factor.base32_secret(device),
        "next": _safe_next(request, ""),
    }
    return render(
        request, "eligibility/otp_setup.html", context, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def otp_verify(request: SignedInRequest) -> HttpResponse:
    """Enter the current code of the enrolled app; the session is then verified."""
    _second_factor_user(request)
    if not user_has_device(request.user):
        return redirect("eligibility:otp_setup")
    form = forms.TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        refusals = []
        for device in second_factor.confirmed_devices(request.user):
            refusal = second_factor.code_refusal(device, form.cleaned_data["token"])
            if refusal is None:
                otp_login(request, device)
                return redirect(_safe_next(request, "eligibility:staff_home"))
            refusals.append(refusal)
        form.add_error("token", refusals[0] if refusals else second_factor.WRONG_CODE)
    context = {"form": form, "next": _safe_next(request, "")}
    return render(
        request, "eligibility/otp_verify.html", context, status=400 if form.errors else 200
    )


@login_required
def staff_home(request: SignedInRequest) -> HttpResponseBase:
    """Where a second factor leads by default: the requests, or the grant page."""
    if permissions.can_verify(request.user):
        return redirect("eligibility:requests")
    if permissions.can_grant(request.user):
        return redirect("eligibility:grant")
    return redirect("eligibility:my_rights")
