"""The embeddable widget (manager.embeds): a list of places with their next free slots that
another site shows in an iframe, and who did what to it.

An `Embed` lists the places of a commune, of an EPT (établissement public territorial), or
one place; only the web origins it names may frame it (Content-Security-Policy
frame-ancestors). Its address carries a random public identifier, never its sequential id.
Département staff make any; a place's managers make those of their own places
(manager.embeds.services). Each change is an `EmbedLog` row, kept once the embed is deleted.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from maillage.core.validators import MultiLine, SingleLine, between, one_line
from maillage.places.models import Place
from maillage.territory.models import Commune

EMBED_TITLE_MAX = 120
EPT_MAX = 100
ORIGINS_MAX = 2000
# secrets.token_urlsafe(12): 16 URL-safe characters (96 random bits).
PUBLIC_ID_BYTES = 12
PUBLIC_ID_MAX = 32


def new_public_id() -> str:
    """A random public identifier for an embed's address: 16 URL-safe characters."""
    return secrets.token_urlsafe(PUBLIC_ID_BYTES)


class EmbedScope(models.TextChoices):
    """Which places an embed lists."""

    COMMUNE = "commune", "Les tiers-lieux d'une commune"
    EPT = "ept", "Les tiers-lieux d'un établissement public territorial (EPT)"
    PLACE = "place", "Un seul tiers-lieu"


# What each scope names, and nothing else: (its commune, its EPT, its place).
SCOPE_SHAPES = (
    Q(scope=EmbedScope.COMMUNE, commune__isnull=False, ept="", place__isnull=True)
    | (Q(scope=EmbedScope.EPT, commune__isnull=True, place__isnull=True) & ~Q(ept=""))
    | Q(scope=EmbedScope.PLACE, commune__isnull=True, ept="", place__isnull=False)
)


class Embed(models.Model):
    """A list of places with their next free slots, framed by other sites.

    `scope` says what it lists: the places of `commune`, of the EPT named `ept` (as the
    communes' `ept` spell it), or `place` alone. `allowed_origins` holds the web origins
    (`https://host[:port]`, http for localhost only; one per line, as
    api.partners.clean_origins writes them) allowed to frame it; `is_active` off answers 404.
    `public_id` is the identifier of its public address. A CHECK constraint holds the shape of
    each scope."""

    public_id = models.CharField(
        "identifiant public",
        max_length=PUBLIC_ID_MAX,
        unique=True,
        default=new_public_id,
        editable=False,
        validators=[SingleLine("L'identifiant public")],
    )
    title = models.CharField(
        "titre",
        max_length=EMBED_TITLE_MAX,
        help_text="Le titre affiché en tête de la liste, par exemple « Tiers-lieux de Nanterre ».",
        validators=[SingleLine("Le titre")],
    )
    scope = models.CharField("lieux affichés", max_length=10, choices=EmbedScope.choices)
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="commune",
    )
    ept = models.CharField(
        "établissement public territorial",
        max_length=EPT_MAX,
        blank=True,
        validators=[SingleLine("L'établissement public territorial")],
    )
    place = models.ForeignKey(
        Place,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="embeds",
        verbose_name="tiers-lieu",
    )
    allowed_origins = models.TextField(
        "origines web autorisées",
        max_length=ORIGINS_MAX,
        help_text=(
            "Les sites qui pourront afficher la liste, une origine par ligne, par exemple "
            "https://www.ville-exemple.fr (https obligatoire, http seulement pour localhost)."
        ),
        validators=[MultiLine("Les origines web autorisées")],
    )
    is_active = models.BooleanField(
        "active",
        default=True,
        help_text="Décochée, la liste n'est plus affichée sur aucun site.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="créée par",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "intégration sur un autre site"
        verbose_name_plural = "intégrations sur d'autres sites"
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope__in=EmbedScope.values), name="manager_embed_scope_known"
            ),
            models.CheckConstraint(condition=SCOPE_SHAPES, name="manager_embed_scope_shape"),
            models.CheckConstraint(
                condition=one_line("title", EMBED_TITLE_MAX), name="manager_embed_title"
            ),
            models.CheckConstraint(
                condition=~Q(allowed_origins=""), name="manager_embed_origins_given"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def origins(self) -> list[str]:
        """The origins allowed to frame it, in the order entered."""
        return [line.strip() for line in self.allowed_origins.splitlines() if line.strip()]

    @property
    def scope_label(self) -> str:
        """What it lists, in French: «Nanterre», «EPT Paris Ouest La Défense», «La Ruche»."""
        if self.scope == EmbedScope.COMMUNE and self.commune is not None:
            return f"Commune : {self.commune.name}"
        if self.scope == EmbedScope.PLACE and self.place is not None:
            return f"Lieu : {self.place.name}"
        return f"EPT : {self.ept}"

    def clean(self) -> None:
        """Keep only what the scope names (the others emptied) and require it, in the
        platform's département: a French message under the field."""
        if self.scope != EmbedScope.COMMUNE:
            self.commune = None
        if self.scope != EmbedScope.EPT:
            self.ept = ""
        if self.scope != EmbedScope.PLACE:
            self.place = None
        departement = settings.MAILLAGE_DEPARTEMENT
        communes = Commune.objects.of_departement(departement)
        if self.scope == EmbedScope.COMMUNE and not (
            self.commune_id is not None and communes.filter(pk=self.commune_id).exists()
        ):
            raise ValidationError({"commune": "Choisissez une commune du département."})
        if self.scope == EmbedScope.EPT and not (
            self.ept and communes.filter(ept=self.ept).exists()
        ):
            raise ValidationError(
                {"ept": "Choisissez un établissement public territorial du département."}
            )
        if self.scope == EmbedScope.PLACE and not (
            self.place_id is not None
            and Place.objects.in_departement(departement).filter(pk=self.place_id).exists()
        ):
            raise ValidationError({"place": "Choisissez un tiers-lieu du département."})


class EmbedAction(models.TextChoices):
    """What was done to an embed (EmbedLog)."""

    CREATED = "created", "créée"
    CHANGED = "changed", "modifiée"
    DELETED = "deleted", "supprimée"


class EmbedLog(models.Model):
    """Who did what to an embed, appended by manager.embeds.services in the transaction of
    the change, never changed, deleted after MAILLAGE_ACTION_LOG_RETENTION_DAYS
    (core.retention): its creation, each edit, its deletion, by `actor`, at `at` (UTC).
    `embed_id` and `title` (then) stay once the embed is deleted, hence no foreign key."""

    embed_id = models.PositiveBigIntegerField(
        "n° de l'intégration", validators=between(1, 2**63 - 1, "Le n° de l'intégration")
    )
    title = models.CharField(
        "titre", max_length=EMBED_TITLE_MAX, validators=[SingleLine("Le titre")]
    )
    action = models.CharField("action", max_length=10, choices=EmbedAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="fait par",
    )
    at = models.DateTimeField("le")

    class Meta:
        verbose_name = "action sur une intégration"
        verbose_name_plural = "journal des intégrations"
        ordering = ["embed_id", "id"]
        indexes = [models.Index(fields=["embed_id", "at"], name="manager_embed_log_embed")]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=EmbedAction.values), name="manager_embed_log_action_known"
            ),
            models.CheckConstraint(
                condition=one_line("title", EMBED_TITLE_MAX), name="manager_embed_log_title"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} : {self.title}"
