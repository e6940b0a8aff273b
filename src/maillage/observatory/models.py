from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from maillage.core.money import CentsField
from maillage.places.models import Place, PlaceStatus
from maillage.territory.models import Commune


class SiteOwner(models.TextChoices):
    DEPARTEMENT = "departement", "Département"
    COMMUNE = "commune", "Commune"
    STATE = "state", "État"
    SNCF = "sncf", "SNCF (gare)"
    OTHER_PUBLIC = "other_public", "Autre organisme public"
    PRIVATE = "private", "Propriétaire privé"


class SiteKind(models.TextChoices):
    COLLEGE = "college", "Collège"
    PARK_PAVILION = "park_pavilion", "Pavillon de parc"
    OFFICE_FLOOR = "office_floor", "Plateau de bureaux"
    STATION_PREMISES = "station_premises", "Locaux en gare"
    SHOP = "shop", "Local commercial"
    OTHER = "other", "Autre"


class CandidateSite(models.Model):
    """An unused public or private site that could become a tiers-lieu."""

    reference = models.SlugField(
        "référence",
        max_length=60,
        unique=True,
        help_text="Identifiant stable dans l'inventaire (sert aux imports successifs).",
    )
    name = models.CharField("nom", max_length=150)
    address = models.CharField("adresse", max_length=200, blank=True)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="candidate_sites", verbose_name="commune"
    )
    latitude = models.FloatField("latitude")
    longitude = models.FloatField("longitude")
    owner = models.CharField("propriétaire", max_length=20, choices=SiteOwner.choices)
    kind = models.CharField("type de site", max_length=20, choices=SiteKind.choices)
    surface_m2 = models.PositiveIntegerField(
        "surface (m²)", validators=[MinValueValidator(1, "La surface doit être d'au moins 1 m².")]
    )
    available_from = models.DateField("disponible à partir du", null=True, blank=True)
    thd_available = models.BooleanField("très haut débit disponible", default=False)
    estimated_cost_cents = CentsField("coût estimé de transformation (€)", null=True, blank=True)
    notes = models.TextField("notes", blank=True)
    is_fictional = models.BooleanField("exemple fictif", default=False)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "site candidat"
        verbose_name_plural = "sites candidats"
        ordering = ["commune__name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(surface_m2__gte=1), name="candidate_surface_positive"
            ),
            models.CheckConstraint(
                condition=Q(owner__in=SiteOwner.values), name="candidate_owner_known"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=SiteKind.values), name="candidate_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.commune})"


class ScenarioOrigin(models.TextChoices):
    MANUAL = "manual", "Choix manuel"
    MODEL = "model", "Proposé par un modèle"


class SitingModel(models.TextChoices):
    MCLP = "mclp", "Couverture maximale (p sites)"
    LSCP = "lscp", "Couverture d'une part cible avec le moins de sites"
    PMEDIAN = "pmedian", "Temps d'accès moyen minimal (p-médian)"
    PCENTER = "pcenter", "Pire temps d'accès minimal (p-centre)"


class Scenario(models.Model):
    """A set of sites to open, compared with today's network."""

    name = models.CharField("nom", max_length=150)
    description = models.TextField("description", blank=True)
    threshold_minutes = models.PositiveSmallIntegerField(
        "seuil d'accès (minutes à pied)",
        default=15,
        validators=[MinValueValidator(1, "Le seuil doit être d'au moins 1 minute.")],
    )
    candidate_sites = models.ManyToManyField(
        CandidateSite, blank=True, related_name="scenarios", verbose_name="sites candidats retenus"
    )
    project_places = models.ManyToManyField(
        Place,
        blank=True,
        related_name="scenarios",
        verbose_name="projets retenus",
        limit_choices_to={"status__in": [PlaceStatus.PROJECT, PlaceStatus.PREPARING]},
    )
    origin = models.CharField(
        "origine", max_length=10, choices=ScenarioOrigin.choices, default=ScenarioOrigin.MANUAL
    )
    model = models.CharField("modèle", max_length=10, choices=SitingModel.choices, blank=True)
    model_result = models.JSONField("résultat du modèle", default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="scenarios",
        verbose_name="créé par",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "scénario"
        verbose_name_plural = "scénarios"
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold_minutes__gte=1), name="scenario_threshold_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("observatory:scenario_detail", args=[self.pk])


class PopulationSource(models.TextChoices):
    INSEE_GRID = "insee_grid", "Carroyage INSEE (200 m)"
    POINTS = "points", "Fichier de points"


class PopulationLayer(models.Model):
    """A finer population layer replacing the communes' populations spread over a grid."""

    name = models.CharField("nom", max_length=150)
    source = models.CharField("source", max_length=20, choices=PopulationSource.choices)
    departement = models.CharField("département", max_length=3)
    cell_m = models.FloatField("côté des carreaux (m)", null=True, blank=True)
    is_active = models.BooleanField("utilisée par l'observatoire", default=True)
    imported_at = models.DateTimeField("importée le", auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name="importée par",
    )

    class Meta:
        verbose_name = "couche de population"
        verbose_name_plural = "couches de population"
        ordering = ["-imported_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["departement"],
                condition=Q(is_active=True),
                name="one_active_population_layer_per_departement",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PopulationPoint(models.Model):
    """A demand point of a population layer, in Lambert-93 metres."""

    layer = models.ForeignKey(PopulationLayer, on_delete=models.CASCADE, related_name="points")
    x = models.FloatField()
    y = models.FloatField()
    weight = models.FloatField(validators=[MinValueValidator(0)])
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=0), name="population_point_weight_positive"
            )
        ]

    def __str__(self) -> str:
        return f"({self.x:.0f}, {self.y:.0f}) : {self.weight:g}"
