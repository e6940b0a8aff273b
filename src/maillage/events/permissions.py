"""Who organises an event: the one place where this rule is written.

Département staff organise every event. An event the place organises
(Organiser.PLACE) is also organised by the place's active managers (places.permissions); an
event the Département holds in a place (Organiser.DEPARTEMENT) by staff only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from maillage.accounts.roles import has_departement_rights
from maillage.events.models import Event, EventQuerySet, Organiser
from maillage.places import permissions

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from maillage.accounts.models import User

# Refusing an organiser's page or action to someone who does not organise the event.
NOT_ORGANISER = "Vous n'organisez pas cet atelier."


def can_organise(user: User | AnonymousUser, event: Event) -> bool:
    """Whether `user` organises `event` (see the module's docstring); one query for a
    manager."""
    if has_departement_rights(user):
        return True
    return event.organiser == Organiser.PLACE and permissions.can_edit_place(user, event.place)


def require_organiser(user: User | AnonymousUser, event: Event) -> Event:
    """`event`, when `user` organises it; PermissionDenied with NOT_ORGANISER otherwise."""
    if not can_organise(user, event):
        raise PermissionDenied(NOT_ORGANISER)
    return event


def organised_events(user: User | AnonymousUser) -> EventQuerySet:
    """The events `user` organises: every event for Département staff, the place-organised
    events of the places an active manager manages, none for anyone else."""
    if has_departement_rights(user):
        return Event.objects.all()
    return Event.objects.filter(
        organiser=Organiser.PLACE, place__in=permissions.editable_places(user)
    )
