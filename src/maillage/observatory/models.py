from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from maillage.core.money import CentsField
from maillage.core.validators import (
    MultiLine,
    SingleLine,
    between,
    euros_between,
    one_line,
    real_between,
)
from maillage.places.models import Place, PlaceStatus
from maillage.territory.models import Commune

# Domain bounds of what staff type or import (PostgreSQL's column ranges are far wider).
CANDIDATE_NAME_MAX = 150
CANDIDATE_ADDRESS_MAX = 200
MAX_SURFACE_M2 = 100_000
MAX_COST_CENTS = 1_000_000_000_00  # 1 billion euros
MAX_POINT_WEIGHT = 1_000_000  # inhabitants of one demand point
MAX_SITES_TO_OPEN = 100_000  # p of a siting model
# Lambert-93 (EPSG:2154) projected bounds over metropolitan France, in metres.
LAMBERT93_X = (-400_000, 1_300_000)
LAMBERT93_Y = (6_000_000, 7_200_000)


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
    name = models.CharField("nom", max_length=CANDIDATE_NAME_MAX, validators=[SingleLine("Le nom")])
    address = models.CharField(
        "adresse",
        max_length=CANDIDATE_ADDRESS_MAX,
        blank=True,
        validators=[SingleLine("L'adresse")],
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="candidate_sites", verbose_name="commune"
    )
    latitude = models.FloatField("latitude", validators=real_between(-90, 90, "La latitude"))
    longitude = models.FloatField("longitude", validators=real_between(-180, 180, "La longitude"))
    owner = models.CharField("propriétaire", max_length=20, choices=SiteOwner.choices)
    kind = models.CharField("type de site", max_length=20, choices=SiteKind.choices)
    surface_m2 = models.PositiveIntegerField(
        "surface (m²)", validators=between(1, MAX_SURFACE_M2, "La surface", "m²")
    )
    available_from = models.DateField("disponible à partir du", null=True, blank=True)
    thd_available = models.BooleanField("très haut débit disponible", default=False)
    estimated_cost_cents = CentsField(
        "coût estimé de transformation (€)",
        null=True,
        blank=True,
        validators=euros_between(0, MAX_COST_CENTS, "Le coût estimé"),
    )
    notes = models.TextField("notes", blank=True, validators=[MultiLine("Les notes")])
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
                condition=Q(surface_m2__lte=MAX_SURFACE_M2)
                & Q(estimated_cost_cents__lte=MAX_COST_CENTS),
                name="candidate_surface_and_cost_bounded",
            ),
            models.CheckConstraint(
                condition=one_line("name", CANDIDATE_NAME_MAX)
                & one_line("address", CANDIDATE_ADDRESS_MAX),
                name="candidate_name_and_address_one_line",
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

    name = models.CharField("nom", max_length=150, validators=[SingleLine("Le nom")])
    description = models.TextField(
        "description", blank=True, validators=[MultiLine("La description")]
    )
    threshold_minutes = models.PositiveSmallIntegerField(
        "seuil d'accès (minutes à pied)",
        default=15,
        validators=between(1, 240, "Le seuil", "minutes"),
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

    name = models.CharField("nom", max_length=150, validators=[SingleLine("Le nom")])
    source = models.CharField("source", max_length=20, choices=PopulationSource.choices)
    departement = models.CharField(
        "département", max_length=3, validators=[SingleLine("Le département")]
    )
    cell_m = models.FloatField(
        "côté des carreaux (m)",
        null=True,
        blank=True,
        validators=real_between(1, 100_000, "Le côté des carreaux", "m"),
    )
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
    x = models.FloatField(validators=real_between(*LAMBERT93_X, "L'abscisse x (Lambert-93)", "m"))
    y = models.FloatField(validators=real_between(*LAMBERT93_Y, "L'ordonnée y (Lambert-93)", "m"))
    weight = models.FloatField(validators=real_between(0, MAX_POINT_WEIGHT, "Le poids"))
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=0), name="population_point_weight_positive"
            ),
            # Also refuses infinity and, on PostgreSQL, NaN (greater than every number there).
            models.CheckConstraint(
                condition=Q(weight__lte=MAX_POINT_WEIGHT), name="population_point_weight_bounded"
            ),
        ]

    def __str__(self) -> str:
        return f"({self.x:.0f}, {self.y:.0f}) : {self.weight:g}"


# The longest a model run (the page's, on the task queue) may be given to solve, in seconds.
MAX_RUN_TIME_LIMIT_S = 86_400


class ModelRunStatus(models.TextChoices):
    QUEUED = "queued", "En attente"
    RUNNING = "running", "En cours"
    DONE = "done", "Terminé"
    FAILED = "failed", "Échec"
    CANCELLED = "cancelled", "Annulé"


