"""Every write of a booking, a series, a booking's history or a calendar feed goes through
booking.services (which records each status change in the history): a static test over the
source, since a write elsewhere would simply skip the history at run time.

It flags, outside the modules allowed below: ORM write calls (save, update, create, delete,
bulk_*, get_or_create, update_or_create) on an expression naming those models, their
managers or the usual variables holding them; assignments to a booking's `status`; and SQL
text inserting into, updating or deleting from their tables.
"""

import ast
import re
from pathlib import Path

import maillage

SOURCE = Path(maillage.__file__).parent
WRITE_METHODS = {
    "save",
    "update",
    "create",
    "delete",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}
# Names (classes, related managers, variables) through which these rows are reached.
BOOKING_NAMES = {
    "Booking",
    "BookingSeries",
    "BookingEvent",
    "CalendarFeed",
    "bookings",
    "booking",
    "events",
    "calendar_feed",
    "feed",
    "series",
}
BOOKING_SQL = re.compile(
    r"\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?booking_(booking|bookingseries|bookingevent|"
    r"calendarfeed)\b",
    re.IGNORECASE,
)
# Where such writes belong, and why.
ALLOWED = {
    "booking/services.py": "the use cases: each change and its history row",
    "booking/sql.py": "the plain-SQL statements booking.services runs",
    # Delivery bookkeeping only (SEQUENCE of the emailed event, reminder claimed), never a
    # status: test_notifications_write_no_status says so.
    "booking/notifications.py": "email bookkeeping columns",
    "bench/booking.py": "the benchmark, in its own database",
    "bench/dataset.py": "the benchmark's generated data, in its own database",
}
BOOKKEEPING = {"ical_sequence", "reminder_sent_at"}


def _names(node: ast.AST) -> set[str]:
    """The names and attribute names an expression is built from."""
    found = set()
    for part in ast.walk(node):
        if isinstance(part, ast.Name):
            found.add(part.id)
        elif isinstance(part, ast.Attribute):
            found.add(part.attr)
    return found


def _writes(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in WRITE_METHODS
            and BOOKING_NAMES & _names(node.func.value)
        ):
            found.append((node.lineno, ast.unparse(node.func)))
        elif isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if (
                    isinstance(target, ast.Attribute)
                    and target.attr == "status"
                    and BOOKING_NAMES & _names(target.value)
                ):
                    found.append((node.lineno, ast.unparse(target)))
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and BOOKING_SQL.search(node.value)
        ):
            found.append((node.lineno, node.value.strip()[:60]))
    return found


def _modules():
    for path in sorted(SOURCE.rglob("*.py")):
        relative = path.relative_to(SOURCE).as_posix()
        if "/migrations/" not in relative:
            yield relative, ast.parse(path.read_text(), filename=str(path))


def test_booking_rows_are_written_only_by_booking_services():
    stray = [
        f"{relative}:{line}: {what}"
        for relative, tree in _modules()
        if relative not in ALLOWED
        for line, what in _writes(tree)
    ]
    assert stray == [], "write bookings through booking.services"


def test_notifications_write_no_status():
    tree = ast.parse((SOURCE / "booking/notifications.py").read_text())
    updates = [
        {keyword.arg for keyword in node.keywords}
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in WRITE_METHODS
        and "Booking" in _names(node.func.value)
    ]
    assert updates and all(fields <= BOOKKEEPING for fields in updates)


def test_the_guard_sees_each_kind_of_write():
    """The guard itself: each way of writing a booking outside the services is caught."""
    source = """
Booking.objects.filter(pk=1).update(status="cancelled")
booking.status = "cancelled"
booking.save()
request.user.calendar_feed.delete()
CalendarFeed.objects.create(user=user)
series.bookings.all().delete()
BookingEvent.objects.bulk_create([])
cursor.execute("UPDATE booking_booking SET status = 'expired'")
cursor.execute("DELETE FROM booking_bookingevent")
place.save()
"""
    assert len(_writes(ast.parse(source))) == 9
