"""Who reaches a place's pages in the managers' workspace: the one lookup of them all."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from maillage.places import permissions
from maillage.places.models import Place


def managed_place(request: HttpRequest, slug: str) -> Place:
    """The place of the URL's `slug` (its commune loaded), if `request.user` may edit it:
    404 when there is none, 403 with «Vous ne gérez pas ce lieu.» when it is another's."""
    place = get_object_or_404(Place.objects.select_related("commune"), slug=slug)
    return permissions.require_editable(request.user, place)
