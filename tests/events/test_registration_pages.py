"""Registering from an event's page, and what a person does with their registration there and
in «Mes inscriptions»: each state told (registered, awaiting approval, rank on the waiting
list, seats offered with their deadline), each action through events.services, each refusal
a French message naming the field, nothing written."""

import pytest
from django.urls import reverse

from maillage.events.models import Registration, RegistrationStatus
from maillage.events.services import cancel
from tests.events import make_event
from tests.factories import RegistrationFactory, UserFactory, VerifiedUserFactory
from tests.pages import text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_at_now")]

S = RegistrationStatus


def register_url(event) -> str:
    return reverse("events:register", args=[event.pk])


def action_url(registration, action: str) -> str:
    return reverse("events:registration_action", args=[registration.pk, action])


CONFIRMED = {"confirmer": "oui"}


@pytest.fixture
def signed_in(client, booker):
    client.force_login(booker)
    return client


def test_a_visitor_is_asked_to_sign_in_and_come_back(client, place):
    event = make_event(place)
    page = text(client.get(event.get_absolute_url()))
    assert f"/connexion/?next={event.get_absolute_url()}\">Se connecter pour s'inscrire" in page
    response = client.post(register_url(event), {"places": "1"})
    assert response.status_code == 302 and "/connexion/" in response["Location"]
    assert not Registration.objects.exists()


def test_a_person_registers_and_sees_it(signed_in, booker, place):
    event = make_event(place)
    page = text(signed_in.get(event.get_absolute_url()))
    assert "M'inscrire</button>" in page
    assert '<input type="hidden" name="places" value="1">' in page
    response = signed_in.post(register_url(event), {"places": "1"})
    assert response.status_code == 302
    assert response["Location"] == event.get_absolute_url()
    registration = Registration.objects.get(user=booker)
    assert registration.status == S.REGISTERED
    page = text(signed_in.get(response["Location"]))
    assert "Inscription confirmée" in page
    assert "Inscription confirmée — 1 place" in page
    assert "Annuler mon inscription" in page


def test_several_seats_and_a_price(signed_in, booker, place):
    event = make_event(place, max_seats_per_registration=3, price_cents=800)
    page = text(signed_in.get(event.get_absolute_url()))
    assert "Votre prix pour une place : 8 €" in page
    assert '<label for="id_places">Nombre de places' in page
    signed_in.post(register_url(event), {"places": "2"})
    registration = Registration.objects.get(user=booker)
    assert registration.seats == 2 and registration.price_cents == 1600
    page = text(signed_in.get(event.get_absolute_url()))
    assert "Inscription confirmée — 2 places" in page
    # What the person pays is shown once registered, on the page and in «Mes inscriptions».
    assert "<p>Prix : 16 €</p>" in page
    assert "<p>Prix : 16 €</p>" in text(signed_in.get(reverse("events:mine")))


def test_the_total_is_said_to_be_the_price_times_the_seats(signed_in, place):
    event = make_event(place, max_seats_per_registration=3, price_cents=800)
    page = text(signed_in.get(event.get_absolute_url()))
    assert "le total est ce prix multiplié par le nombre de places" in page
    single = make_event(place, price_cents=800)
    assert "multiplié" not in text(signed_in.get(single.get_absolute_url()))


def test_awaiting_the_organisers_approval_is_its_own_state(signed_in, place):
    event = make_event(place, needs_approval=True)
    response = signed_in.post(register_url(event), {"places": "1"}, follow=True)
    page = text(response)
    assert "l'organisateur doit la valider" in page
    assert "En attente de l'accord de l'organisateur — 1 place" in page
    assert "liste d'attente" not in page.split("Inscription</h2>")[1].split("Mes inscriptions")[0]


