"""Several issuers of the same month at once, on real connections (tests.racing): one issued
month, each statement once, numbers without gaps; every issuer returns that month."""

from datetime import date

import pytest

from maillage.booking import services as booking
from maillage.booking.models import Channel
from maillage.reimbursements import services
from maillage.reimbursements.models import ReimbursementStatement, StatementLine, StatementMonth
from tests.factories import BookablePlaceFactory, DeskFactory, VerifiedUserFactory
from tests.moments import NOW, paris
from tests.programmes.builders import employer_quota, programme, staff, verified
from tests.racing import run_together

pytestmark = pytest.mark.django_db(transaction=True)

ISSUERS = 6
IN_JANUARY, IN_FEBRUARY = paris(2027, 1, 1, 6), paris(2027, 2, 1, 6)


def honoured_booking(person, space, day, month=12, year=2026):
    slot = (paris(year, month, day, 9), paris(year, month, day, 11))
    made = booking.book(person, space.pk, *slot, now=NOW, channel=Channel.PAGE)
    return booking.check_in(staff(), made, now=slot[0], channel=Channel.PAGE)


def test_many_issuers_of_one_month_issue_it_once(desks):
    elsewhere = DeskFactory(place=BookablePlaceFactory(commune=desks.place.commune))
    programme([desks.place, elsewhere.place])
    programme([desks.place, elsewhere.place], categories=("handicap",))
    people = [VerifiedUserFactory(email=f"p{n}@exemple.test") for n in range(4)]
    for person, code in zip(people, ("rsa", "rsa", "handicap", "handicap"), strict=True):
        verified(person, code)
    agent = VerifiedUserFactory(email="agent@hauts-de-seine.fr")
    employer_quota([desks.place, elsewhere.place], [agent])
    for n, person in enumerate([*people, agent]):
        honoured_booking(person, desks, 2 + n)
        honoured_booking(person, elsewhere, 10 + n)
        honoured_booking(person, desks, 5 + n, month=1, year=2027)

    def issuers(month, now):
        return [lambda: services.issue_month(month, None, now=now) for _ in range(ISSUERS)]

    for month, now in ((date(2026, 12, 1), IN_JANUARY), (date(2027, 1, 1), IN_FEBRUARY)):
        outcomes = run_together(issuers(month, now))
        assert [o for o in outcomes if isinstance(o, Exception)] == []
        issued = StatementMonth.objects.get(month=month)
        assert {o.pk for o in outcomes} == {issued.pk}
    # December: per place, two programmes' statements, and the employer's; January: la-ruche's
    # two and the employer's.
    assert ReimbursementStatement.objects.count() == 4 + 1 + 2 + 1
    series: dict[tuple, list[int]] = {}
    for payer, place, employer, year, number in ReimbursementStatement.objects.values_list(
        "payer", "place_id", "employer_id", "year", "number"
    ):
        series.setdefault((payer, place, employer, year), []).append(number)
    assert sorted(sorted(n) for n in series.values()) == [[1, 2], [1, 2], [1, 2, 3, 4]]
    assert StatementLine.objects.count() == 15
    assert services.verify()[1] == []
