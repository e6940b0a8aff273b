"""The shapes of bookings, prices, weeks and slots in the API (OpenAPI components): instants
in Paris time with their offset (ISO 8601), amounts in cents."""

from rest_framework import serializers

from maillage.api import inputs
from maillage.booking.models import MAX_BOOKING_PRICE_CENTS, Booking, BookingStatus
from maillage.places.models import MAX_CAPACITY

MAX_KEY_LENGTH = Booking._meta.get_field("idempotency_key").max_length
MAX_REASON_LENGTH = Booking._meta.get_field("status_reason").max_length


class Funding(serializers.Serializer):
    """What a programme pays, under its public label (never a person's category)."""

    # Declared as Serializer.label's type in the stubs; here a field named «label».
    label = serializers.CharField()  # type: ignore[assignment]
    cents = serializers.IntegerField(min_value=0)


class BookingOut(serializers.Serializer):
    id = serializers.IntegerField()
    space = serializers.IntegerField(help_text="L'espace réservé.")
    start = serializers.DateTimeField(help_text="Début, heure de Paris avec son décalage.")
    end = serializers.DateTimeField()
    seats = serializers.IntegerField(min_value=1)
    status = serializers.ChoiceField(choices=BookingStatus.choices)
    price_cents = serializers.IntegerField(help_text="Prix public, figé à la réservation.")
    person_price_cents = serializers.IntegerField(help_text="Ce que la personne paie.")
    funded_by = Funding(many=True, help_text="Ce que paient les dispositifs.")
    pending_until = serializers.DateTimeField(allow_null=True)


class BookingIn(serializers.Serializer):
    """What booking takes (read by api.inputs, which names each refused field)."""

    space = serializers.IntegerField(min_value=1, max_value=inputs.MAX_ID)
    start = serializers.DateTimeField(help_text="ISO 8601 avec décalage.")
    end = serializers.DateTimeField(help_text="Au plus 31 jours après le début.")
    seats = serializers.IntegerField(min_value=1, max_value=MAX_CAPACITY, default=1)
    child = serializers.IntegerField(
        min_value=1,
        max_value=inputs.MAX_ID,
        required=False,
        allow_null=True,
        help_text="Un profil d'enfant de la personne, pour qui elle réserve.",
    )
    person_price_cents = serializers.IntegerField(
        min_value=0,
        max_value=MAX_BOOKING_PRICE_CENTS,
        required=False,
        allow_null=True,
        help_text="Le prix affiché à la personne : s'il a changé, la réservation est refusée "
        "(409, funding_changed).",
    )


class CancellationIn(serializers.Serializer):
    reason = serializers.CharField(
        max_length=MAX_REASON_LENGTH,
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="Une ligne, sans caractère de contrôle.",
    )


class PriceOut(serializers.Serializer):
    space = serializers.IntegerField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    seats = serializers.IntegerField()
    child = serializers.IntegerField(allow_null=True)
    list_cents = serializers.IntegerField(help_text="Prix public.")
    person_cents = serializers.IntegerField(help_text="Ce que la personne paierait.")
    funded_by = Funding(many=True)
    notices = serializers.ListField(
        child=serializers.CharField(),
        help_text="Pourquoi un dispositif de la personne ne s'applique pas (en français).",
    )


class Span(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class SeatsSpan(Span):
    seats = serializers.IntegerField(min_value=0)


class WeekOut(serializers.Serializer):
    space = serializers.IntegerField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    free = Span(many=True)
    booked = Span(many=True)
    closed = Span(many=True)
    free_seats = SeatsSpan(many=True)


class SlotsOut(serializers.Serializer):
    space = serializers.IntegerField()
    date = serializers.DateField()
    minutes = serializers.IntegerField()
    seats = serializers.IntegerField()
    slots = Span(many=True)
