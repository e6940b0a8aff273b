from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from maillage.core.validators import PersonName, SingleLine, validate_french_phone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(
        self, email: str, password: str | None = None, *, email_verified: bool = False, **fields
    ) -> "User":
        """A user; `email_verified=True` for accounts whose address needs no check (staff,
        managers created by the Département, demo users)."""
        if not email:
            raise ValueError("L'adresse électronique est obligatoire.")
        if email_verified:
            fields.setdefault("email_verified_at", timezone.now())
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_superuser=True, is_departement_staff=True)
        return self.create_user(email, password, email_verified=True, **fields)

    def get_by_natural_key(self, username):
        """The account of a login name: the stored spelling (lower case, see User.clean)
        exactly. Not `iexact`: PostgreSQL's Unicode UPPER() turns «ı» into «I» and «ſ» into
        «S», so «camılle@…» would log in as «camille@…» there (not on SQLite) under a name
        the login limits count apart."""
        return self.get(email=username.strip().lower())


class User(AbstractBaseUser, PermissionsMixin):
    """A person: resident, place manager or Département staff. Logs in with their email."""

    email = models.EmailField("adresse électronique", unique=True)
    first_name = models.CharField(
        "prénom", max_length=150, blank=True, validators=[PersonName("Le prénom")]
    )
    last_name = models.CharField(
        "nom", max_length=150, blank=True, validators=[PersonName("Le nom")]
    )
    is_active = models.BooleanField("actif", default=True)
    is_departement_staff = models.BooleanField(
        "agent du Département",
        default=False,
        help_text="Tous les droits sur les lieux, les statuts et les comptes.",
    )
    date_joined = models.DateTimeField("inscrit le", default=timezone.now)
    email_verified_at = models.DateTimeField(
        "adresse vérifiée le",
        null=True,
        blank=True,
        help_text="Vide tant que la personne n'a pas ouvert le lien de vérification reçu.",
    )
    # Stored as «01 23 45 67 89» (core.validators.normalize_french_phone).
    phone = models.CharField(
        "téléphone",
        max_length=20,
        blank=True,
        validators=[SingleLine("Le téléphone"), validate_french_phone],
    )
    # The optional emails (the person may turn them off in «Mon compte»); the others tell
    # of the person's own actions, of decisions about them or of their account's security.
    remind_bookings = models.BooleanField("rappel la veille d'une réservation", default=True)
    remind_events = models.BooleanField("rappel la veille d'un atelier", default=True)
    notify_status_expiry = models.BooleanField(
        "avertissement avant la fin d'un statut", default=True
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_unique_ci")]

    def clean(self) -> None:
        super().clean()
        self.email = self.email.strip().lower()

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email

    @property
    def can_book(self) -> bool:
        """Booking needs an active account whose email address has been verified."""
        return self.is_active and self.email_verified_at is not None


class AccountAction(models.TextChoices):
    """What an AccountLog row records."""

    PROFILE = "profile", "coordonnées modifiées"
    PREFERENCES = "preferences", "préférences de courriel modifiées"
    EXPORT = "export", "données téléchargées"
    ERASED = "erased", "compte supprimé"


class AccountLog(models.Model):
    """Who did what to an account, appended by the service in the transaction of the
    change: `actor` (NULL: the system) did `action` to `user` at `at` (UTC); `detail`
    names the fields changed, never their values."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="account_log",
        verbose_name="compte",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="fait par",
    )
    action = models.CharField("action", max_length=16, choices=AccountAction.choices)
    detail = models.CharField(
        "détail", max_length=200, blank=True, validators=[SingleLine("Le détail")]
    )
    at = models.DateTimeField("le")

    class Meta:
        verbose_name = "action sur un compte"
        verbose_name_plural = "journal des comptes"
        ordering = ["user", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=AccountAction.values),
                name="account_log_action_known",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} n° {self.pk}"
