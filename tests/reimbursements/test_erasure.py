"""Lines hold ids and amounts, never names: a statement reads the same, and still verifies,
once the person's identity is erased."""

from datetime import date

import pytest

from maillage.accounts.models import User
from maillage.booking import services as booking
from maillage.booking.models import Channel
from maillage.events import services as events
from maillage.reimbursements import services
from maillage.reimbursements.models import ReimbursementStatement
from maillage.web import account_erasure
from tests.factories import EventFactory
from tests.moments import NOW, paris
from tests.programmes.builders import programme, verified

pytestmark = pytest.mark.django_db

SLOT = (paris(2026, 12, 2, 9), paris(2026, 12, 2, 11))


def test_a_statement_names_no_one_and_outlives_the_persons_erasure(desks, booker, place_manager):
    User.objects.filter(pk=booker.pk).update(first_name="Camille", last_name="Brisebarre")
    programme(desks.place)
    verified(booker, "rsa")
    made = booking.book(booker, desks.pk, *SLOT, now=NOW, channel=Channel.PAGE)
    booking.check_in(place_manager, made, now=SLOT[0], channel=Channel.PAGE)
    services.issue_month(date(2026, 12, 1), None, now=paris(2027, 1, 1, 6))
    statement = ReimbursementStatement.objects.get()
    before = services.canonical_csv_of(statement)
    text = before.decode().lower()
    for identity in ("camille", "brisebarre", "exemple.test"):
        assert identity not in text
    assert f",{made.pk}," in text  # the booking, by its id
    # «Supprimer mon compte»: the person's fields emptied, the booking kept.
    booker.refresh_from_db()
    account_erasure.erase_account(booker, booker, now=paris(2027, 1, 2))
    statement.refresh_from_db()
    assert services.canonical_csv_of(statement) == before
    assert services.verify() == (1, [])


def test_a_registrations_line_names_no_one_either(bookable_place, booker, place_manager):
    User.objects.filter(pk=booker.pk).update(first_name="Camille", last_name="Brisebarre")
    programme(bookable_place, covers_events=True)
    verified(booker, "rsa")
    workshop = EventFactory(place=bookable_place, capacity=5, price_cents=1200)
    registration = events.register(booker, workshop, 1)
    events.mark_attendance(place_manager, registration, True, now=workshop.start)
    month = workshop.start.astimezone(services.PARIS).date().replace(day=1)
    services.issue_month(month, None, now=services.month_start(services.next_month(month)))
    text = services.canonical_csv_of(ReimbursementStatement.objects.get()).decode().lower()
    assert f",{registration.pk}," in text
    assert "camille" not in text and "brisebarre" not in text and "exemple.test" not in text
