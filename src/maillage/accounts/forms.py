"""Public account forms. Error messages are French and name the field and the rule."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation

from maillage.accounts import emails, services
from maillage.accounts.models import User
from maillage.core.validators import PersonName

# The rules of AUTH_PASSWORD_VALIDATORS, in plain words.
RULES_HELP = (
    "Au moins 10 caractères, pas uniquement des chiffres, ni trop courant, "
    "ni trop proche de votre nom ou de votre adresse."
)


def email_field(autocomplete: str = "email") -> forms.EmailField:
    return forms.EmailField(
        label="Adresse électronique",
        max_length=254,
        error_messages={
            "required": "Saisissez votre adresse électronique.",
            "invalid": "Saisissez une adresse électronique valide, par exemple nom@exemple.fr.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": autocomplete}),
    )


def password_field(label: str, autocomplete: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        help_text=help_text,
        error_messages={"required": f"Saisissez le champ « {label} »."},
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


class SignupForm(forms.Form):
    """Sign-up: email, optional name, password twice. Validates; creating is the service's."""

    email = email_field()
    first_name = forms.CharField(
        label="Prénom",
        required=False,
        max_length=150,
        validators=[PersonName("Le prénom")],
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label="Nom",
        required=False,
        max_length=150,
        validators=[PersonName("Le nom")],
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    password1 = password_field("Mot de passe", "new-password", RULES_HELP)
    password2 = password_field(
        "Confirmation du mot de passe",
        "new-password",
        "Saisissez le même mot de passe, pour vérification.",
    )

    def clean_email(self) -> str:
        # Whether an account exists is never said here (no way to probe addresses): the
        # owner of an address already registered gets an email instead (views.signup).
        return services.normalize_email(self.cleaned_data["email"])

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error(
                "password2",
                forms.ValidationError(
                    "Les deux mots de passe ne sont pas identiques.", code="password_mismatch"
                ),
            )
        if password1:
            # The similarity rule compares the password with the address and the name.
            candidate = User(
                email=cleaned.get("email") or "",
                first_name=cleaned.get("first_name") or "",
                last_name=cleaned.get("last_name") or "",
            )
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class LoginForm(auth_forms.AuthenticationForm):
    """Django's login form (it passes the request to authenticate(), which django-axes needs).

    The email field keeps the name «username», as in the admin login and AXES_USERNAME_FORM_FIELD.
    """

    username = forms.EmailField(
        label="Adresse électronique",
        max_length=254,
        error_messages={
            "required": "Saisissez votre adresse électronique.",
            "invalid": "Saisissez une adresse électronique valide, par exemple nom@exemple.fr.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = password_field("Mot de passe", "current-password")

    error_messages = {
        "invalid_login": (
            "Adresse électronique ou mot de passe incorrect. Après plusieurs échecs, la "
            "connexion est suspendue pendant 15 minutes."
        ),
        "inactive": "Ce compte est désactivé.",
    }

    def clean_username(self) -> str:
        # One spelling per address, so that the rate limit counts every attempt on it.
        return services.normalize_email(self.cleaned_data["username"])


class ResendVerificationForm(forms.Form):
    email = email_field()


class PasswordResetForm(auth_forms.PasswordResetForm):
    email = email_field()

    def get_users(self, email):
        """The account of this address spelled as stored (Django's `iexact` matches other
        spellings on PostgreSQL only, see UserManager.get_by_natural_key)."""
        users = User.objects.filter(email=services.normalize_email(email), is_active=True)
        return (user for user in users if user.has_usable_password())

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        """Queue the email (built at delivery by accounts.emails, with its own templates and
        a fresh token) rather than send it during the request."""
        emails.queue_password_reset_email(context["user"], context["email"])


class SetPasswordForm(auth_forms.SetPasswordForm):
    new_password1 = password_field("Nouveau mot de passe", "new-password", RULES_HELP)
    new_password2 = password_field(
        "Confirmation du nouveau mot de passe",
        "new-password",
        "Saisissez le même mot de passe, pour vérification.",
    )
    error_messages = {"password_mismatch": "Les deux mots de passe ne sont pas identiques."}


class PasswordChangeForm(auth_forms.PasswordChangeForm, SetPasswordForm):
    old_password = password_field("Mot de passe actuel", "current-password")
    error_messages = {
        **SetPasswordForm.error_messages,
        "password_incorrect": "Le mot de passe actuel est incorrect.",
    }
    field_order = ["old_password", "new_password1", "new_password2"]
