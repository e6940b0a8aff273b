"""Staff contest a stated line: its share is given back for good, and the next month's
statement takes off what was stated."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.booking import services as booking
from maillage.booking.models import Channel
from maillage.programmes import ledger
from maillage.programmes.models import BookingShare, Envelope
from maillage.reimbursements import disputes, services
from maillage.reimbursements.models import Dispute, StatementLine
from tests.moments import NOW, paris
from tests.programmes.builders import programme, staff, verified

pytestmark = pytest.mark.django_db

SLOT = (paris(2026, 12, 2, 9), paris(2026, 12, 2, 11))
JANUARY = paris(2027, 1, 1, 6)
FEBRUARY = paris(2027, 2, 1, 6)


@pytest.fixture
def stated(desks, booker, place_manager):
    """A checked-in booking whose 6 € share was stated on December's statement."""
    made = programme(desks.place)
    verified(booker, "rsa")
    done = booking.book(booker, desks.pk, *SLOT, now=NOW, channel=Channel.PAGE)
    booking.check_in(place_manager, done, now=done.start, channel=Channel.PAGE)
    services.issue_month(date(2026, 12, 1), None, now=JANUARY)
    return made, done, StatementLine.objects.get()


def test_a_contested_line_comes_off_the_next_statement(stated):
    made, done, line = stated
    disputes.dispute(line, staff(), "La personne n'est pas venue.", now=JANUARY)
    assert Envelope.objects.get(programme=made).left_cents == 100_000
    services.issue_month(date(2027, 1, 1), None, now=FEBRUARY)
    correction = StatementLine.objects.exclude(pk=line.pk).get()
    assert (correction.kind, correction.cents, correction.share_id) == (
        "correction",
        -600,
        line.share_id,
    )
    assert ledger.differences() == []
    assert services.verify()[1] == []


def test_a_contested_share_is_not_taken_back_by_a_corrected_mark(stated, place_manager):
    _, done, line = stated
    disputes.dispute(line, staff(), "Pointage erroné.", now=JANUARY)
    done.refresh_from_db()
    booking.mark_no_show(place_manager, done, now=JANUARY, channel=Channel.PAGE)
    done.refresh_from_db()
    booking.check_in(place_manager, done, now=JANUARY, channel=Channel.PAGE)
    share = BookingShare.objects.get(pk=line.share_id)
    assert share.released_at is not None and share.contested_at is not None


@pytest.mark.parametrize("reason", ["", "   ", "x" * 1001])
def test_a_dispute_needs_a_reason_of_at_most_1000_characters(stated, reason):
    _, _, line = stated
    with pytest.raises(ValidationError) as refused:
        disputes.dispute(line, staff(), reason)
    assert "reason" in refused.value.message_dict
    assert not Dispute.objects.exists()
    assert BookingShare.objects.get(pk=line.share_id).released_at is None


def test_only_staff_contest_and_only_once(stated, place_manager):
    _, _, line = stated
    with pytest.raises(PermissionDenied):
        disputes.dispute(line, place_manager, "Pas venu.")
    disputes.dispute(line, staff(), "Pas venu.")
    with pytest.raises(ValidationError, match="déjà contestée"):
        disputes.dispute(line, staff(), "Encore.")
    assert Dispute.objects.count() == 1
