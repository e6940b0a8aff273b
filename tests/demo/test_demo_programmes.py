"""The demo's programmes: a social rate, a Pass+ for collégiens and the Département as
employer of agents, joined by demo places, with who benefits from them; idempotent, and a
place that left stays out."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from maillage.accounts.models import User
from maillage.booking import funding
from maillage.booking.price_lines import price_line
from maillage.demo.programmes import JOINING_PLACES
from maillage.eligibility.models import ChildProfile, EligibilityStatus
from maillage.events import selectors as event_selectors
from maillage.places.models import Space, today_in_paris
from maillage.programmes import selectors, services
from maillage.programmes.models import Envelope, Membership, Programme, ProgrammePlace
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(capsys, categories):
    call_command("demo")
    return capsys.readouterr().out


def counts():
    return (
        Programme.objects.count(),
        ProgrammePlace.objects.count(),
        Envelope.objects.count(),
        EligibilityStatus.objects.count(),
        ChildProfile.objects.count(),
        Membership.objects.count(),
    )


def test_the_demo_has_a_social_rate_a_pass_and_an_employer(demo):
    labels = dict(Programme.objects.values_list("public_label", "kind"))
    assert labels == {
        "Tarif solidaire": "percent",
        "Pass+ tiers-lieux": "credit",
        "Télétravail Département": "quota",
    }
    pass_plus = Programme.objects.get(kind="credit")
    assert (pass_plus.credit_cents, pass_plus.credit_bursary_cents) == (8000, 10000)
    assert pass_plus.credit_period == "school_year"
    quota = Programme.objects.get(kind="quota")
    assert (quota.quota_days, quota.quota_period) == (3, "week")
    # Funded (the demo's bookings may have spent a little of the social rate's).
    assert all(0 < e.left_cents <= e.budget_cents for e in Envelope.objects.all())
    for programme in Programme.objects.all():
        joined = ProgrammePlace.objects.filter(programme=programme)
        assert joined.count() == JOINING_PLACES
        # Each place joined through its manager, who accepted the terms.
        assert all(row.joined_by in row.place.managers.all() for row in joined)
    for role in ("Tarif solidaire (RSA)", "Parent d'un collégien", "Agent en télétravail"):
        assert role in demo


def quote(person, space, child=None):
    start = timezone.now().replace(microsecond=0) + timedelta(days=2)
    return funding.quote(
        funding.QuoteRequest(
            person=person,
            space_id=space.pk,
            place_id=space.place_id,
            space_kind=space.kind,
            start=start,
            end=start + timedelta(hours=2),
            seats=1,
            list_cents=1000,
            now=timezone.now(),
            beneficiary_child_id=child,
        )
    )


def test_the_demo_people_get_their_programmes(demo):
    place = ProgrammePlace.objects.order_by("pk").first().place
    space = Space.objects.filter(place=place).order_by("pk").first()
    social = User.objects.get(email="nadia.benali@exemple.test")
    assert quote(social, space).person_cents == 250  # the person pays 25 %
    parent = User.objects.get(email="sophie.leroy@exemple.test")
    child = ChildProfile.objects.get(parent=parent)
    assert quote(parent, space, child.pk).person_cents == 0
    [left] = selectors.left_of(parent, today_in_paris(), [child.pk])
    assert (left.unit, left.granted) == ("cents", 10000)  # a bursary holder's pass
    agent = User.objects.get(email="julien.teletravail@exemple.test")
    agent_quote = quote(agent, space)
    assert agent_quote.person_cents == 0
    assert agent_quote.shares[0].public_label == "Télétravail Département"
    resident = User.objects.get(email="camille.martin@exemple.test")
    assert quote(resident, space).person_cents == 1000


def test_the_demo_social_rate_reduces_a_priced_workshop(demo):
    covering = Programme.objects.filter(covers_events=True)
    assert list(covering.values_list("public_label", flat=True)) == ["Tarif solidaire"]
    place = ProgrammePlace.objects.filter(programme__in=covering).order_by("pk").first().place
    workshop = EventFactory(place=place, price_cents=1200)
    social = User.objects.get(email="nadia.benali@exemple.test")
    line = price_line(event_selectors.quote_for(social, workshop, 1))
    assert line.reduced == "Tarif solidaire : 3 € au lieu de 12 €"


def test_a_second_run_adds_nothing_and_a_place_that_left_stays_out(demo, capsys):
    before = counts()
    row = ProgrammePlace.objects.order_by("pk").first()
    manager = row.place.managers.order_by("pk").first()
    services.leave(manager, row.programme, row.place)
    EligibilityStatus.objects.filter(person__email="nadia.benali@exemple.test").update(
        state="refused", refusal_reason="Justificatif périmé", valid_from=None, valid_until=None
    )
    call_command("demo")
    capsys.readouterr()
    assert counts() == before
    row.refresh_from_db()
    assert row.left_at is not None
    assert EligibilityStatus.objects.get(person__email="nadia.benali@exemple.test").state == (
        "refused"
    )