@pytest.mark.parametrize(
    ("fields", "places", "message"),
    [
        (
            {"max_seats_per_registration": 2},
            "3",
            "Nombre de places : Le nombre de places doit être entre 1 et 2 par inscription.",
        ),
        ({"max_seats_per_registration": 2}, "deux", "Nombre de places : Saisissez un nombre"),
        ({"max_seats_per_registration": 2}, "-1", "Nombre de places : Le nombre de places"),
        (
            {
                "capacity": 3,
                "seats_taken": 2,
                "has_waiting_list": False,
                "max_seats_per_registration": 2,
            },
            "2",
            "Nombre de places : Il ne reste qu'une place : demandez-en moins.",
        ),
    ],
)
def test_a_refused_registration_says_why_and_writes_nothing(
    signed_in, place, fields, places, message
):
    event = make_event(place, **fields)
    response = signed_in.post(register_url(event), {"places": places})
    assert response.status_code == 400
    assert message in text(response)
    assert not Registration.objects.exists()


def test_full_without_a_waiting_list_or_closed_offers_no_form(signed_in, place):
    full = make_event(place, capacity=2, seats_taken=2, has_waiting_list=False)
    page = text(signed_in.get(full.get_absolute_url()))
    assert "<p>Complet.</p>" in page and "M'inscrire" not in page
    response = signed_in.post(register_url(full), {"places": "1"})
    assert response.status_code == 400
    assert "Cet atelier est complet." in text(response)
    assert not Registration.objects.exists()


def test_twice_is_refused(signed_in, booker, place):
    event = make_event(place)
    RegistrationFactory(event=event, user=booker)
    page = text(signed_in.get(event.get_absolute_url()))
    assert "M'inscrire" not in page
    response = signed_in.post(register_url(event), {"places": "1"})
    assert response.status_code == 400
    assert "Vous êtes déjà inscrit à cet atelier" in text(response)
    assert Registration.objects.count() == 1


def test_an_address_not_verified_is_asked_to_be(client, place):
    client.force_login(UserFactory())
    event = make_event(place)
    response = client.post(register_url(event), {"places": "1"})
    assert response.status_code == 400
    assert "Confirmez votre adresse électronique pour vous inscrire." in text(response)
    assert not Registration.objects.exists()


def test_the_waiting_list_rank_and_leaving_it(client, signed_in, booker, place):
    event = make_event(place, capacity=1)
    RegistrationFactory(event=event)
    first = RegistrationFactory(event=event, user=VerifiedUserFactory())
    assert first.status == S.WAITING
    page = text(signed_in.get(event.get_absolute_url()))
    assert "Complet — liste d'attente" in page
    response = signed_in.post(register_url(event), {"places": "1"}, follow=True)
    page = text(response)
    assert "vous êtes sur la liste d'attente (2e position)" in page
    assert "Sur la liste d'attente — 2e position (1 place demandée)" in page
    # Screen readers hear the title with its French «de» (elided before a vowel).
    assert '<span class="visually-hidden"> d\'Atelier export</span>' in page
    mine = Registration.objects.get(user=booker)
    # The first entry leaves: the person moves up.
    client.force_login(first.user)
    client.post(action_url(first, "quitter"), CONFIRMED)
    client.force_login(booker)
    page = text(client.get(event.get_absolute_url()))
    assert "Sur la liste d'attente — 1re position" in page
    # Leaving asks first, then the person is off the list.
    confirm = client.get(action_url(mine, "quitter"))
    assert confirm.status_code == 200
    assert "<h1>Quitter la liste d'attente</h1>" in text(confirm)
    assert Registration.objects.get(pk=mine.pk).status == S.WAITING
    response = client.post(action_url(mine, "quitter"), CONFIRMED)
    assert response["Location"] == event.get_absolute_url()
    assert Registration.objects.get(pk=mine.pk).status == S.CANCELLED
    assert "Vous avez quitté la liste d'attente." in text(client.get(response["Location"]))


