"""Public account forms. Error messages are French and name the field and the rule."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation

from maillage.accounts import emails, services
from maillage.accounts.models import User
from maillage.core.validators import PersonName, SingleLine, validate_french_phone

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


def person_name_field(label: str, subject: str, autocomplete: str) -> forms.CharField:
    """An optional first or last name (`subject`: «Le prénom», «Le nom»), 150 characters at
    most, checked by PersonName; its messages name the field."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=150,
        validators=[PersonName(subject)],
        error_messages={"max_length": f"{subject} doit faire au plus 150 caractères."},
        widget=forms.TextInput(attrs={"autocomplete": autocomplete}),
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
    first_name = person_name_field("Prénom", "Le prénom", "given-name")
    last_name = person_name_field("Nom", "Le nom", "family-name")
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


class ProfileForm(forms.Form):
    """The person's own name and phone; saving is services.update_profile."""

    first_name = person_name_field("Prénom", "Le prénom", "given-name")
    last_name = person_name_field("Nom", "Le nom", "family-name")
    phone = forms.CharField(
        label="Téléphone",
        required=False,
        max_length=20,
        help_text="Un numéro français : 06 12 34 56 78 ou +33 6 12 34 56 78.",
        validators=[SingleLine("Le téléphone"), validate_french_phone],
        error_messages={
            "max_length": "Le téléphone doit faire au plus 20 caractères (01 23 45 67 89)."
        },
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel", "inputmode": "tel"}),
    )


class PreferencesForm(forms.Form):
    """The optional emails, each on or off; saving is services.update_preferences."""

    remind_bookings = forms.BooleanField(
        label="Un rappel la veille de chacune de mes réservations", required=False
    )
    remind_events = forms.BooleanField(
        label="Un rappel la veille de chaque atelier où je suis inscrit·e", required=False
    )
    notify_status_expiry = forms.BooleanField(
        label="Un avertissement avant la fin d'un de mes statuts (tarifs solidaires)",
        required=False,
    )


class ConfirmPasswordForm(forms.Form):
    """The person's current password, asked again before an irreversible step."""

    password = password_field("Mot de passe actuel", "current-password")

    def __init__(self, user: User, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                "Le mot de passe actuel est incorrect.", code="password_incorrect"
            )
        return password
