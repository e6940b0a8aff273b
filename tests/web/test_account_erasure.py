"""«Supprimer mon compte»: the password asked again, future bookings cancelled through the
booking service (places told), the past kept with the person's fields emptied."""

import html

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from maillage.accounts.models import AccountAction, AccountLog, User
from maillage.api.consent import create_token
from maillage.api.models import ApiToken
from maillage.booking.models import Booking, BookingStatus
from maillage.core.models import OutboundEmail
from maillage.eligibility.models import ChildProfile, EligibilityStatus
from maillage.events import services as events
from maillage.events.models import Registration, RegistrationStatus
from maillage.web import account_erasure
from tests.booking import on_page
from tests.moments import NOW, paris

pytestmark = pytest.mark.django_db

PAGE = reverse("web:delete_account")
PASSWORD = "motdepasse-camille-1"


@pytest.fixture
def history(booker, room, place_manager):
    """A booking of the booker's in the past (checked in) and one to come."""
    past = on_page.book(
        booker, room.pk, paris(2026, 11, 25, 9), paris(2026, 11, 25, 10), now=paris(2026, 11, 20)
    )
    on_page.check_in(place_manager, past, now=paris(2026, 11, 25, 9))
    future = on_page.book(booker, room.pk, paris(2026, 12, 15, 9), paris(2026, 12, 15, 10), now=NOW)
    return past, future


def test_erasing_keeps_the_past_cancels_the_future_and_empties_the_person(
    booker, history, place_manager
):
    past, future = history
    User.objects.filter(pk=booker.pk).update(first_name="Camille", phone="06 12 34 56 78")
    create_token(booker, "Mon tableur")
    booker.refresh_from_db()
    done = account_erasure.erase_account(booker, booker, now=NOW)
    assert (done.bookings_cancelled, done.bookings_kept) == (1, 0)
    assert Booking.objects.get(pk=future.pk).status == BookingStatus.CANCELLED
    kept = Booking.objects.get(pk=past.pk)
    assert kept.user_id == booker.pk and kept.price_cents == past.price_cents
    assert kept.status == BookingStatus.CHECKED_IN
    erased = User.objects.get(pk=booker.pk)
    assert (erased.first_name, erased.last_name, erased.phone) == ("", "", "")
    assert erased.email == f"compte-supprime-{booker.pk}@maillage.invalid"
    assert not erased.is_active and str(erased) == erased.email
    assert not erased.has_usable_password()
    assert not User.objects.filter(email="camille@exemple.test").exists()
    assert not ApiToken.objects.filter(user=booker).exists()
    assert not OutboundEmail.objects.filter(user=booker).exists()
    # The place's managers are told of the cancellation.
    assert OutboundEmail.objects.filter(user=place_manager).exists()
    assert AccountLog.objects.filter(user=booker, action=AccountAction.ERASED).exists()


def test_no_one_erases_someone_else_and_staff_are_refused(booker, other_booker, staff_user):
    with pytest.raises(PermissionDenied):
        account_erasure.erase_account(other_booker, booker, now=NOW)
    with pytest.raises(account_erasure.ErasureRefused, match="administrateur"):
        account_erasure.erase_account(staff_user, staff_user, now=NOW)
    assert User.objects.get(pk=booker.pk).is_active
    assert User.objects.get(pk=staff_user.pk).is_active


def test_the_page_asks_the_password_again(client, booker, history):
    client.force_login(booker)
    page = html.unescape(client.get(PAGE).content.decode())
    assert "Salle Seine" in page and "Mot de passe actuel" in page
    refused = client.post(PAGE, {"password": "faux"})
    assert refused.status_code == 200
    assert "Le mot de passe actuel est incorrect." in refused.content.decode()
    assert client.post(PAGE, {}).status_code == 200
    assert User.objects.get(pk=booker.pk).is_active
    done = client.post(PAGE, {"password": PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("web:home")
    assert not User.objects.get(pk=booker.pk).is_active
    assert "_auth_user_id" not in client.session


def test_the_page_needs_a_login_and_a_csrf_token(client, booker):
    assert client.get(PAGE)["Location"].startswith(reverse("accounts:login"))
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(booker)
    assert strict.post(PAGE, {"password": PASSWORD}).status_code == 403
    assert User.objects.get(pk=booker.pk).is_active


def test_a_manager_is_told_to_hand_the_place_over_first(client, place_manager):
    client.force_login(place_manager)
    response = client.post(PAGE, {"password": "motdepasse-gestion-1"})
    assert response.status_code == 403
    assert "Vous gérez encore un lieu" in response.content.decode()
    assert User.objects.get(pk=place_manager.pk).is_active


def test_statuses_go_registrations_stay_and_children_lose_their_names(
    people, event, status_factory, child_of
):
    person, other = people[0], people[1]
    status_factory("rsa", person=person)
    kept_child, lone_child = child_of(person, "Léa"), child_of(person, "Noé")
    status_factory("collegien", child=kept_child)
    registration = events.register(person, event, 1, child_id=kept_child.pk)
    theirs = events.register(other, event, 1)
    account_erasure.erase_account(person, person)
    assert not EligibilityStatus.objects.filter(person=person).exists()
    assert not EligibilityStatus.objects.filter(child__parent=person).exists()
    assert Registration.objects.get(pk=registration.pk).status == RegistrationStatus.CANCELLED
    assert Registration.objects.get(pk=theirs.pk).status == RegistrationStatus.REGISTERED
    assert not ChildProfile.objects.filter(pk=lone_child.pk).exists()
    renamed = ChildProfile.objects.get(pk=kept_child.pk)
    assert (renamed.first_name, renamed.school) == ("Enfant 1", "effacé")
