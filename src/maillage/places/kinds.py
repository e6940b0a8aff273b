"""The kinds of space a place offers (pure: no Django).

The one definition of the vocabulary: the database's choices (places.models.SpaceKind) and
the availability core (booking.availability) are built from it.
"""

from enum import StrEnum


class SpaceKind(StrEnum):
    DESK = "desk"
    MEETING_ROOM = "meeting_room"
    PRIVATE_OFFICE = "private_office"
    EVENT_HALL = "event_hall"
    WORKSHOP = "workshop"

    @property
    def is_exclusive(self) -> bool:
        """Booked whole (a room, an office, a hall, a workshop), as opposed to a desk space
        whose seats are shared."""
        return self is not SpaceKind.DESK


KIND_LABELS = {
    SpaceKind.DESK: "Postes en espace partagé",
    SpaceKind.MEETING_ROOM: "Salle de réunion",
    SpaceKind.PRIVATE_OFFICE: "Bureau fermé",
    SpaceKind.EVENT_HALL: "Salle événementielle",
    SpaceKind.WORKSHOP: "Atelier",
}
