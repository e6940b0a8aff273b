"""The Département's view of demand per commune (/departement/demande-bureaux/): staff
only, over a period, against the offers published, and as a CSV file."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.accounts.roles import STAFF_ONLY
from maillage.offices import demand, services
from maillage.offices.models import OfficeRequest
from maillage.offices.views import demand_csv_text
from tests.factories import ManagerFactory, OfficeOfferFactory
from tests.pages import text

pytestmark = pytest.mark.django_db

PAGE = reverse("offices:demand")
CSV = reverse("offices:demand_csv")


@pytest.fixture
def asked(territory, place, other_place, offer, other_offer, send_request):
    """Three confirmed requests: two to Boulogne's office (one answered, 600 € and 900 €),
    one to Nanterre's team space naming Asnières too (no budget); one never confirmed."""
    manager = ManagerFactory(places=[place])
    first = send_request([offer], workstations=2, budget_cents=60_000, email="a@x.test")
    services.answer(manager, first.places.get(), "Bienvenue")
    send_request([offer], workstations=3, budget_cents=90_000, email="b@x.test")
    send_request(
        [other_offer],
        [territory.get(insee_code="92004")],
        workstations=8,
        budget_cents=None,
        email="c@x.test",
    )
    send_request([offer], confirmed=False, email="d@x.test")


def rows(response) -> dict[str, tuple]:
    return {
        row.name: (
            row.requests,
            row.workstations,
            row.median_budget_cents,
            row.answered,
            row.offers,
        )
        for row in response.context["rows"]
        if row.requests or row.offers
    }


@pytest.mark.usefixtures("asked")
def test_staff_see_the_demand_per_commune_against_the_offers(client, staff_user):
    client.force_login(staff_user)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert rows(response) == {
        "Boulogne-Billancourt": (2, 5, 75_000, 1, 1),
        "Nanterre": (1, 8, None, 0, 1),
        "Asnières-sur-Seine": (1, 8, None, 0, 0),
    }
    totals = response.context["totals"]
    assert (totals.requests, totals.workstations, totals.answered) == (3, 13, 1)
    assert [row.name for row in response.context["rows"]][:1] == ["Boulogne-Billancourt"]
    assert "750 €" in text(response)


@pytest.mark.usefixtures("asked")
def test_the_period_chooses_the_requests(client, staff_user):
    client.force_login(staff_user)
    old = OfficeRequest.objects.get(email="a@x.test")
    OfficeRequest.objects.filter(pk=old.pk).update(
        confirmed_at=timezone.now() - timedelta(days=400)
    )
    today = timezone.localdate()
    response = client.get(PAGE)
    assert rows(response)["Boulogne-Billancourt"][:2] == (1, 3)
    response = client.get(PAGE, {"du": str(today - timedelta(days=500)), "au": str(today)})
    assert rows(response)["Boulogne-Billancourt"][:2] == (2, 5)


@pytest.mark.usefixtures("asked")
def test_the_csv_file_holds_the_same_figures(client, staff_user):
    client.force_login(staff_user)
    response = client.get(CSV)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode().lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Commune;Code INSEE;Demandes;Postes demandés;Budget médian")
    assert "Boulogne-Billancourt;92012;2;5;750,00;1;1;2" in lines
    assert "Nanterre;92050;1;8;;0;1;8" in lines
    assert lines[-1] == "Ensemble du département;;3;13;750,00;1;2;10"
    assert len(lines) == 36 + 2


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_name_a_spreadsheet_would_run_as_a_formula_is_shown_as_text(
    client, staff_user, territory, start
):
    """A commune's name comes from reference data, which the CSV file does not trust."""
    territory.filter(insee_code="92012").update(name=f'{start}HYPERLINK("http://x.test")')
    client.force_login(staff_user)
    body = client.get(CSV).content.decode()
    assert f"'{start}HYPERLINK" in body
    assert f";{start}HYPERLINK" not in body and f"\n{start}HYPERLINK" not in body
    row = demand.CommuneDemand("92012", f"{start}1+1", 0, 0, None, 0, 0, 0)
    body = demand_csv_text([row], demand.Totals(0, 0, None, 0, 0, 0))
    assert f"'{start}1+1" in body and f"\n{start}1+1" not in body


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"du": "2027-02-30"}, "cette date n'existe pas"),
        ({"du": "1999-01-01"}, "choisissez une date entre le"),
        ({"au": "9999-12-31"}, "choisissez une date entre le"),
        ({"du": "nan"}, "date AAAA-MM-JJ attendue"),
    ],
)
def test_a_bad_period_is_named_and_the_default_shown(client, staff_user, query, message):
    client.force_login(staff_user)
    response = client.get(PAGE, query)
    assert response.status_code == 400 and message in text(response)
    assert response.context["last"] == timezone.localdate()
    assert client.get(CSV, query).status_code == 400


def test_an_end_before_the_start_is_refused(client, staff_user):
    client.force_login(staff_user)
    today = timezone.localdate()
    response = client.get(PAGE, {"du": str(today), "au": str(today - timedelta(days=1))})
    assert response.status_code == 400
    assert "La fin de la période doit suivre son début." in text(response)


def test_only_staff_see_the_demand(client, manager, resident):
    for url in (PAGE, CSV):
        client.logout()
        response = client.get(url)
        assert response.status_code == 302 and "/connexion/" in response["Location"]
        for person in (manager, resident):
            client.force_login(person)
            response = client.get(url)
            assert response.status_code == 403 and STAFF_ONLY in text(response)


def test_offers_published_count_as_supply(client, staff_user, place):
    OfficeOfferFactory(place=place, workstations=4)
    OfficeOfferFactory(place=place, status="draft")
    OfficeOfferFactory(
        place=place, kind="domiciliation", surface_m2=None, workstations=None, title="Domicile"
    )
    client.force_login(staff_user)
    row = next(r for r in client.get(PAGE).context["rows"] if r.code == "92012")
    assert (row.requests, row.offers, row.offered_workstations) == (0, 2, 4)
