"""The shapes of the public events in the API: instants in Paris time with their offset,
prices in cents (TTC, per seat)."""

from rest_framework import serializers

from maillage.events.models import Audience, EventStatus, Organiser


class EventPlace(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    commune = serializers.CharField(help_text="Nom de la commune.")
    insee_code = serializers.CharField(help_text="Code INSEE de la commune.")
    url = serializers.URLField(help_text="Le lieu dans l'API.")


class EventOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(
        choices=[EventStatus.PUBLISHED, EventStatus.CANCELLED],
        help_text="cancelled : annulé (l'événement reste listé).",
    )
    organiser = serializers.ChoiceField(choices=Organiser.choices)
    audience = serializers.ChoiceField(choices=Audience.choices)
    start = serializers.DateTimeField(help_text="Heure de Paris avec son décalage.")
    end = serializers.DateTimeField()
    capacity = serializers.IntegerField(min_value=1)
    seats_left = serializers.IntegerField(min_value=0)
    price_cents = serializers.IntegerField(min_value=0, help_text="Par place ; 0 : gratuit.")
    registration_opens_at = serializers.DateTimeField()
    registration_closes_at = serializers.DateTimeField()
    seats_state = serializers.CharField(
        help_text="open, waiting-list, full, not-open, closed, over, cancelled."
    )
    seats_label = serializers.CharField(help_text="Ce que dit la page (en français).")
    place = EventPlace()
    url = serializers.URLField(help_text="La page de l'événement sur le site.")