# A run in one of these can still be cancelled.
UNFINISHED_RUN_STATUSES = [ModelRunStatus.QUEUED, ModelRunStatus.RUNNING]


class ModelRunStage(models.TextChoices):
    """What a running model run is doing, in order; `RUN_STAGE_PERCENT` gives its progress."""

    WAITING = "waiting", "En attente d'un processus de calcul"
    DATA = "data", "Lecture de la population et des sites"
    INSTANCE = "instance", "Calcul des distances entre points et sites"
    SOLVE = "solve", "Résolution par le modèle"
    SAVE = "save", "Enregistrement du scénario"
    FINISHED = "finished", "Fini"


RUN_STAGE_PERCENT = {
    ModelRunStage.WAITING: 0,
    ModelRunStage.DATA: 5,
    ModelRunStage.INSTANCE: 20,
    ModelRunStage.SOLVE: 40,
    ModelRunStage.SAVE: 95,
    ModelRunStage.FINISHED: 100,
}


class ModelRun(models.Model):
    """A staff member's request to run a siting model, solved by the task queue's worker.

    Holds the request (the fields of `services.ModelRequest`), where the run is (status,
    stage, percentage, the engine's latest message; written at most about once a second),
    and its outcome: the scenario made of the chosen sites, or a French message saying why
    it failed. `updated_at` is the time of the last write, the run's sign of life."""

    name = models.CharField(
        "nom du scénario", max_length=150, validators=[SingleLine("Le nom du scénario")]
    )
    model = models.CharField("modèle", max_length=10, choices=SitingModel.choices)
    threshold_minutes = models.PositiveSmallIntegerField(
        "seuil d'accès (minutes à pied)", validators=between(1, 240, "Le seuil", "minutes")
    )
    p = models.PositiveIntegerField(
        "nombre de sites à ouvrir",
        null=True,
        blank=True,
        validators=between(1, MAX_SITES_TO_OPEN, "Le nombre de sites à ouvrir"),
    )
    target_share = models.FloatField(
        "part de la population à couvrir",
        null=True,
        blank=True,
        validators=real_between(0, 1, "La part de la population à couvrir"),
    )
    include_projects = models.BooleanField("projets parmi les sites possibles", default=True)
    time_limit_s = models.FloatField(
        "durée maximale de résolution (s)",
        null=True,
        blank=True,
        validators=real_between(0.1, MAX_RUN_TIME_LIMIT_S, "La durée maximale", "s"),
    )
    status = models.CharField(
        "état", max_length=10, choices=ModelRunStatus.choices, default=ModelRunStatus.QUEUED
    )
    stage = models.CharField(
        "étape", max_length=10, choices=ModelRunStage.choices, default=ModelRunStage.WAITING
    )
    progress_percent = models.PositiveSmallIntegerField(
        "avancement (%)", default=0, validators=between(0, 100, "L'avancement", "%")
    )
    progress_message = models.CharField(
        "dernier message du calcul",
        max_length=300,
        blank=True,
        validators=[SingleLine("Le dernier message du calcul")],
    )
    error_message = models.TextField(
        "motif de l'échec", blank=True, validators=[MultiLine("Le motif de l'échec")]
    )
    scenario = models.ForeignKey(
        Scenario,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="model_runs",
        verbose_name="scénario obtenu",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="model_runs",
        verbose_name="demandé par",
    )
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="annulé par",
    )
    created_at = models.DateTimeField("demandé le", auto_now_add=True)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    finished_at = models.DateTimeField("fini le", null=True, blank=True)
    updated_at = models.DateTimeField("dernière nouvelle le", auto_now=True)

    class Meta:
        verbose_name = "calcul de scénario"
        verbose_name_plural = "calculs de scénarios"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["-created_at"], name="model_run_recent")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ModelRunStatus.values), name="model_run_status_known"
            ),
            models.CheckConstraint(
                condition=Q(stage__in=ModelRunStage.values), name="model_run_stage_known"
            ),
            models.CheckConstraint(
                condition=Q(progress_percent__lte=100), name="model_run_percent_bounded"
            ),
            models.CheckConstraint(
                condition=~Q(status=ModelRunStatus.FAILED) | ~Q(error_message=""),
                name="model_run_failure_explained",
            ),
            models.CheckConstraint(
                condition=Q(status__in=UNFINISHED_RUN_STATUSES) | Q(finished_at__isnull=False),
                name="model_run_finished_at_set",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display().lower()})"

    def get_absolute_url(self) -> str:
        return reverse("observatory:model_run_detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status not in UNFINISHED_RUN_STATUSES
