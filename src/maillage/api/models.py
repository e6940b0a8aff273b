import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.utils import timezone

from maillage.accounts.models import User
from maillage.core.models import SMALL_COUNTER_MAX
from maillage.core.sql_values import read_instant
from maillage.core.validators import MultiLine, SingleLine, between

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
    WEBHOOK_CREATED = "webhook_created", "webhook créé"
    WEBHOOK_CHANGED = "webhook_changed", "webhook modifié"
    SECRET_ROTATED = "secret_rotated", "secret de webhook renouvelé"
    WEBHOOK_DISABLED = "webhook_disabled", "webhook désactivé"
    WEBHOOK_ENABLED = "webhook_enabled", "webhook réactivé"
    DELIVERY_RETRIED = "delivery_retried", "envoi de webhook relancé"


WEBHOOK_SECRET_PREFIX = "whsec_"  # noqa: S105 (Standard Webhooks' visible prefix)
# The change feeds (api.feeds.FEEDS; tests/api/test_webhook_delivery.py checks they match)
# and the event types a partner subscribes to: one pair a feed, «<item>.updated» (created or
# changed) and «<item>.deleted» (a tombstone, or an item no longer published).
FEED_CHOICES = [
    ("places", "lieux"),
    ("spaces", "espaces"),
    ("slots", "créneaux"),
    ("events", "événements"),
]


class EventType(models.TextChoices):
    """The events a webhook endpoint subscribes to (Standard Webhooks' `type`, «noun.verb»)."""

    PLACE_UPDATED = "place.updated", "Lieu créé ou modifié"
    PLACE_DELETED = "place.deleted", "Lieu retiré de l'annuaire"
    SPACE_UPDATED = "space.updated", "Espace créé ou modifié"
    SPACE_DELETED = "space.deleted", "Espace retiré"
    SLOT_UPDATED = "slot.updated", "Créneau modifié (places restantes, prix, ouverture)"
    SLOT_DELETED = "slot.deleted", "Créneau retiré"
    EVENT_UPDATED = "event.updated", "Atelier créé ou modifié (places restantes)"
    EVENT_DELETED = "event.deleted", "Atelier retiré"


def feed_number(subject: str) -> list[MinValueValidator | MaxValueValidator]:
    """The rule of a feed's numbers (api.feeds: `modified`, ids): 0 to 2⁶³ − 1."""
    return between(0, 2**63 - 1, subject)


class DisabledReason(models.TextChoices):
    """Why a webhook endpoint receives nothing: it answered 410 Gone, or staff stopped it."""

    GONE = "gone", "l'adresse a répondu 410 Gone"
    STAFF = "staff", "désactivé par l'équipe du Département"


