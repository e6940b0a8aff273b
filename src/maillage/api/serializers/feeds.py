"""The shapes of the change feeds' pages (RPDE 1.0, OpenActive): items in (modified, id)
order, each «updated» with its data or «deleted» without."""

from rest_framework import serializers


class FeedItemOut(serializers.Serializer):
    state = serializers.ChoiceField(choices=["updated", "deleted"])
    kind = serializers.CharField(help_text="Place, FacilityUse ou FacilityUse/Slot.")
    id = serializers.CharField(help_text="L'identifiant de l'élément dans son flux.")
    modified = serializers.IntegerField(
        min_value=0,
        help_text="Numéro de modification : croît à chaque changement ; à repasser en "
        "afterTimestamp.",
    )
    # The metaclass takes declared fields out of the class: `.data` stays the serializer's.
    data = serializers.DictField(  # type: ignore[assignment]
        required=False,
        help_text="L'élément tel qu'il est (absent pour un élément supprimé) : un lieu comme "
        "/lieux/{id}, un espace comme /lieux/{id}/espaces, un créneau (Slot d'OpenActive).",
    )


class FeedPageOut(serializers.Serializer):
    next = serializers.URLField(
        help_text="La page suivante ; la dernière page (sans éléments) renvoie à elle-même."
    )
    items = FeedItemOut(many=True)
    license = serializers.URLField(help_text="Licence Ouverte 2.0 (Etalab).")
