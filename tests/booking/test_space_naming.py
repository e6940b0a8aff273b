"""A booking or a series is named by its place and space («Place — Space»,
places.models.space_title) wherever a person reads it apart from its place's own page (issue
18): many spaces share a generic name («Salle de réunion», «Open space»)."""

import re
from pathlib import Path

import maillage

SOURCE = Path(maillage.__file__).parent
# A booking's or a series' space named by its name alone: `booking.space.name`, `first.space.name`…
BY_SPACE_ALONE = re.compile(r"\w\.space\.name\b")
# Each file allowed to, with how many times and why the place is plain beside it.
ALLOWED = {
    # The space and the place, side by side in the title line of the event.
    "booking/calendar.py": 1,
    # A managers' digest: its lines are under the place's name.
    "booking/notifications.py": 1,
    # A search result's own space (not a booking's), and its space_title.
    "booking/queries.py": 2,
    # «Place (link) — Space (commune)» on the person's bookings.
    "booking/templates/booking/_booking_row.html": 1,
    # The managers' CSV export: the place has its own column.
    "manager/bookings.py": 1,
    # The managers' list filtered to one place, named in the page's heading.
    "manager/templates/manager/bookings/list.html": 1,
    # A place's closures and a space's blocks: the place is the page's.
    "manager/templates/manager/places/_hit.html": 1,
    # «Place — Space» written out, before an account is deleted.
    "web/templates/web/delete_account.html": 1,
}


def test_no_booking_is_named_by_its_space_alone():
    """A new `….space.name` is a booking or series named without its place: use
    `space.full_name` (or name the place beside it, and list the file here, saying why)."""
    found = {}
    for path in sorted(SOURCE.rglob("*")):
        if path.suffix not in (".py", ".html", ".txt") or "migrations" in path.parts:
            continue
        hits = len(BY_SPACE_ALONE.findall(path.read_text(encoding="utf-8")))
        if hits:
            found[path.relative_to(SOURCE).as_posix()] = hits
    assert found == ALLOWED