class WebhookEndpoint(models.Model):
    """A partner's address that receives its subscribed events (api.webhooks), signed with
    the Standard Webhooks scheme (https://www.standardwebhooks.com).

    `event_types` are space-separated EventType values. `secret` (`whsec_` + base64 of 32
    random bytes) signs every message; it is kept in clear because signing needs it, shown
    once to staff, never shown again (only `secret_hint`). After a rotation the previous
    secret signs too until `previous_secret_until`, so the partner switches without a gap.
    A disabled endpoint (`disabled_at`, `disabled_reason`) receives nothing; its cursors stay
    where they were, so re-enabling it sends what changed in the meantime."""

    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="webhooks", verbose_name="application"
    )
    url = models.URLField("adresse de réception", max_length=500)
    event_types = models.CharField(
        "événements", max_length=200, validators=[SingleLine("Les événements")]
    )
    secret = models.CharField(max_length=100, editable=False, validators=[SingleLine("Le secret")])
    secret_hint = models.CharField(
        "début du secret", max_length=16, editable=False, validators=[SingleLine("Le début")]
    )
    previous_secret = models.CharField(
        max_length=100, blank=True, editable=False, validators=[SingleLine("Le secret")]
    )
    previous_secret_until = models.DateTimeField(
        "ancien secret valable jusqu'au", null=True, blank=True
    )
    created_at = models.DateTimeField("créé le")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="créé par",
    )
    disabled_at = models.DateTimeField("désactivé le", null=True, blank=True)
    disabled_reason = models.CharField(
        "raison", max_length=10, blank=True, choices=DisabledReason.choices
    )

    class Meta:
        verbose_name = "webhook de partenaire"
        verbose_name_plural = "webhooks des partenaires"
        ordering = ["partner", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(disabled_at__isnull=True, disabled_reason="")
                | models.Q(disabled_at__isnull=False, disabled_reason__in=DisabledReason.values),
                name="api_webhook_disabled_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.url} ({self.partner})"

    @property
    def event_set(self) -> frozenset[str]:
        return frozenset(self.event_types.split())

    @property
    def enabled(self) -> bool:
        return self.disabled_at is None


class WebhookCursor(models.Model):
    """How far an endpoint's deliveries have read one feed (RPDE `afterTimestamp` and
    `afterId`: the last change turned into deliveries). A new cursor is not `caught_up`: it
    first walks to the feed's end without delivering (a new subscriber receives the changes
    made from then on, not the feed's whole history). Advanced in the transaction that
    creates the deliveries (api.webhook_delivery.dispatch)."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="cursors")
    feed = models.CharField("flux", max_length=10, choices=FEED_CHOICES)
    after_modified = models.BigIntegerField(null=True, validators=feed_number("La position"))
    after_id = models.BigIntegerField(null=True, validators=feed_number("L'id"))
    caught_up = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "feed"], name="api_webhook_cursor_once"),
        ]

    def __str__(self) -> str:
        return f"{self.feed} après ({self.after_modified}, {self.after_id})"


class DeliveryStatus(models.TextChoices):
    """Where a webhook delivery stands (WebhookDelivery)."""

    QUEUED = "queued", "en attente"
    DELIVERED = "delivered", "reçu"
    FAILED = "failed", "en échec"
    STOPPED = "stopped", "arrêté (webhook désactivé)"


class WebhookDelivery(models.Model):
    """One event for one endpoint: its message (`message_id`, Standard Webhooks' `webhook-id`,
    the same on every attempt so the receiver can ignore a repeat) and its thin `payload`
    (the JSON body, kept as sent). Pending until a 2xx answer; retried on the schedule of
    api.webhook_delivery.RETRY_DELAYS, then failed; cancelled when its endpoint is disabled.
    A change of a feed gives at most one delivery per endpoint (the unique constraint)."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    message_id = models.CharField(
        "message", max_length=40, unique=True, validators=[SingleLine("Le message")]
    )
    event_type = models.CharField("événement", max_length=20, choices=EventType.choices)
    item_id = models.CharField("élément", max_length=100, validators=[SingleLine("L'élément")])
    modified = models.BigIntegerField("version", validators=feed_number("La version"))
    payload = models.TextField("corps envoyé", validators=[MultiLine("Le corps")])
    created_at = models.DateTimeField("créé le")
    status = models.CharField(
        "état", max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(
        "tentatives", default=0, validators=between(0, SMALL_COUNTER_MAX, "Le nombre de tentatives")
    )
    next_attempt_at = models.DateTimeField("prochain essai le", null=True, blank=True)
    last_attempt_at = models.DateTimeField("dernier essai le", null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(
        "dernier code HTTP",
        null=True,
        blank=True,
        validators=between(100, 599, "Le code HTTP"),
    )
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)

    class Meta:
        verbose_name = "envoi de webhook"
        verbose_name_plural = "envois de webhooks"
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_type", "item_id", "modified"],
                name="api_webhook_delivery_once",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=DeliveryStatus.values),
                name="api_webhook_delivery_status_known",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="queued"),
                name="api_webhook_delivery_due",
            ),
            models.Index(fields=["endpoint", "created_at"], name="api_webhook_delivery_log"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.item_id} ({self.message_id})"


class WebhookAttempt(models.Model):
    """One POST of a delivery: when, the HTTP status answered (none when no answer came),
    how long it took (ms), and the error (cut at api.webhook_delivery.ERROR_MAX_LENGTH)."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    at = models.DateTimeField("le")
    status_code = models.PositiveSmallIntegerField(
        "code HTTP", null=True, blank=True, validators=between(100, 599, "Le code HTTP")
    )
    duration_ms = models.PositiveIntegerField(
        "durée (ms)", validators=between(0, 2**31 - 1, "La durée")
    )
    error = models.CharField(
        "erreur", max_length=300, blank=True, validators=[SingleLine("L'erreur")]
    )

    class Meta:
        verbose_name = "tentative d'envoi de webhook"
        verbose_name_plural = "tentatives d'envoi de webhooks"
        ordering = ["delivery", "id"]

    def __str__(self) -> str:
        return f"{self.status_code or '—'} en {self.duration_ms} ms"


class PartnerLog(models.Model):
    """Who did what to a partner app, appended by api.partners and api.webhooks in the
    transaction of the change, never changed, deleted after
    MAILLAGE_ACTION_LOG_RETENTION_DAYS (core.retention): its creation (and key), each edit,
    its revocation, its webhooks' creation, changes, secret rotations, disabling and
    re-enabling, a delivery relaunched (`detail`: its message id), by `actor`, at `at` (UTC).
    Ids only: no copy of the partner's contact."""

    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="log", verbose_name="application"
    )
    action = models.CharField("action", max_length=20, choices=PartnerAction.choices)
    webhook = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="log",
        verbose_name="webhook",
    )
    detail = models.CharField(
        "détail", max_length=40, blank=True, validators=[SingleLine("Le détail")]
    )
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
