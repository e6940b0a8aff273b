"""The demo's offices: published offers on demo places and confirmed requests of fictional
companies, one answered; a second run adds nothing, a run after they are gone makes them
again."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from maillage.demo.offices import OFFERS, REQUESTS
from maillage.offices.models import OfficeOffer, OfficeRequest, OfficeRequestPlace, RequestStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(capsys, categories):
    call_command("demo")
    return capsys.readouterr().out


def test_the_demo_has_offers_and_requests(demo, client):
    offers = OfficeOffer.objects.published()
    assert offers.count() == len(OFFERS)
    assert all(offer.place.is_fictional for offer in offers)
    assert {offer.kind for offer in offers} >= {"private_office", "domiciliation"}
    requests = OfficeRequest.objects.confirmed()
    assert requests.count() == len(REQUESTS)
    assert OfficeRequestPlace.objects.received().filter(status=RequestStatus.ANSWERED).count() == 1
    assert "offres de bureaux : 5 créées ; demandes d'entreprises : 3" in demo
    response = client.get(reverse("offices:offers"))
    assert response.context["page"].paginator.count == len(OFFERS)


def test_a_second_run_adds_nothing_and_a_run_after_they_are_gone_makes_them(demo, capsys):
    before = (OfficeOffer.objects.count(), OfficeRequest.objects.count())
    call_command("demo")
    assert "offres de bureaux : 0 créées ; demandes d'entreprises : 0" in capsys.readouterr().out
    assert (OfficeOffer.objects.count(), OfficeRequest.objects.count()) == before
    OfficeRequest.objects.all().delete()
    OfficeOffer.objects.all().delete()
    call_command("demo")
    assert "offres de bureaux : 5 créées ; demandes d'entreprises : 3" in capsys.readouterr().out
