"""Public account pages: sign-up, email verification, login, logout, password, «Mon compte»."""

from typing import cast

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from maillage.accounts import emails, forms, services
from maillage.accounts.decorators import login_required
from maillage.accounts.models import User
from maillage.core.links import PageLink

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
# «Accès à l'API» (the api app's page): the person's tokens and the partner apps they allowed.
API_ACCESS_PAGE = PageLink("a person's API access page")
# «Mes données» and «Supprimer mon compte» (web): they gather every app's data.
MY_DATA_PAGE = PageLink("a person's data download page")
DELETE_ACCOUNT_PAGE = PageLink("a person's account deletion page")


def _data(request: HttpRequest):
    """The submitted data for a bound form (even when empty), None on GET."""
    return request.POST if request.method == "POST" else None


def _safe_next(request: HttpRequest) -> str:
    """Where the person was going (a page of this site), or ""."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else ""


def _send_verification(user: User, going_to: str = "") -> None:
    """The link leads back to where the person was going, whatever browser opens it."""
    if services.claim_verification_email(user):
        emails.queue_verification_email(user, emails.going_to_for_unverified(going_to))


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:account")
    form = forms.SignupForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            user = services.register_user(
                form.cleaned_data["email"],
                form.cleaned_data["password1"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
        except services.EmailAlreadyUsed:
            # Same answer as a new account; the owner learns of the attempt by email.
            email = form.cleaned_data["email"]
            emails.queue_account_exists_email(email)
        else:
            _send_verification(user, _safe_next(request))
            email = user.email
        request.session["accounts_signup_email"] = email
        return redirect("accounts:signup_done")
    return render(request, "accounts/signup.html", {"form": form, "next": _safe_next(request)})


def signup_done(request: HttpRequest) -> HttpResponse:
    email = request.session.get("accounts_signup_email", "")
    return render(request, "accounts/signup_done.html", {"email": email})


@require_http_methods(["GET", "HEAD", "POST"])
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    """GET checks the link and asks for a click; POST verifies and logs in.

    Mail scanners that open links (GET) thus neither use up the link nor get a session."""
    try:
        if request.method == "POST":
            user = services.verify_email(token)
        else:
            user = services.user_for_verification_token(token)
    except services.AccountError as error:
        context = {
            "error": str(error),
            "used": isinstance(error, services.VerificationLinkUsed),
            "form": forms.ResendVerificationForm(),
        }
        return render(request, "accounts/verify_email.html", context, status=400)
    if request.method != "POST":
        return render(request, "accounts/verify_email.html", {"pending_user": user})
    login(request, user, backend=MODEL_BACKEND)
    messages.success(request, "Votre adresse électronique est vérifiée : vous pouvez réserver.")
    return redirect(_safe_next(request) or "accounts:account")


@require_http_methods(["GET", "HEAD", "POST"])
def resend_verification(request: HttpRequest) -> HttpResponse:
    initial = {}
    if request.user.is_authenticated and request.user.email_verified_at is None:
        initial["email"] = request.user.email
    form = forms.ResendVerificationForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        user = services.user_awaiting_verification(form.cleaned_data["email"])
        if user is not None:
            _send_verification(user)
        # The same answer whether or not the address has an account: no account discovery.
        messages.success(
            request,
            "Si un compte non vérifié existe pour cette adresse, un nouveau lien vient de lui "
            "être envoyé (un envoi par minute au plus). Pensez à regarder dans vos indésirables.",
        )
        return redirect("accounts:resend_verification")
    return render(request, "accounts/resend_verification.html", {"form": form})


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = forms.LoginForm
    redirect_authenticated_user = True
    next_page = "web:home"


class LogoutView(auth_views.LogoutView):
    """POST only (Django's LogoutView refuses GET)."""

    next_page = "web:home"

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, "Vous êtes déconnecté.")
        return response


@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/account.html",
        {
            "account": request.user,
            "api_access_url": API_ACCESS_PAGE(),
            "my_data_url": MY_DATA_PAGE(),
            "delete_account_url": DELETE_ACCOUNT_PAGE(),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """«Mes coordonnées»: the person's own first name, last name and phone."""
    user = cast(User, request.user)
    initial = {name: getattr(user, name) for name in services.PROFILE_FIELDS}
    form = forms.ProfileForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(user, user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Vos coordonnées sont enregistrées.")
            return redirect("accounts:account")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """«Mes courriels»: the optional emails, each on or off. The others (confirmations of
    the person's own actions, decisions about them, security) are always sent."""
    user = cast(User, request.user)
    initial = {name: getattr(user, name) for name in services.PREFERENCE_FIELDS}
    form = forms.PreferencesForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        services.update_preferences(user, user, **form.cleaned_data)
        messages.success(request, "Vos préférences de courriel sont enregistrées.")
        return redirect("accounts:account")
    return render(request, "accounts/preferences.html", {"form": form})


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    form_class = forms.PasswordChangeForm
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    form_class = forms.PasswordResetForm  # it queues the email (accounts.emails)
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = forms.SetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        # The link arrived in the mailbox: the address is proven.
        services.mark_email_verified(form.user)
        return super().form_valid(form)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