def test_seats_offered_are_accepted_before_their_deadline(signed_in, booker, place, staff_user):
    event = make_event(place, capacity=1, hold_hours=24)
    holder = RegistrationFactory(event=event)
    mine = RegistrationFactory(event=event, user=booker)
    cancel(staff_user, holder, reason="Place libérée")
    page = text(signed_in.get(event.get_absolute_url()))
    assert "1 place proposée : confirmez avant le 2 décembre 2026 à 08h00" in page
    assert "Confirmer les places" in page and "Refuser les places" in page
    response = signed_in.post(action_url(mine, "accepter"), CONFIRMED, follow=True)
    assert Registration.objects.get(pk=mine.pk).status == S.REGISTERED
    assert "Inscription confirmée — 1 place" in text(response)


def test_seats_offered_may_be_declined(signed_in, booker, place, staff_user):
    event = make_event(place, capacity=1)
    holder = RegistrationFactory(event=event)
    mine = RegistrationFactory(event=event, user=booker)
    cancel(staff_user, holder, reason="Place libérée")
    assert "<h1>Refuser les places proposées</h1>" in text(
        signed_in.get(action_url(mine, "refuser"))
    )
    signed_in.post(action_url(mine, "refuser"), CONFIRMED)
    assert Registration.objects.get(pk=mine.pk).status == S.CANCELLED


def test_a_person_cancels_their_registration(signed_in, booker, place):
    event = make_event(place)
    mine = RegistrationFactory(event=event, user=booker)
    signed_in.post(action_url(mine, "annuler"), CONFIRMED)
    assert Registration.objects.get(pk=mine.pk).status == S.CANCELLED
    assert Registration.objects.get(pk=mine.pk).event.seats_taken == 0


def test_an_action_the_status_forbids_is_refused_in_french(signed_in, booker, place):
    event = make_event(place)
    mine = RegistrationFactory(event=event, user=booker)
    response = signed_in.post(action_url(mine, "quitter"), CONFIRMED, follow=True)
    assert "ne permet pas de quitter la liste d'attente" in text(response)
    assert Registration.objects.get(pk=mine.pk).status == S.REGISTERED


def test_someone_elses_registration_is_not_found(signed_in, place):
    event = make_event(place)
    theirs = RegistrationFactory(event=event)
    for action in ("annuler", "quitter", "accepter", "refuser"):
        assert signed_in.get(action_url(theirs, action)).status_code == 404
        assert signed_in.post(action_url(theirs, action), CONFIRMED).status_code == 404
    assert Registration.objects.get(pk=theirs.pk).status == S.REGISTERED
    mine = RegistrationFactory(event=make_event(place), user=theirs.user)
    assert signed_in.get(action_url(mine, "inconnue")).status_code == 404


def test_my_registrations_list_their_states_and_actions(signed_in, booker, place):
    registered = make_event(place, title="Atelier inscrit")
    full = make_event(place, title="Atelier complet", capacity=1)
    RegistrationFactory(event=registered, user=booker)
    RegistrationFactory(event=full)
    waiting = RegistrationFactory(event=full, user=booker)
    ended = RegistrationFactory(
        event=make_event(place, title="Atelier annulé par moi"), user=booker
    )
    cancel(booker, ended)
    response = signed_in.get(reverse("events:mine"))
    assert response.status_code == 200
    assert [r.event.title for r in response.context["coming"]] == [
        "Atelier inscrit",
        "Atelier complet",
    ]
    page = text(response)
    assert "Inscription confirmée — 1 place" in page
    assert "Sur la liste d'attente — 1re position" in page
    assert "Annulée" in page
    assert f"{action_url(waiting, 'quitter')}?depuis=mes-inscriptions" in page
    assert f'<a href="{reverse("events:mine")}" aria-current="page">Mes inscriptions</a>' in page
    response = signed_in.post(
        action_url(waiting, "quitter"), {**CONFIRMED, "depuis": "mes-inscriptions"}
    )
    assert response["Location"] == reverse("events:mine")


def test_my_registrations_need_signing_in(client):
    response = client.get(reverse("events:mine"))
    assert response.status_code == 302 and "/connexion/" in response["Location"]
