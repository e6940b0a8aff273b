"""The shapes of the communes and their coverage in the API (the public observatory's
figures): populations in inhabitants, shares from 0 to 1, walking minutes."""

from rest_framework import serializers


class CoverageOut(serializers.Serializer):
    threshold_minutes = serializers.IntegerField(help_text="Le seuil de marche (minutes).")
    population = serializers.IntegerField(
        min_value=0, help_text="Habitants comptés par l'observatoire."
    )
    covered_population = serializers.IntegerField(
        min_value=0, help_text="Habitants à moins du seuil de marche d'un lieu ouvert."
    )
    covered_share = serializers.FloatField(
        min_value=0, max_value=1, help_text="Part des habitants à moins du seuil (0 à 1)."
    )
    mean_minutes = serializers.FloatField(
        allow_null=True,
        min_value=0,
        help_text="Temps de marche moyen jusqu'au lieu ouvert le plus proche (nul : aucun "
        "lieu ouvert, ou personne).",
    )
    places = serializers.IntegerField(min_value=0, help_text="Lieux ouverts dans la commune.")
    seats = serializers.IntegerField(min_value=0, help_text="Postes de travail de ces lieux.")


class CommuneOut(serializers.Serializer):
    insee_code = serializers.CharField()
    name = serializers.CharField()
    ept = serializers.CharField(allow_null=True, help_text="Nul : hors EPT.")
    postal_codes = serializers.ListField(child=serializers.CharField())
    municipal_population = serializers.IntegerField(min_value=0, help_text="Population INSEE.")
    centroid_lat = serializers.FloatField()
    centroid_lon = serializers.FloatField()
    coverage = CoverageOut()
