"""The demo's issued statements (fictional): last month, a few bookings under the demo's
social rate and the Département's telework quota, checked in (one person absent), then every
month over issued as the daily task does (reimbursements.services.issue_closed_months).

Idempotent and safe after any back-office change: the bookings are made, as of instants of
last month (the booking services' `now`), only while last month is not issued and the demo's
beneficiaries hold no booking in it; issued statements are frozen and never touched again.
Days are Paris days.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from maillage.accounts.models import User
from maillage.booking import services as booking
from maillage.booking.availability import wall_clock_instant
from maillage.booking.models import Booking, Channel
from maillage.demo.programmes import last_month
from maillage.places.kinds import SpaceKind
from maillage.places.models import Space
from maillage.programmes.models import BenefitKind, Programme, ProgrammePlace
from maillage.reimbursements import services as statements
from maillage.reimbursements.models import ReimbursementStatement, StatementMonth

# What each beneficiary's bookings of last month became, in order: the social rate's
# beneficiary came twice and missed the third; the agent teleworked twice.
SOCIAL_FATES = ("checked_in", "checked_in", "no_show")
AGENT_FATES = ("checked_in", "checked_in")


@dataclass(frozen=True)
class DemoStatements:
    """Last month (its first day), the bookings made in it now, its statements."""

    month: date
    booked: int
    statements: int


def _desks(programmes: list[Programme], today: date) -> list[Space]:
    """Bookable desks, without approval, of the places that joined every one of
    `programmes`, in a stable order."""
    joined = None
    for programme in programmes:
        places = set(
            ProgrammePlace.objects.filter(programme=programme, left_at__isnull=True).values_list(
                "place_id", flat=True
            )
        )
        joined = places if joined is None else joined & places
    return list(
        Space.objects.bookable(today)
        .filter(kind=SpaceKind.DESK, place_id__in=joined or (), place__requires_approval=False)
        .order_by("place_id", "pk")
    )


def _weekdays(month: date) -> list[date]:
    """The weekdays of `month` before the 24th (no Christmas closure), in order."""
    days = (month + timedelta(days=n) for n in range(23))
    return [day for day in days if day.weekday() < 5]


def _book_month(month: date, plans: list[tuple[User, tuple[str, ...]]], desk: Space) -> int:
    """Each person's bookings of `month` at `desk`, 9:00–11:00 on its weekdays in turn (a day
    the place refuses is skipped), booked the day before and marked as their fate says by
    the place's manager at the time. Returns how many were made."""
    manager = desk.place.managers.order_by("pk").first()
    if manager is None:
        return 0
    days = iter(_weekdays(month))
    made = 0
    for person, fates in plans:
        for fate in fates:
            for day in days:
                start = wall_clock_instant(datetime.combine(day, time(9)))
                try:
                    done = booking.book(
                        person,
                        desk.pk,
                        start,
                        start + timedelta(hours=2),
                        now=start - timedelta(days=1),
                        channel=Channel.COMMAND,
                        notify=False,
                    )
                except booking.BookingRefused:
                    continue
                mark = booking.check_in if fate == "checked_in" else booking.mark_no_show
                mark(manager, done, now=start + timedelta(hours=1), channel=Channel.COMMAND)
                made += 1
                break
    return made


def load_statements(
    *, social: User, agent: User, programmes: list[Programme], today: date
) -> DemoStatements:
    """Last month's statements: `social` (the social rate's beneficiary) and `agent` (the
    telework quota's) booked in it at a desk of a place that joined those programmes (among
    `programmes`, the demo's), when last month is not issued yet and they hold no booking
    in it; then every month over issued."""
    month = last_month(today)
    booked = 0
    begun = statements.month_start(month)
    in_month = Booking.objects.filter(
        user__in=[social, agent], start__gte=begun, start__lt=statements.month_start(today)
    )
    if not StatementMonth.objects.filter(month__gte=month).exists() and not in_month.exists():
        funding = [p for p in programmes if p.kind in (BenefitKind.PERCENT, BenefitKind.QUOTA)]
        desks = _desks(funding, today)
        if desks:
            booked = _book_month(month, [(social, SOCIAL_FATES), (agent, AGENT_FATES)], desks[0])
    statements.issue_closed_months()
    issued = ReimbursementStatement.objects.filter(month__month=month).count()
    return DemoStatements(month=month, booked=booked, statements=issued)
