"""A space's week and bookable slots (public reads)."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from maillage.api import inputs
from maillage.api.problems import ApiProblem
from maillage.api.serializers.bookings import SlotsOut, WeekOut
from maillage.api.views.bookings import NOT_BOOKABLE
from maillage.api.views.common import ApiView, Errors, instant
from maillage.booking import queries, services
from maillage.core.dates import read_range
from maillage.places.models import MAX_CAPACITY, Space

MAX_MINUTES = int(inputs.MAX_SPAN.total_seconds()) // 60
SLOT_FIELDS = {"end": "minutes", "seats": "seats", "space": "space"}


class SpaceWeek(ApiView):
    """A space's free, booked and closed intervals over a Paris week (public)."""

    @extend_schema(
        operation_id="spaces_week",
        summary="La semaine d'un espace",
        parameters=[
            OpenApiParameter(
                "semaine", OpenApiTypes.DATE, description="Un jour de la semaine voulue."
            )
        ],
        responses={200: WeekOut},
        tags=["Espaces"],
    )
    def get(self, request: Request, pk: int) -> Response:
        today = timezone.localdate()
        space = Space.objects.bookable(today).select_related("place").filter(pk=pk).first()
        if space is None:
            raise ApiProblem(404, "Cet espace n'existe pas ou n'est pas réservable.")
        errors = Errors()
        day = today
        if "semaine" in request.GET:
            day = errors.read(inputs.day_in, request.GET["semaine"], "semaine", read_range(today))
        errors.raise_if_any("Certains paramètres sont invalides.")
        week = queries.space_week(space, queries.week_start(day))

        def spans(intervals: Iterable[tuple[datetime, datetime]]) -> list[dict[str, str]]:
            return [{"start": instant(s), "end": instant(e)} for s, e in intervals]

        return Response(
            {
                "space": space.pk,
                "start": instant(week.start),
                "end": instant(week.end),
                "free": spans(week.free),
                "booked": spans(week.booked),
                "closed": spans(week.closed),
                "free_seats": [
                    {"start": instant(s.start), "end": instant(s.end), "seats": s.free_seats}
                    for s in week.free_seats
                ],
            }
        )


class SpaceSlots(ApiView):
    """The slots of a space that can be booked on a day for a duration (public)."""

    @extend_schema(
        operation_id="spaces_slots",
        summary="Les créneaux réservables d'un espace",
        parameters=[
            OpenApiParameter("date", OpenApiTypes.DATE, required=True),
            OpenApiParameter("minutes", OpenApiTypes.INT, required=True),
            OpenApiParameter("seats", OpenApiTypes.INT, default=1),
        ],
        responses={200: SlotsOut},
        tags=["Espaces"],
    )
    def get(self, request: Request, pk: int) -> Response:
        errors = Errors()
        day = errors.read(
            inputs.day_in, request.GET.get("date"), "date", read_range(timezone.localdate())
        )
        minutes = errors.read(
            inputs.whole_number_param, request.GET.get("minutes"), "minutes", 1, MAX_MINUTES
        )
        seats = errors.read(
            inputs.whole_number_param, request.GET.get("seats", "1"), "seats", 1, MAX_CAPACITY
        )
        errors.raise_if_any("Certains paramètres sont invalides.")
        try:
            slots = services.free_slots(pk, day, timedelta(minutes=minutes), seats)
        except services.BookingRefused as refusal:
            if NOT_BOOKABLE & set(refusal.codes):
                raise ApiProblem(404, "Cet espace n'existe pas ou n'est pas réservable.") from None
            named: dict[str, list[str]] = {}
            for violation in refusal.violations:
                named.setdefault(SLOT_FIELDS[violation.field], []).append(violation.message)
            raise ApiProblem(
                400, "Cette demande ne respecte pas les règles de l'espace.", named
            ) from None
        return Response(
            {
                "space": pk,
                "date": day.isoformat(),
                "minutes": minutes,
                "seats": seats,
                "slots": [{"start": instant(s), "end": instant(e)} for s, e in slots],
            }
        )
