import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.utils import timezone

from maillage.accounts.models import User
from maillage.core.sql_values import read_instant
from maillage.core.validators import MultiLine, SingleLine

TOKEN_PREFIX = "mlg_"  # noqa: S105 (a visible prefix, not a secret)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


# The person's fields an API request needs (rights, booking), in the model's field order;
# plain SQL because every API request runs it. Other fields load on first use.
USER_FIELDS = (
    "id",
    "is_superuser",
    "email",
    "is_active",
    "is_departement_staff",
    "email_verified_at",
)
USER_BY_KEY_DIGEST = """
SELECT u.id, u.is_superuser, u.email, u.is_active, u.is_departement_staff, u.email_verified_at,
       t.id, t.last_used_at
FROM api_apitoken t JOIN accounts_user u ON u.id = t.user_id
WHERE t.key_digest = %s
"""
# «Dernière utilisation» is kept to the hour: one write per token and hour, not per request.
LAST_USE_PRECISION = timedelta(hours=1)


class ApiToken(models.Model):
    """A secret that lets a partner app act for a person. Only its digest is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("nom", max_length=100, validators=[SingleLine("Le nom")])
    key_digest = models.CharField(
        max_length=64, unique=True, editable=False, validators=[SingleLine("L'empreinte")]
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)

    class Meta:
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

    @staticmethod
    def user_for_key(key: str) -> User | None:
        """The person a key acts for, or None for an unknown (or revoked) key; notes when the
        key was last used."""
        with connection.cursor() as cursor:
            cursor.execute(USER_BY_KEY_DIGEST, [digest(key)])
            row = cursor.fetchone()
        if row is None:
            return None
        pk, is_superuser, email, is_active, is_departement_staff, verified_at = row[:6]
        token_id, last_used_at = row[6], read_instant(row[7])
        now = timezone.now()
        if last_used_at is None or now - last_used_at >= LAST_USE_PRECISION:
            ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
        values = [
            pk,
            bool(is_superuser),
            email,
            bool(is_active),
            bool(is_departement_staff),
            read_instant(verified_at),
        ]
        return get_user_model().from_db(connection.alias, USER_FIELDS, values)

    @classmethod
    def issue(cls, user: User, name: str) -> tuple["ApiToken", str]:
        """A new token and its key, shown once: it cannot be read back.

        Raises ValidationError (French) for a name the field refuses (length, one line), the
        same on SQLite and PostgreSQL."""
        key = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls(user=user, name=name, key_digest=digest(key))
        token.full_clean()
        token.save()
        return token, key


PARTNER_KEY_PREFIX = "mlgp_"  # noqa: S105 (a visible prefix, not a secret)


class Scope(models.TextChoices):
    """What a partner key, and a person's consent to it, allow (OAuth 2 scopes, RFC 6749 §3.3)."""

    READ = "read", "lecture"
    BOOK = "book", "réservation au nom d'une personne"


class PartnerQuerySet(models.QuerySet["Partner"]):
    def active(self) -> "PartnerQuerySet":
        return self.filter(revoked_at__isnull=True)


class Partner(models.Model):
    """A partner app given an API key by the Département's staff.

    Only the key's digest is stored (the key is shown once). `scopes` are space-separated
    Scope values; `allowed_origins` the web origins (scheme://host[:port], one per line) whose
    pages may call the API (CORS); `application` the OAuth 2 client through which the partner
    acts for a person who consented."""

    name = models.CharField("nom", max_length=100, validators=[SingleLine("Le nom")])
    contact_name = models.CharField(
        "contact", max_length=150, validators=[SingleLine("Le contact")]
    )
    contact_email = models.EmailField("courriel du contact", max_length=254)
    scopes = models.CharField(
        "droits",
        max_length=20,
        choices=[
            (Scope.READ.value, "Lecture"),
            (f"{Scope.READ.value} {Scope.BOOK.value}", "Lecture et réservation"),
        ],
        default=Scope.READ.value,
        validators=[SingleLine("Les droits")],
    )
    allowed_origins = models.TextField(
        "origines web autorisées (CORS)",
        blank=True,
        max_length=2000,
        help_text="Une origine par ligne, par exemple https://appli.exemple.fr",
        validators=[MultiLine("Les origines")],
    )
    key_digest = models.CharField(
        max_length=64, unique=True, editable=False, validators=[SingleLine("L'empreinte")]
    )
    key_hint = models.CharField(
        "début de la clé", max_length=12, editable=False, validators=[SingleLine("Le début")]
    )
    application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partner",
        verbose_name="client OAuth 2",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="créée par",
    )
    revoked_at = models.DateTimeField("révoquée le", null=True, blank=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = "application partenaire"
        verbose_name_plural = "applications partenaires"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())

    @property
    def origins(self) -> list[str]:
        return [line.strip() for line in self.allowed_origins.splitlines() if line.strip()]

    @classmethod
    def for_key(cls, key: str) -> "Partner | None":
        """The active partner a key belongs to, or None (unknown or revoked)."""
        return cls.objects.active().filter(key_digest=digest(key)).first()


class RateWindow(models.Model):
    """How many requests a key made in one minute (api.throttling, without Redis): one row
    per key and minute, counted up by a single upsert; earlier minutes are deleted."""

    key = models.CharField(max_length=100, validators=[SingleLine("La clé")])
    minute = models.BigIntegerField(validators=[MinValueValidator(0), MaxValueValidator(2**63 - 1)])
    count = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(2**31 - 1)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "minute"], name="api_ratewindow_once"),
        ]

    def __str__(self) -> str:
        return f"{self.key} @ {self.minute}: {self.count}"


class PartnerAction(models.TextChoices):
    """What Département staff did to a partner app (PartnerLog)."""

    CREATED = "created", "clé créée"
    CHANGED = "changed", "modifiée"
    REVOKED = "revoked", "clé révoquée"


class PartnerLog(models.Model):
    """Who did what to a partner app, appended by api.partners in the transaction of the
    change, never changed nor deleted by the platform: its creation (and key), each edit, its
    revocation, by `actor`, at `at` (UTC). Ids only: no copy of the partner's contact."""

    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="log", verbose_name="application"
    )
    action = models.CharField("action", max_length=10, choices=PartnerAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="fait par",
    )
    at = models.DateTimeField("le")

    class Meta:
        verbose_name = "action sur une application partenaire"
        verbose_name_plural = "journal des applications partenaires"
        ordering = ["partner", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=PartnerAction.values),
                name="api_partner_log_action_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} (application n° {self.partner_id})"
