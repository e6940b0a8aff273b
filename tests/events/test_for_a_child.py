"""A parent registers themself and their child profiles for an event: «Pour qui» on the
event's page, one registration in force per event and beneficiary (the database refuses a
second), a child profile not theirs refused, «pour Lucas» told to the person only."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from maillage.eligibility.models import ChildProfile
from maillage.events import services
from maillage.events.models import Registration, RegistrationStatus
from tests.events import make_event
from tests.factories import VerifiedUserFactory
from tests.pages import text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_at_now")]

S = RegistrationStatus


@pytest.fixture
def child(booker):
    return ChildProfile.objects.create(
        parent=booker, first_name="Lucas", birth_year=2013, school="Collège Jean-Moulin"
    )


def test_a_parent_registers_themself_and_their_child(client, booker, child, place):
    event = make_event(place, price_cents=800)
    client.force_login(booker)
    page = text(client.get(event.get_absolute_url()))
    assert '<label for="id_pour">Pour qui' in page
    assert '<option value="" selected>Moi</option>' in page
    assert f'<option value="{child.pk}">Lucas</option>' in page
    assert "Prix pour une place pour Lucas : 8 €" in page
    response = client.post(
        reverse("events:register", args=[event.pk]), {"places": "1", "pour": child.pk}
    )
    assert response.status_code == 302
    mine = Registration.objects.get()
    assert (mine.user, mine.child, mine.status) == (booker, child, S.REGISTERED)
    page = text(client.get(event.get_absolute_url()))
    assert "Inscription confirmée — 1 place · pour Lucas" in page
    # Lucas is registered: the form offers the parent alone.
    assert f'<option value="{child.pk}">' not in page
    assert "Votre prix pour une place : 8 €" in page
    client.post(reverse("events:register", args=[event.pk]), {"places": "1", "pour": ""})
    assert Registration.objects.filter(event=event, child=None, user=booker).active().exists()
    page = text(client.get(event.get_absolute_url()))
    assert "M'inscrire</button>" not in page
    assert "Inscription confirmée — 1 place</strong>" in page
    assert "pour Lucas" in text(client.get(reverse("events:mine")))
    event.refresh_from_db()
    assert event.seats_taken == 2


def test_a_child_registered_twice_is_refused_by_name(booker, child, place):
    event = make_event(place)
    services.register(booker, event, 1, child_id=child.pk)
    with pytest.raises(services.RegistrationRefused) as refused:
        services.register(booker, event, 1, child_id=child.pk)
    assert (refused.value.field, refused.value.message) == (
        "event",
        "Lucas est déjà inscrit·e à cet atelier ou sur sa liste d'attente.",
    )
    assert Registration.objects.count() == 1


def test_the_database_holds_one_active_registration_per_beneficiary(booker, child, place):
    event = make_event(place)
    services.register(booker, event, 1, child_id=child.pk)
    services.register(booker, event, 1)
    for child_id in (child.pk, None):
        with pytest.raises(IntegrityError), transaction.atomic():
            Registration.objects.create(
                event=event, user=booker, child_id=child_id, seats=1, status=S.REGISTERED
            )


def test_someone_else_s_child_profile_is_refused(client, booker, child, place):
    event = make_event(place)
    stranger = VerifiedUserFactory(email="autre@exemple.test")
    with pytest.raises(services.RegistrationRefused) as refused:
        services.register(stranger, event, 1, child_id=child.pk)
    assert (refused.value.field, refused.value.message) == (
        "pour",
        "Ce profil d'enfant n'est pas l'un des vôtres.",
    )
    # From the page, a person without child profiles has no «Pour qui»: they register
    # themself, never the child named.
    client.force_login(stranger)
    response = client.post(
        reverse("events:register", args=[event.pk]), {"places": "1", "pour": child.pk}
    )
    assert response.status_code == 302
    assert Registration.objects.get().child is None
    assert not Registration.objects.filter(child=child).exists()


def test_a_parent_s_child_not_offered_shows_the_field_error(client, booker, child, place):
    event = make_event(place)
    client.force_login(booker)
    response = client.post(
        reverse("events:register", args=[event.pk]), {"places": "1", "pour": "999999"}
    )
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in text(response)
    assert not Registration.objects.exists()


def test_registered_themself_the_parent_chooses_a_child(client, booker, child, place):
    event = make_event(place)
    services.register(booker, event, 1)
    client.force_login(booker)
    page = text(client.get(event.get_absolute_url()))
    assert f'<option value="{child.pk}">Lucas</option>' in page and ">Moi</option>" not in page
    response = client.post(reverse("events:register", args=[event.pk]), {"places": "1"})
    assert response.status_code == 400
    assert "Vous êtes déjà inscrit à cet atelier ou sur sa liste d'attente." in text(response)
    assert Registration.objects.count() == 1
