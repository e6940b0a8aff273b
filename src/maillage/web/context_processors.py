from functools import partial

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from maillage.accounts.roles import has_departement_rights
from maillage.booking.models import Booking
from maillage.places.permissions import can_use_manager_space, editable_places
from maillage.territory.reference import ILE_DE_FRANCE_DEPARTEMENTS
from maillage.web.staff_pages import staff_sections


def pending_requests(user) -> int:
    """How many booking requests await a decision in the places `user` manages (every place
    for the Département), in one query."""
    return (
        Booking.objects.awaiting_decision(timezone.now())
        .filter(space__place__in=editable_places(user))
        .count()
    )


# The menu entry each booking page belongs to (marked aria-current="page").
BOOKING_SECTIONS = {
    "booking:search": "book",
    "booking:space": "book",
    "booking:book": "book",
    "booking:my_bookings": "mine",
    "booking:cancel": "mine",
    "booking:cancel_series": "mine",
    "booking:renew_feed": "mine",
    "manager:bookings": "manage",
}
# The same for the events' pages.
EVENTS_SECTIONS = {
    "events:agenda": "agenda",
    "events:event": "agenda",
    "events:register": "agenda",
    "events:mine": "mine",
    "events:registration_action": "mine",
}


def platform(request):
    code = settings.MAILLAGE_DEPARTEMENT
    # A request refused before AuthenticationMiddleware (an unknown Host: the 400 page) has
    # no user.
    user = getattr(request, "user", None) or AnonymousUser()
    view_name = request.resolver_match.view_name if request.resolver_match else ""
    return {
        "departement_code": code,
        "departement_name": ILE_DE_FRANCE_DEPARTEMENTS.get(code, code),
        "tiles_url": settings.MAILLAGE_TILES_URL,
        "tiles_attribution": settings.MAILLAGE_TILES_ATTRIBUTION,
        "has_departement_rights": has_departement_rights(user),
        "booking_section": BOOKING_SECTIONS.get(view_name),
        "events_section": EVENTS_SECTIONS.get(view_name),
        # Called by the template only for a signed-in person (one query for a manager): the
        # managers' workspace (/gestion/) in the menu; staff also get the back-office.
        "uses_manager_space": partial(can_use_manager_space, user),
        # Called by the template only where it shows the managers' menu entry.
        "pending_requests": partial(pending_requests, user),
        # Called by the staff hub (/departement/) and the back-office's index only: the
        # Département's pages, grouped, those `user` may open.
        "departement_pages": partial(staff_sections, user),
        # The staff hub's path, for the breadcrumbs of staff pages in lower apps (which never
        # name a web URL: tests/config/test_url_layers.py).
        "staff_hub_url": reverse("web:staff_hub"),
    }
