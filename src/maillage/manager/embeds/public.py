"""The embeddable widget's page, framed by other sites (`/integration/<public id>/`): the
places an embed lists with their next free slots (booking.next_slots) and a link to book each
on the platform, in a new tab. Server-rendered HTML, no script.

Only the embed's origins may frame it: its response carries `Content-Security-Policy:
frame-ancestors <those origins>` (the rest of the platform's policy unchanged) and no
`X-Frame-Options` (which cannot name origins); every other page keeps `frame-ancestors
'none'` and `X-Frame-Options: DENY`. An unknown or inactive embed answers the French 404.
The page is kept 60 seconds in the shared cache (an EPT's list costs about a tenth of a
second to read); an edit or a deletion of the embed drops it (services.page_key).
"""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from maillage.booking.next_slots import FreeSlot, PlaceSlots, next_free_slots
from maillage.core.dates import MONTHS
from maillage.manager.embeds.services import page_key
from maillage.manager.models import Embed, EmbedScope
from maillage.places.schedule import WEEKDAY_NAMES
from maillage.territory.models import Commune

# How long the page of an embed is kept in the shared cache.
EMBED_CACHE_SECONDS = 60
# The slots listed per place, over how many days from today.
SLOTS_PER_PLACE = 3
DAYS_AHEAD = 7


def listed_places(embed: Embed) -> list[PlaceSlots]:
    """The places `embed` lists, by name, each with its next free slots (booking.next_slots:
    SLOTS_PER_PLACE slots within DAYS_AHEAD days)."""
    if embed.scope == EmbedScope.PLACE:
        return next_free_slots(place_id=embed.place_id, count=SLOTS_PER_PLACE, days=DAYS_AHEAD)
    if embed.scope == EmbedScope.COMMUNE:
        codes = {embed.commune.insee_code} if embed.commune is not None else set()
    else:
        epts = Commune.objects.of_departement(settings.MAILLAGE_DEPARTEMENT).filter(ept=embed.ept)
        codes = set(epts.values_list("insee_code", flat=True))
    return next_free_slots(communes=codes, count=SLOTS_PER_PLACE, days=DAYS_AHEAD)


@dataclass(frozen=True)
class ShownSlot:
    """A free slot as the widget writes it, in Paris time: `day` «mardi 1er décembre»,
    `hours` «08h00–09h00», `spoken` «de 08h00 à 09h00», `start` in ISO 8601 with its
    offset, `href` the space's booking form filled in with the slot."""

    day: str
    hours: str
    spoken: str
    start: str
    space_name: str
    href: str


def _clock(moment: datetime) -> str:
    return f"{moment:%H}h{moment:%M}"


def shown_slot(slot: FreeSlot, space_page: str) -> ShownSlot:
    """`slot` as the widget writes it, its booking form at `space_page` (the space's page)."""
    start, end = timezone.localtime(slot.start), timezone.localtime(slot.end)
    number = "1er" if start.day == 1 else str(start.day)
    query = {"date": start.date().isoformat(), "debut": f"{start:%H:%M}", "fin": f"{end:%H:%M}"}
    return ShownSlot(
        day=f"{WEEKDAY_NAMES[start.weekday()]} {number} {MONTHS[start.month - 1]}",
        hours=f"{_clock(start)}–{_clock(end)}",
        spoken=f"de {_clock(start)} à {_clock(end)}",
        start=start.isoformat(),
        space_name=slot.space_name,
        href=f"{space_page}?{urlencode(query, safe=':')}",
    )


def widget_html(request: HttpRequest, embed: Embed) -> str:
    """The widget's page for `embed`, read now (nothing kept). Its slots are written here,
    not by template filters: an EPT's 450 slots render in a few milliseconds."""
    rows = listed_places(embed)
    spaces = {slot.space_id for row in rows for slot in row.slots}
    pages = {space: reverse("booking:space", args=[space]) for space in spaces}
    return render_to_string(
        "manager/embeds/widget.html",
        {
            "embed": embed,
            "rows": [
                (row.place, [shown_slot(slot, pages[slot.space_id]) for slot in row.slots])
                for row in rows
            ],
            "days_ahead": DAYS_AHEAD,
            "read_at": _clock(timezone.localtime()),
        },
        request=request,
    )


def framed_by(response: HttpResponse, sources: list[str]) -> HttpResponse:
    """`response` with `frame-ancestors` set to `sources` (CSP source expressions) in place
    of the platform's 'none' (read by django-csp's middleware)."""
    response._csp_replace = {"frame-ancestors": sources}  # type: ignore[attr-defined]  # read by django-csp
    return response


@require_safe
@xframe_options_exempt
def embed_page(request: HttpRequest, public_id: str) -> HttpResponse:
    """The public page of the active embed `public_id` (404 otherwise), framed only by its
    origins, kept EMBED_CACHE_SECONDS in the shared cache."""
    embed = get_object_or_404(
        Embed.objects.select_related("commune", "place"), public_id=public_id, is_active=True
    )
    key = page_key(embed.public_id)
    html = cache.get(key)
    if html is None:
        html = widget_html(request, embed)
        cache.set(key, html, EMBED_CACHE_SECONDS)
    return framed_by(HttpResponse(html), embed.origins)
