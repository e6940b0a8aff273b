import hashlib
import secrets

from django.conf import settings
from django.db import models

TOKEN_PREFIX = "mlg_"  # noqa: S105 (a visible prefix, not a secret)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A secret that lets a partner app act for a person. Only its digest is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("nom", max_length=100)
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)

    class Meta:
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

    @classmethod
    def issue(cls, user, name: str) -> tuple["ApiToken", str]:
        """A new token and its key, shown once: it cannot be read back."""
        key = TOKEN_PREFIX + secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, key_digest=digest(key)), key
