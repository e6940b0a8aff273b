"""The public events: the agenda's coming events with its filters
(events.agenda.AgendaFilter), and one event."""

from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from maillage.api import inputs
from maillage.api.conditional import ETagMixin
from maillage.api.problems import ApiProblem
from maillage.api.serializers.events import EventOut
from maillage.api.views.common import ApiView, Errors, Links, api_route, form_data
from maillage.events.agenda import AgendaFilter, coming, public_events, seats_state
from maillage.events.models import Audience, Event

# The API's parameters and the agenda's filters they fill.
AGENDA_FIELDS = {"commune": "commune", "audience": "public", "from": "du", "to": "au"}
PARAMETER_OF = {field: parameter for parameter, field in AGENDA_FIELDS.items()}
INVALID = "Certains paramètres sont invalides."


def event_json(links: Links, event: Event, now: Any) -> dict[str, Any]:
    """An event (EventOut), its place and commune loaded; URLs made by `links`."""
    state = seats_state(event, now)
    place = event.place
    return {
        "id": event.pk,
        "title": event.title,
        "description": event.description,
        "status": event.status,
        "organiser": event.organiser,
        "audience": event.audience,
        "start": event.start,
        "end": event.end,
        "capacity": event.capacity,
        "seats_left": max(0, event.seats_left),
        "price_cents": event.price_cents,
        "registration_opens_at": event.registration_opens_at,
        "registration_closes_at": event.registration_closes_at,
        "seats_state": state.code,
        "seats_label": state.label,
        "place": {
            "id": place.pk,
            "name": place.name,
            "commune": place.commune.name,
            "insee_code": place.commune.insee_code,
            "url": links(api_route("place"), place.pk),
        },
        "url": links.absolute(event.get_absolute_url()),
    }


class Events(ETagMixin, GenericAPIView[Event]):
    """The public events not over yet, by start then id."""

    serializer_class = EventOut

    @extend_schema(
        operation_id="events_list",
        summary="Les ateliers et événements à venir",
        description="Ceux de l'agenda public : publiés (les annulés restent, marqués), pas "
        "encore finis, dans les lieux du département qui accueillent du public.",
        parameters=[
            OpenApiParameter("commune", OpenApiTypes.STR, description="Code INSEE."),
            OpenApiParameter("place", OpenApiTypes.INT, description="Identifiant du lieu."),
            OpenApiParameter("audience", OpenApiTypes.STR, enum=list(Audience.values)),
            OpenApiParameter(
                "from", OpenApiTypes.DATE, description="Commençant ce jour (Paris) ou après."
            ),
            OpenApiParameter(
                "to", OpenApiTypes.DATE, description="Commençant ce jour au plus tard."
            ),
        ],
        responses={200: EventOut(many=True)},
        tags=["Événements"],
    )
    def get(self, request: Request) -> Response:
        errors = Errors()
        data = form_data(request, AGENDA_FIELDS, errors)
        place = None
        if "place" in request.query_params:
            place = errors.read(inputs.identifier_param, request.query_params["place"], "place")
        errors.raise_if_any(INVALID)
        now = timezone.now()
        agenda = AgendaFilter(data, timezone.localdate(now))
        if not agenda.is_valid():
            for field, messages in agenda.errors.items():
                parameter = PARAMETER_OF.get(field, "from")
                errors.setdefault(parameter, []).extend(
                    f"« {parameter} » : {message}" for message in messages
                )
            errors.raise_if_any(INVALID)
        events = agenda.select(coming(now))
        if place is not None:
            events = events.filter(place_id=place)
        page = self.paginate_queryset(events.order_by("start", "pk")) or []
        links = Links(request)
        return self.get_paginated_response(
            EventOut([event_json(links, e, now) for e in page], many=True).data
        )


class EventDetail(ApiView):
    """One public event (past ones too, so that a link stays valid)."""

    @extend_schema(
        operation_id="events_retrieve",
        summary="Un atelier ou événement",
        responses={200: EventOut},
        tags=["Événements"],
    )
    def get(self, request: Request, pk: int) -> Response:
        event = public_events().filter(pk=pk).first()
        if event is None:
            raise ApiProblem(404, "Cet événement n'existe pas ou n'est pas publié.")
        return Response(EventOut(event_json(Links(request), event, timezone.now())).data)
