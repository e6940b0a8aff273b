import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, models
from django.utils import timezone

from maillage.accounts.models import User
from maillage.core.sql_values import read_instant
from maillage.core.validators import SingleLine

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
