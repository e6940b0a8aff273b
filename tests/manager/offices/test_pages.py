"""The managers' pages of offices (/gestion/bureaux/…): rights on every path (a manager of
another place: 403, nothing written), an offer's form (saved, or 400 naming each bad
field, nothing written), the requests received and their answer."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.core.models import OutboundEmail
from maillage.offices import emails
from maillage.offices.models import OfficeOffer, OfficeOfferLog, OfficeRequestPlace, RequestStatus
from maillage.places.permissions import MANAGERS_ONLY, NOT_YOUR_PLACE
from tests.factories import OfficeOfferFactory
from tests.pages import text

pytestmark = pytest.mark.django_db

OFFICES = reverse("manager:offices")
REQUESTS = reverse("manager:office_requests")


@pytest.fixture
def signed_in(client, manager):
    client.force_login(manager)
    return client


def offer_data(**changes) -> dict:
    data = {
        "title": "Bureau lumineux",
        "kind": "private_office",
        "workstations": "3",
        "surface_m2": "18",
        "monthly_price_cents": "650,50",
        "available_from": str(timezone.localdate() + timedelta(days=15)),
        "min_commitment_months": "6",
        "description": "Fibre, salle de réunion.",
        "status": "published",
    }
    data.update(changes)
    return data


def test_a_visitor_signs_in_and_someone_managing_nothing_is_refused(client, resident):
    for url in (OFFICES, REQUESTS):
        response = client.get(url)
        assert response.status_code == 302 and "/connexion/" in response["Location"]
    client.force_login(resident)
    for url in (OFFICES, REQUESTS):
        response = client.get(url)
        assert response.status_code == 403 and MANAGERS_ONLY in text(response)


def test_the_offers_page_lists_only_my_places(signed_in, offer, other_offer):
    response = signed_in.get(OFFICES)
    assert response.status_code == 200
    page = text(response)
    assert "Bureau sur cour" in page and "Plateau d'équipe" not in page


def test_a_manager_adds_an_offer_and_withdraws_it(signed_in, manager, place, client):
    response = signed_in.post(reverse("manager:add_office_offer", args=[place.slug]), offer_data())
    assert response.status_code == 302 and response["Location"] == OFFICES
    offer = OfficeOffer.objects.get()
    assert (offer.place, offer.monthly_price_cents, offer.workstations) == (place, 65_050, 3)
    assert (offer.created_by, offer.status) == (manager, "published")
    assert client.get(reverse("offices:offer", args=[offer.pk])).status_code == 200
    edit = reverse("manager:office_offer", args=[offer.pk])
    assert signed_in.get(edit).status_code == 200
    response = signed_in.post(edit, offer_data(status="withdrawn"))
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == "withdrawn"
    assert client.get(reverse("offices:offer", args=[offer.pk])).status_code == 404
    # Its history, the latest first: who withdrew it, who created it published.
    page = text(signed_in.get(edit))
    assert "<h2>Historique</h2>" in page
    assert page.index(f": retirée par {manager}") < page.index(f": créée (publiée) par {manager}")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"monthly_price_cents": "-100"},
            "Prix mensuel hors taxes (€) : Le montant doit être positif ou nul.",
        ),
        (
            {"monthly_price_cents": "150000"},
            "Prix mensuel hors taxes (€) : Le prix mensuel doit être entre 0 et 100",
        ),
        ({"surface_m2": "-5"}, "Surface (m²) : La surface doit être entre 1 et 10"),
        ({"surface_m2": ""}, "Surface (m²) : Indiquez la surface (en m²) d'un bureau privatif"),
        (
            {"workstations": "0"},
            "Postes de travail : Le nombre de postes de travail doit être entre 1 et 500.",
        ),
        (
            {"kind": "domiciliation"},
            "Surface (m²) : Une domiciliation n'a pas de surface : laissez la surface vide.",
        ),
        (
            {"min_commitment_months": "0"},
            "Engagement minimal (mois) : L'engagement minimal doit être entre 1 et 120",
        ),
        ({"available_from": "2027-02-30"}, "cette date n'existe pas (2027-02-30)"),
        ({"available_from": "1990-01-01"}, "choisissez une date entre le"),
        ({"title": ""}, "Intitulé : Ce champ est obligatoire."),
        ({"title": "Bureau\x1b[31m"}, "L'intitulé ne peut pas contenir"),
        ({"status": "archived"}, "Statut : Sélectionnez un choix valide."),
    ],
)
def test_a_bad_offer_is_named_and_nothing_is_written(signed_in, place, offer, changes, message):
    before = list(OfficeOffer.objects.values())
    logged = OfficeOfferLog.objects.count()
    for url in (
        reverse("manager:add_office_offer", args=[place.slug]),
        reverse("manager:office_offer", args=[offer.pk]),
    ):
        response = signed_in.post(url, offer_data(**changes))
        assert response.status_code == 400
        assert message in text(response)
    assert list(OfficeOffer.objects.values()) == before
    assert OfficeOfferLog.objects.count() == logged


def test_a_closed_place_publishes_no_offer(signed_in, place):
    place.status = "closed"
    place.save()
    response = signed_in.post(reverse("manager:add_office_offer", args=[place.slug]), offer_data())
    assert response.status_code == 400
    assert "Ce lieu est fermé : ses offres ne sont pas publiées." in text(response)
    assert not OfficeOffer.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_managers_offers_and_requests_are_refused(
    signed_in, other_place, other_offer, send_request, method
):
    row = send_request([other_offer]).places.get()
    before = (list(OfficeOffer.objects.values()), list(OfficeRequestPlace.objects.values()))
    for url, data in (
        (reverse("manager:add_office_offer", args=[other_place.slug]), offer_data()),
        (reverse("manager:office_offer", args=[other_offer.pk]), offer_data(title="Repris")),
        (reverse("manager:office_request", args=[row.pk]), {"action": "decliner"}),
    ):
        response = getattr(signed_in, method)(url, data)
        assert response.status_code == 403, url
        assert NOT_YOUR_PLACE in text(response)
    assert (list(OfficeOffer.objects.values()), list(OfficeRequestPlace.objects.values())) == before
    assert other_place.name not in text(signed_in.get(REQUESTS))


def test_an_unknown_or_unconfirmed_request_is_not_found(signed_in, offer, send_request):
    row = send_request([offer], confirmed=False).places.get()
    assert signed_in.get(reverse("manager:office_request", args=[row.pk])).status_code == 404
    assert signed_in.get(reverse("manager:office_request", args=[999_999])).status_code == 404
    assert signed_in.get(reverse("manager:office_offer", args=[999_999])).status_code == 404
    assert "Atelier Lumen" not in text(signed_in.get(REQUESTS))


def test_the_requests_received_and_their_filters(signed_in, manager, offer, send_request):
    first = send_request([offer], company_name="Atelier Lumen").places.get()
    send_request([offer], company_name="Studio Orée", email="hugo@oree.test")
    first.status, first.decided_at = RequestStatus.DECLINED, timezone.now()
    first.save()
    assert [row.request.company_name for row in signed_in.get(REQUESTS).context["page"]] == [
        "Studio Orée",
        "Atelier Lumen",
    ]
    response = signed_in.get(REQUESTS, {"statut": "new", "lieu": offer.place.slug})
    assert [row.request.company_name for row in response.context["page"]] == ["Studio Orée"]
    for bad in ({"lieu": "ailleurs", "statut": "new"}, {"statut": "perdu"}):
        # Never every request under a filter that looks applied.
        response = signed_in.get(REQUESTS, bad)
        assert response.status_code == 400 and not response.context["page"].object_list
        shown = text(response)
        assert "Sélectionnez un choix valide." in shown and "Aucune demande" not in shown
        assert "Studio Orée" not in shown
    assert "Lieu : Sélectionnez un choix valide." in text(
        signed_in.get(REQUESTS, {"lieu": "ailleurs"})
    )
    home = text(signed_in.get(OFFICES))
    assert "1 demande à traiter" in home


def test_a_manager_answers_a_request_once(signed_in, manager, offer, send_request):
    row = send_request([offer], siren="732829320", phone="0123456789").places.get()
    url = reverse("manager:office_request", args=[row.pk])
    page = text(signed_in.get(url))
    assert "Atelier Lumen" in page and "claire@lumen.test" in page and "732829320" in page
    assert "Nous cherchons à nous installer près de la gare." in page
    response = signed_in.post(url, {"action": "repondre", "reply": ""})
    assert response.status_code == 400
    assert "Écrivez votre réponse : elle est envoyée par courriel au demandeur." in text(response)
    response = signed_in.post(url, {"action": "envoyer", "reply": "Bonjour"})
    assert response.status_code == 400 and "Choisissez de répondre ou de décliner" in text(response)
    assert OfficeRequestPlace.objects.get(pk=row.pk).status == RequestStatus.NEW
    response = signed_in.post(url, {"action": "repondre", "reply": "Venez visiter mardi."})
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.reply, row.decided_by) == ("answered", "Venez visiter mardi.", manager)
    assert OutboundEmail.objects.filter(topic=emails.REPLY, address="claire@lumen.test").exists()
    page = text(signed_in.get(url))
    assert "Venez visiter mardi." in page and 'value="repondre"' not in page
    response = signed_in.post(url, {"action": "decliner", "reply": ""})
    assert response.status_code == 400 and "a déjà reçu la réponse du lieu" in text(response)


def test_a_manager_declines_a_request(signed_in, offer, send_request):
    row = send_request([offer]).places.get()
    url = reverse("manager:office_request", args=[row.pk])
    response = signed_in.post(url, {"action": "decliner", "reply": "Complet jusqu'en juin."})
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.reply) == ("declined", "Complet jusqu'en juin.")


def test_staff_reach_every_places_offers(client, staff_user, other_offer):
    client.force_login(staff_user)
    assert "Plateau d'équipe" in text(client.get(OFFICES))
    url = reverse("manager:office_offer", args=[other_offer.pk])
    response = client.post(url, offer_data(title="Plateau revu", kind="team_space"))
    assert response.status_code == 302
    other_offer.refresh_from_db()
    assert (other_offer.title, other_offer.updated_by) == ("Plateau revu", staff_user)


def test_a_desk_and_a_domiciliation_need_no_surface(signed_in, place):
    url = reverse("manager:add_office_offer", args=[place.slug])
    assert signed_in.post(url, offer_data(kind="dedicated_desk", surface_m2="")).status_code == 302
    response = signed_in.post(
        url, offer_data(kind="domiciliation", surface_m2="", workstations="", title="Siège")
    )
    assert response.status_code == 302
    assert OfficeOfferFactory._meta.model.objects.get(title="Siège").workstations is None


def test_names_take_de_as_french_wants(signed_in, manager, offer, send_request):
    offer.place.name = "Le Nid Bois-Colombes"
    offer.place.save()
    assert "Offres du Nid Bois-Colombes" in text(signed_in.get(OFFICES))
    row = send_request([offer], company_name="Atelier Vélo").places.get()
    page = text(signed_in.get(reverse("manager:office_request", args=[row.pk])))
    assert "<h1>Demande d'Atelier Vélo</h1>" in page and "Demande de " not in page
