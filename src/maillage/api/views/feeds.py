"""The change feeds (RPDE 1.0, as OpenActive publishes them): places, spaces, the slots of
the coming four weeks and the agenda's events, for partner apps that follow changes instead
of polling everything.

A page holds at most PAGE_SIZE items after `afterTimestamp` and `afterId` (api.feeds, which
never skips an item); `next` carries the last item's pair; the last page (no items) points to
itself. Cache-Control as RPDE asks: an hour for pages with items (their content only moves
forward), a few seconds for the last page, which new changes fill.
"""

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from maillage.api import inputs
from maillage.api.feeds import FEEDS, MAX_MODIFIED, Change, Position, changes_after
from maillage.api.serializers.events import EventOut
from maillage.api.serializers.feeds import FeedPageOut
from maillage.api.views.common import ApiView, Errors, Links, api_route, instant
from maillage.api.views.events import event_json
from maillage.api.views.places import place_json, space_json
from maillage.booking.feed_slots import slot_rows, slot_states
from maillage.events.agenda import public_events
from maillage.places.models import Space
from maillage.places.selectors import bookable_space_ids, directory_places, page_facts

PAGE_SIZE = 500
LICENCE = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
CACHE_WITH_ITEMS = "public, max-age=3600"
CACHE_LAST_PAGE = "public, max-age=8"

DataOf = Callable[[Links, list[int]], dict[int, dict[str, Any]]]


def places_data(links: Links, ids: list[int]) -> dict[int, dict[str, Any]]:
    """The places of `ids` the directory publishes, as GET /lieux/{id} gives them."""
    places = list(directory_places().filter(pk__in=ids))
    facts = page_facts(place.pk for place in places)
    bookable = bookable_space_ids(places)
    return {place.pk: place_json(links, place, facts[place.pk], bookable) for place in places}


def spaces_data(links: Links, ids: list[int]) -> dict[int, dict[str, Any]]:
    """The spaces of `ids`, as GET /lieux/{id}/espaces lists them, with their place."""
    spaces = Space.objects.filter(pk__in=ids).prefetch_related("equipment")
    bookable = set(
        Space.objects.bookable(timezone.localdate()).filter(pk__in=ids).values_list("pk", flat=True)
    )
    return {
        space.pk: space_json(links, space, space.pk in bookable)
        | {"place": {"id": space.place_id, "url": links(api_route("place"), space.place_id)}}
        for space in spaces
    }


def _duration(length: timedelta) -> str:
    """An ISO 8601 duration in whole minutes (PT90M), as OpenActive writes a slot's."""
    return f"PT{int(length.total_seconds()) // 60}M"


def slots_data(links: Links, ids: list[int]) -> dict[int, dict[str, Any]]:
    """The slots of `ids` (OpenActive's Slot): their space, times (Paris, with offset), and
    uses left (seats of a desk space; 1 or 0 for a whole room)."""
    rows = slot_rows(ids)
    states = slot_states(rows, timezone.now())
    items = {}
    for row in rows:
        state = states.get(row.pk)
        if state is None:
            continue
        start, end = instant(row.start), instant(row.end)
        items[row.pk] = {
            "@context": "https://openactive.io/",
            "@type": "Slot",
            "identifier": row.pk,
            "facilityUse": row.space_id,
            "startDate": start,
            "endDate": end,
            "duration": _duration(row.end - row.start),
            "remainingUses": state.remaining,
            "maximumUses": state.maximum,
            "price_url": f"{links(api_route('space_price'), row.space_id)}?"
            f"start={quote(start, safe=':')}&end={quote(end, safe=':')}",
        }
    return items


def events_data(links: Links, ids: list[int]) -> dict[int, dict[str, Any]]:
    """The events of `ids` the agenda shows (over ones too), as GET /evenements/{id} gives
    them."""
    now = timezone.now()
    events = public_events().at_places_taking_the_public().filter(pk__in=ids)
    return {event.pk: EventOut(event_json(links, event, now)).data for event in events}


DATA_OF: dict[str, DataOf] = {
    "places": places_data,
    "spaces": spaces_data,
    "slots": slots_data,
    "events": events_data,
}


def feed_items(feed: str, changes: Sequence[Change], links: Links) -> list[dict[str, Any]]:
    """RPDE items of `changes`: «updated» with the item's data as it is now, «deleted» for a
    deleted or unpublished item (and one gone between the two reads)."""
    kind = FEEDS[feed].kind
    data = DATA_OF[feed](links, [c.id for c in changes if not c.deleted])
    items = []
    for change in changes:
        item: dict[str, Any] = {"kind": kind, "id": str(change.id), "modified": change.modified}
        found = data.get(change.id)
        if found is None:
            item["state"] = "deleted"
        else:
            item["state"] = "updated"
            item["data"] = found
        items.append(item)
    return items


