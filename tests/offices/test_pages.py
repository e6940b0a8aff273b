"""The public pages of offices: the list and its filters, an offer's page, the place's page,
the request form (each bad input named, 400, nothing written; the hourly limit, 429) and the
confirmation link."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from maillage.core import outbox
from maillage.core.models import OutboundEmail
from maillage.offices.models import OfficeRequest, OfficeRequestPlace
from maillage.offices.throttle import PER_HOUR
from tests.factories import ManagerFactory, OfficeOfferFactory, PlaceFactory, VerifiedUserFactory
from tests.pages import text

pytestmark = pytest.mark.django_db

LIST = reverse("offices:offers")
FORM = reverse("offices:request")


def titles(response) -> list[str]:
    return [offer.title for offer in response.context["page"]]


def test_the_list_shows_the_published_offers_of_open_places(
    client, place, other_place, offer, other_offer
):
    OfficeOfferFactory(place=place, title="Brouillon", status="draft")
    OfficeOfferFactory(place=place, title="Retirée", status="withdrawn")
    closed = PlaceFactory(
        commune=other_place.commune, slug="ferme", status="closed", opening_date="2020-01-01"
    )
    OfficeOfferFactory(place=closed, title="Lieu fermé")
    response = client.get(LIST)
    assert response.status_code == 200
    assert sorted(titles(response)) == ["Bureau sur cour", "Plateau d'équipe"]
    page = text(response)
    assert "500 € HT par mois" in page and place.name in page


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({"commune": "92050"}, ["Plateau d'équipe"]),
        ({"type": "private_office"}, ["Bureau sur cour"]),
        ({"postes": "3"}, ["Plateau d'équipe"]),
        ({"budget": "500"}, ["Bureau sur cour"]),
        ({"budget": "499"}, []),
    ],
)
def test_the_filters_choose_offers(client, offer, other_offer, query, shown):
    assert titles(client.get(LIST, query)) == shown


def test_the_availability_filter_reads_a_day(client, place, offer):
    later = timezone.localdate() + timedelta(days=60)
    OfficeOfferFactory(place=place, title="Plus tard", available_from=later)
    assert titles(client.get(LIST, {"disponible": str(later - timedelta(days=1))})) == [
        "Bureau sur cour"
    ]
    assert titles(client.get(LIST, {"disponible": str(later)})) == ["Bureau sur cour", "Plus tard"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"postes": "0"}, "Postes de travail, au moins : Assurez-vous que cette valeur"),
        ({"budget": "-5"}, "Budget mensuel HT, au plus (€) : Assurez-vous que cette valeur"),
        ({"postes": "1e308"}, "Postes de travail, au moins : Saisissez un nombre entier."),
        ({"disponible": "2027-02-30"}, "cette date n'existe pas (2027-02-30)"),
        ({"disponible": "9999-12-31"}, "choisissez une date entre le"),
        ({"commune": "75056"}, "Commune : Sélectionnez un choix valide."),
    ],
)
def test_a_bad_filter_is_named_and_shows_no_offer(client, offer, query, message):
    response = client.get(LIST, query)
    assert response.status_code == 400
    assert titles(response) == []
    assert message in text(response)


def test_an_offers_page_and_its_places_page(client, place, offer):
    other = OfficeOfferFactory(
        place=place,
        title="Domiciliation",
        kind="domiciliation",
        surface_m2=None,
        workstations=None,
        monthly_price_cents=3_500,
    )
    place.name = "Espace Cerise"
    place.save()
    response = client.get(reverse("offices:offer", args=[offer.pk]))
    assert response.status_code == 200
    page = text(response)
    assert "500 € par mois, hors taxes" in page and "Domiciliation" in page
    assert "Autres offres d'Espace Cerise" in page
    assert f"{FORM}?offre={offer.pk}" in page
    place_page = text(client.get(reverse("web:place_detail", args=[place.slug])))
    assert "Bureaux et offres longue durée" in place_page
    assert "Bureau sur cour" in place_page and "35 € HT par mois" in place_page
    assert f"?offre={offer.pk}&offre={other.pk}" in place_page
    offer.status = "draft"
    offer.save()
    assert client.get(reverse("offices:offer", args=[offer.pk])).status_code == 404
    assert "Bureau sur cour" not in text(client.get(reverse("web:place_detail", args=[place.slug])))


def form_data(chosen, **changes) -> dict:
    data = {
        "offers": [offer.pk for offer in chosen],
        "company_name": "Atelier Lumen",
        "siren": "732 829 320",
        "contact_name": "Claire Fontaine",
        "email": "claire@lumen.test",
        "phone": "01 23 45 67 89",
        "workstations": "3",
        "start_date": str(timezone.localdate() + timedelta(days=30)),
        "budget_cents": "900",
        "communes": ["92004"],
        "message": "Nous cherchons à nous installer près de la gare.",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_form_ticks_the_offers_asked(client, offer, other_offer):
    response = client.get(FORM, {"offre": [offer.pk, "999999", "abc"]})
    assert response.status_code == 200
    assert response.context["form"].initial["offers"] == [offer]
    assert "une offre demandée n'est pas ou plus publiée" in text(response)


def test_a_request_is_sent_then_confirmed_by_its_link(client, place, offer, other_offer):
    manager = ManagerFactory(email="gestion@ruche.test", places=[place])
    response = client.post(FORM, form_data([offer, other_offer]))
    assert response.status_code == 302 and response["Location"] == reverse("offices:request_sent")
    assert "ouvrez le lien" in text(client.get(response["Location"]))
    sent = OfficeRequest.objects.get()
    assert (sent.siren, sent.budget_cents, sent.confirmed_at) == ("732829320", 90_000, None)
    assert sent.places.count() == 2
    outbox.deliver_due()
    [message] = mail.outbox
    link = next(line for line in message.body.splitlines() if "/confirmer/" in line)
    path = link.removeprefix("http://127.0.0.1:8000").strip()
    # Opening the link (a mail scanner does) confirms nothing.
    shown = client.get(path)
    assert shown.status_code == 200 and "Atelier Lumen" in text(shown)
    assert OfficeRequest.objects.get().confirmed_at is None
    confirmed = client.post(path)
    assert confirmed.status_code == 302
    assert "Votre demande est transmise" in text(client.get(confirmed["Location"]))
    assert OfficeRequestPlace.objects.received().count() == 2
    assert OutboundEmail.objects.filter(address=manager.email).exists()
    again = client.post(path)
    assert again.status_code == 400 and "déjà confirmée" in text(again)


def test_a_bad_link_is_explained(client):
    response = client.get(reverse("offices:confirm", args=["jeton-inconnu"]))
    assert response.status_code == 400
    assert "Ce lien de confirmation n'est pas valide" in text(response)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"budget_cents": "-900"}, "Budget mensuel hors taxes (€) : Le montant doit être positif"),
        (
            {"budget_cents": "200000"},
            "Budget mensuel hors taxes (€) : Le budget mensuel doit être entre 0 et 100",
        ),
        (
            {"workstations": "0"},
            "Postes de travail nécessaires : Le nombre de postes de travail doit être entre 1 "
            "et 500.",
        ),
        (
            {"start_date": str(timezone.localdate() - timedelta(days=1))},
            "Date d'entrée souhaitée : La date d'entrée souhaitée est passée",
        ),
        ({"start_date": "2027-02-30"}, "cette date n'existe pas"),
        ({"offers": None}, "Choisissez au moins une offre"),
        (
            {"budget_cents": "9" * 27},
            "Budget mensuel hors taxes (€) : Le budget mensuel doit être entre 0 et 100",
        ),
        ({"offers": ["abc"]}, "Offres auxquelles envoyer la demande :"),
        ({"offers": ["99999999999999999999"]}, "Offres auxquelles envoyer la demande :"),
        ({"email": "claire@"}, "Adresse électronique : Saisissez une adresse de courriel valide."),
        ({"siren": "732829321"}, "SIREN : Ce SIREN n'est pas valide"),
        ({"siren": "1234"}, "SIREN : Le SIREN doit comporter 9 chiffres."),
        ({"company_name": ""}, "Entreprise ou projet : Ce champ est obligatoire."),
        ({"company_name": "A\x1b[31mB"}, "Le nom de l'entreprise ne peut pas contenir"),
        (
            {"communes": ["92004", "92012", "92050", "92002", "92007", "92009"]},
            "au plus 5 communes",
        ),
    ],
)
def test_a_bad_request_is_named_and_nothing_is_written(client, offer, changes, message):
    response = client.post(FORM, form_data([offer], **changes))
    assert response.status_code == 400
    assert message in text(response)
    assert not OfficeRequest.objects.exists() and not OutboundEmail.objects.exists()


def test_too_many_places_are_refused(client, territory):
    offers = [
        OfficeOfferFactory(place=PlaceFactory(commune=commune))
        for commune in territory.order_by("insee_code")[:6]
    ]
    response = client.post(FORM, form_data(offers))
    assert response.status_code == 400
    assert (
        "Offres auxquelles envoyer la demande : Choisissez des offres d'au plus 5 lieux (vous en "
        "avez choisi 6)." in text(response)
    )
    assert not OfficeRequest.objects.exists()


@pytest.mark.usefixtures("pages_at_now")  # one clock hour, whenever the suite runs
def test_one_network_address_sends_a_few_requests_an_hour(client, offer):
    for number in range(PER_HOUR):
        response = client.post(FORM, form_data([offer], email=f"p{number}@lumen.test"))
        assert response.status_code == 302
    response = client.post(FORM, form_data([offer], email="encore@lumen.test"))
    assert response.status_code == 429
    assert "Trop de demandes ont été envoyées depuis votre connexion" in text(response)
    assert OfficeRequest.objects.count() == PER_HOUR
    elsewhere = client.post(
        FORM, form_data([offer], email="ailleurs@lumen.test"), REMOTE_ADDR="192.0.2.7"
    )
    assert elsewhere.status_code == 302


def test_a_signed_in_person_with_a_verified_address_sends_at_once(client, place, offer):
    person = VerifiedUserFactory(
        email="claire@lumen.test", first_name="Claire", last_name="Fontaine"
    )
    client.force_login(person)
    initial = client.get(FORM).context["form"].initial
    assert (initial["email"], initial["contact_name"]) == ("claire@lumen.test", "Claire Fontaine")
    response = client.post(FORM, form_data([offer]))
    assert "Votre demande est transmise" in text(client.get(response["Location"]))
    assert OfficeRequest.objects.get().confirmed_at is not None


def test_the_form_says_when_nothing_is_published(client, place):
    assert "Aucune offre n'est publiée" in text(client.get(FORM))


def test_the_list_comes_in_pages_keeping_its_filters(client, place):
    for number in range(13):
        OfficeOfferFactory(place=place, title=f"Bureau {number:02d}")
    response = client.get(LIST, {"type": "private_office"})
    assert len(response.context["page"].object_list) == 12
    assert 'href="?type=private_office&amp;page=2"' in response.content.decode()
    second = client.get(LIST, {"type": "private_office", "page": "2"})
    assert len(second.context["page"].object_list) == 1
