from functools import partial

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from maillage.accounts.roles import has_departement_rights
from maillage.booking.models import Booking, BookingStatus
from maillage.places.permissions import editable_places
from maillage.territory.reference import ILE_DE_FRANCE_DEPARTEMENTS


def pending_requests(user) -> int:
    """How many booking requests await a decision in the places `user` manages (every place
    for the Département), in one query."""
    return Booking.objects.filter(
        status=BookingStatus.PENDING,
        pending_until__gt=timezone.now(),
        space__place__in=editable_places(user),
    ).count()


def platform(request):
    code = settings.MAILLAGE_DEPARTEMENT
    # A request refused before AuthenticationMiddleware (an unknown Host: the 400 page) has
    # no user.
    user = getattr(request, "user", None) or AnonymousUser()
    return {
        "departement_code": code,
        "departement_name": ILE_DE_FRANCE_DEPARTEMENTS.get(code, code),
        "tiles_url": settings.MAILLAGE_TILES_URL,
        "tiles_attribution": settings.MAILLAGE_TILES_ATTRIBUTION,
        "has_departement_rights": has_departement_rights(user),
        # Called by the template only where it shows the managers' menu entry.
        "pending_requests": partial(pending_requests, user),
    }
