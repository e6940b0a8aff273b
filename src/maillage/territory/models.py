from django.db import models
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from maillage.core.text import fold
from maillage.core.validators import SingleLine, between, real_between

# Reference polygons are simplified: a point this close to a commune (about 300 m) counts as in it.
BOUNDARY_TOLERANCE_DEGREES = 0.004


class Departement(models.Model):
    code = models.CharField(
        "code", max_length=3, primary_key=True, validators=[SingleLine("Le code")]
    )
    name = models.CharField("nom", max_length=100, validators=[SingleLine("Le nom")])
    outline = models.JSONField("contour (GeoJSON)")

    class Meta:
        verbose_name = "département"
        verbose_name_plural = "départements"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class CommuneQuerySet(models.QuerySet):
    def of_departement(self, code: str) -> "CommuneQuerySet":
        return self.filter(departement_id=code)


class Commune(models.Model):
    insee_code = models.CharField(
        "code INSEE", max_length=5, unique=True, validators=[SingleLine("Le code INSEE")]
    )
    name = models.CharField("nom", max_length=100, validators=[SingleLine("Le nom")])
    sort_name = models.CharField(
        "nom pour le tri",
        max_length=100,
        editable=False,
        default="",
        validators=[SingleLine("Le nom pour le tri")],
    )
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="communes", verbose_name="département"
    )
    postal_codes = models.CharField(
        "codes postaux", max_length=200, blank=True, validators=[SingleLine("Les codes postaux")]
    )
    population = models.PositiveIntegerField(
        "population municipale", validators=between(0, 10_000_000, "La population")
    )
    ept = models.CharField(
        "établissement public territorial",
        max_length=100,
        blank=True,
        validators=[SingleLine("L'établissement public territorial")],
    )
    geometry = models.JSONField("contour (GeoJSON)")
    centroid_lat = models.FloatField(
        "latitude du centre", validators=real_between(-90, 90, "La latitude du centre")
    )
    centroid_lon = models.FloatField(
        "longitude du centre", validators=real_between(-180, 180, "La longitude du centre")
    )

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = "commune"
        verbose_name_plural = "communes"
        ordering = ["sort_name"]
        indexes = [models.Index(fields=["departement", "sort_name"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.sort_name = fold(self.name)
        super().save(*args, **kwargs)

    @property
    def shape(self) -> BaseGeometry:
        return shape(self.geometry)

    def contains(self, lat: float, lon: float) -> bool:
        return self.shape.buffer(BOUNDARY_TOLERANCE_DEGREES).contains(Point(lon, lat))