def read_position(request: Request) -> Position | None:
    """The point after which a page starts (None: the feed's start), or a 400 problem."""
    errors = Errors()
    raw_modified = request.query_params.get("afterTimestamp")
    raw_id = request.query_params.get("afterId")
    if raw_modified is None and raw_id is None:
        return None
    if raw_modified is None or raw_id is None:
        missing = "afterTimestamp" if raw_modified is None else "afterId"
        errors[missing] = [f"« {missing} » : attendu avec « afterTimestamp » et « afterId »."]
        errors.raise_if_any("Certains paramètres sont invalides.")
    modified = errors.read(
        inputs.whole_number_param, raw_modified, "afterTimestamp", 0, MAX_MODIFIED
    )
    item_id = errors.read(inputs.whole_number_param, raw_id, "afterId", 0, MAX_MODIFIED)
    errors.raise_if_any("Certains paramètres sont invalides.")
    return Position(modified, item_id)


AFTER = [
    OpenApiParameter(
        "afterTimestamp",
        OpenApiTypes.INT,
        description="Le « modified » du dernier élément lu (avec afterId), tel que le donne "
        "« next ».",
    ),
    OpenApiParameter("afterId", OpenApiTypes.INT, description="L'id du dernier élément lu."),
]


class FeedView(ApiView):
    """One page of a change feed (RPDE), public."""

    feed = ""

    def get(self, request: Request) -> Response:
        after = read_position(request)
        changes = changes_after(self.feed, after, PAGE_SIZE)
        links = Links(request)
        if changes:
            last = changes[-1].position
            query = urlencode({"afterTimestamp": last.modified, "afterId": last.id})
        elif after is not None:
            query = urlencode({"afterTimestamp": after.modified, "afterId": after.id})
        else:
            query = ""
        path = reverse(f"api:feed_{self.feed}")
        response = Response(
            {
                "next": links.absolute(f"{path}?{query}" if query else path),
                "items": feed_items(self.feed, changes, links),
                "license": LICENCE,
            }
        )
        response["Cache-Control"] = CACHE_WITH_ITEMS if changes else CACHE_LAST_PAGE
        return response


def _documented(feed: str, summary: str, description: str) -> Callable[[Any], Any]:
    return extend_schema(
        operation_id=f"feeds_{feed}",
        summary=summary,
        description=description
        + " Pages de 500 éléments au plus, ordonnés par (modified, id) ; suivre « next » "
        "jusqu'à une page sans éléments, puis la relire de temps en temps. Un élément supprimé "
        "reste au moins 7 jours dans le flux (« state »: « deleted »).",
        parameters=AFTER,
        responses={200: FeedPageOut},
        tags=["Flux de changements"],
    )


class PlacesFeed(FeedView):
    feed = "places"

    @_documented(
        "places",
        "Flux des lieux",
        "Chaque changement d'un lieu, de ses horaires, fermetures, "
        "services ou espaces, dans le format RPDE d'OpenActive.",
    )
    def get(self, request: Request) -> Response:
        return super().get(request)


class SpacesFeed(FeedView):
    feed = "spaces"

    @_documented(
        "spaces",
        "Flux des espaces",
        "Chaque changement d'un espace (FacilityUse) ou de la "
        "réservabilité que lui donne son lieu.",
    )
    def get(self, request: Request) -> Response:
        return super().get(request)


class EventsFeed(FeedView):
    feed = "events"

    @_documented(
        "events",
        "Flux des ateliers et événements",
        "Chaque changement d'un atelier ou événement de l'agenda, de ses places restantes ou "
        "de son lieu, comme /evenements/{id} le montre ; un brouillon, un événement d'un lieu "
        "fermé ou supprimé est « deleted ».",
    )
    def get(self, request: Request) -> Response:
        return super().get(request)


class SlotsFeed(FeedView):
    feed = "slots"

    @_documented(
        "slots",
        "Flux des créneaux",
        "Les créneaux des quatre semaines à venir de chaque espace "
        "réservable (Slot d'OpenActive) avec ce qu'il en reste : une réservation ou une "
        "annulation change le créneau dans la même transaction. Un créneau commencé, ou que "
        "des horaires ou une fermeture retirent, est supprimé.",
    )
    def get(self, request: Request) -> Response:
        return super().get(request)
