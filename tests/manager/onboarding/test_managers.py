"""A place's managers: invitations by email (single-use, expiring link to set a password),
co-managers invited by managers, withdrawals by staff only, every grant and withdrawal
logged; a manager of another place gets 403 «Vous ne gérez pas ce lieu.»."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from maillage.accounts.models import User
from maillage.core.models import OutboundEmail
from maillage.places import services
from maillage.places.models import ManagerChange, ManagerChangeAction, ManagerInvitation
from tests.accounts.helpers import STRONG_PASSWORD
from tests.factories import ManagerFactory
from tests.pages import text

pytestmark = pytest.mark.django_db


def managers_url(place):
    return reverse("manager:place_managers", args=[place.slug])


def invitation_path() -> str:
    """The invitation link's path in the last email sent."""
    match = re.search(r"https?://[^/\s]+(/gestion/invitation/[^\s]+/)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def invite(client, place, email, mailed):
    return mailed(lambda: client.post(managers_url(place), {"email": email}))


def test_a_manager_invites_a_co_manager_who_sets_a_password(client, manager, place, mailed):
    client.force_login(manager)
    response = invite(client, place, "Alex@Lieu.test", mailed)
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["alex@lieu.test"]
    assert place.name in mail.outbox[-1].subject
    path = invitation_path()
    client.logout()
    page = client.get(path)
    assert page.status_code == 200
    assert "alex@lieu.test" in text(page)
    response = client.post(
        path,
        {"first_name": "Alex", "last_name": "Roux", "password1": "court", "password2": "court"},
    )
    assert response.status_code == 400
    assert not User.objects.filter(email="alex@lieu.test").exists()
    response = client.post(
        path,
        {
            "first_name": "Alex",
            "last_name": "Roux",
            "password1": STRONG_PASSWORD,
            "password2": STRONG_PASSWORD,
        },
        follow=True,
    )
    assert "Vous gérez désormais" in text(response)
    alex = User.objects.get(email="alex@lieu.test")
    assert alex.check_password(STRONG_PASSWORD)
    assert alex.email_verified_at is not None
    assert place.managers.filter(pk=alex.pk).exists()
    change = ManagerChange.objects.get(person=alex)
    assert (change.place, change.action, change.actor) == (
        place,
        ManagerChangeAction.GRANTED,
        manager,
    )
    # Single use: the link now says it has served, and grants nothing more.
    client.logout()
    again = client.get(path)
    assert again.status_code == 400
    assert "déjà servi" in text(again)


def test_an_expired_or_forged_link_is_refused(client, staff_user, place, mailed):
    client.force_login(staff_user)
    invite(client, place, "alex@lieu.test", mailed)
    path = invitation_path()
    client.logout()
    ManagerInvitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(path)
    assert response.status_code == 400
    assert "a expiré" in text(response)
    response = client.get(reverse("manager:invitation", args=["pas-un-jeton"]))
    assert response.status_code == 400
    assert "n'est pas valide" in text(response)
    assert not place.managers.filter(email="alex@lieu.test").exists()


def test_an_existing_account_accepts_signed_in_with_the_invited_address(
    client, staff_user, place, booker, other_booker, mailed
):
    client.force_login(staff_user)
    invite(client, place, booker.email, mailed)
    path = invitation_path()
    client.force_login(other_booker)
    response = client.post(path)
    assert response.status_code == 400
    assert f"adressée à {booker.email}" in text(response)
    client.logout()
    assert "connectez-vous" in text(client.get(path))
    client.force_login(booker)
    response = client.post(path)
    assert response.status_code == 302
    assert place.managers.filter(pk=booker.pk).exists()
    assert ManagerChange.objects.get(person=booker).actor == staff_user


def test_inviting_someone_who_already_manages_is_refused(client, manager, place):
    client.force_login(manager)
    response = client.post(managers_url(place), {"email": manager.email})
    assert response.status_code == 400
    assert "Cette personne gère déjà ce lieu." in text(response)
    response = client.post(managers_url(place), {"email": "pas-une-adresse"})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in text(response)
    assert not ManagerInvitation.objects.exists()


def test_a_manager_of_another_place_gets_403_on_every_path(client, place, other_place, manager):
    other = ManagerFactory(email="autre@lieu.test", places=[other_place])
    client.force_login(other)
    for response in (
        client.get(managers_url(place)),
        client.post(managers_url(place), {"email": "x@lieu.test"}),
        client.post(reverse("manager:withdraw_manager", args=[place.slug, manager.pk])),
    ):
        assert response.status_code == 403
        assert "Vous ne gérez pas ce lieu." in text(response)
    assert not ManagerInvitation.objects.exists()
    assert place.managers.filter(pk=manager.pk).exists()


def test_only_staff_withdraw_a_manager_and_it_is_logged(client, manager, place, staff_user):
    url = reverse("manager:withdraw_manager", args=[place.slug, manager.pk])
    client.force_login(manager)
    page = text(client.get(managers_url(place)))
    assert "Retirer" not in page
    assert client.post(url).status_code == 403
    assert place.managers.filter(pk=manager.pk).exists()
    client.force_login(staff_user)
    assert "Retirer" in text(client.get(managers_url(place)))
    response = client.post(url, follow=True)
    assert "ne gère plus" in text(response)
    assert not place.managers.filter(pk=manager.pk).exists()
    change = ManagerChange.objects.get()
    assert (change.person, change.action, change.actor, change.place) == (
        manager,
        ManagerChangeAction.WITHDRAWN,
        staff_user,
        place,
    )
    assert "retiré des gestionnaires" in text(client.get(managers_url(place)))


def test_replacing_managers_through_the_services_is_logged(staff_user, place, manager, booker):
    services.set_managers(staff_user, place, [booker])
    logged = {(c.person, c.action) for c in ManagerChange.objects.all()}
    assert logged == {
        (booker, ManagerChangeAction.GRANTED),
        (manager, ManagerChangeAction.WITHDRAWN),
    }


def test_anonymous_visitors_are_sent_to_log_in(client, place):
    response = client.get(managers_url(place))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_withdrawing_a_manager_cancels_the_invitations_they_sent(
    client, manager, place, staff_user, mailed
):
    client.force_login(manager)
    invite(client, place, "alex@lieu.test", mailed)
    path = invitation_path()
    client.force_login(staff_user)
    client.post(reverse("manager:withdraw_manager", args=[place.slug, manager.pk]))
    client.logout()
    response = client.get(path)
    assert response.status_code == 400
    assert "annulée" in text(response)
    assert not ManagerInvitation.objects.exists()


def test_withdrawing_a_manager_cancels_the_invitations_addressed_to_them(
    client, manager, place, staff_user, booker, mailed
):
    client.force_login(staff_user)
    invite(client, place, booker.email, mailed)
    path = invitation_path()
    # Made a manager another way, the invitation still pending, then withdrawn.
    services.set_managers(staff_user, place, [manager, booker])
    client.post(reverse("manager:withdraw_manager", args=[place.slug, booker.pk]))
    client.force_login(booker)
    response = client.post(path)
    assert response.status_code == 400
    assert not place.managers.filter(pk=booker.pk).exists()


def test_replacing_managers_cancels_the_withdrawn_ones_invitations(
    client, manager, place, staff_user, booker, mailed
):
    client.force_login(manager)
    invite(client, place, "alex@lieu.test", mailed)
    # Queued but not yet sent: its email goes with it (nothing left to fail at delivery).
    client.post(managers_url(place), {"email": "sam@lieu.test"})
    services.set_managers(staff_user, place, [booker])
    assert not ManagerInvitation.objects.exists()
    assert not OutboundEmail.objects.filter(sent_at__isnull=True).exists()


def test_an_invitation_is_refused_once_its_sender_may_no_longer_invite(
    client, manager, place, mailed
):
    client.force_login(manager)
    invite(client, place, "alex@lieu.test", mailed)
    path = invitation_path()
    client.logout()
    User.objects.filter(pk=manager.pk).update(is_active=False)
    response = client.post(
        path,
        {
            "first_name": "Alex",
            "last_name": "Roux",
            "password1": STRONG_PASSWORD,
            "password2": STRONG_PASSWORD,
        },
    )
    assert response.status_code == 400
    assert "n'est plus valable" in text(response)
    assert not User.objects.filter(email="alex@lieu.test").exists()


def test_inviting_an_address_again_replaces_its_pending_invitation(client, manager, place, mailed):
    client.force_login(manager)
    invite(client, place, "alex@lieu.test", mailed)
    first = invitation_path()
    invite(client, place, "Alex@lieu.test", mailed)
    second = invitation_path()
    assert first != second
    assert ManagerInvitation.objects.count() == 1
    client.logout()
    assert "annulée" in text(client.get(first))
    assert client.get(first).status_code == 400
    assert client.get(second).status_code == 200


def test_the_invitation_speaks_to_anyone_alike(client, manager, place, mailed):
    """Neutral wording: «Vous avez reçu une invitation», never «Vous êtes invité»."""
    client.force_login(manager)
    invite(client, place, "alex@lieu.test", mailed)
    sent = mail.outbox[-1]
    client.logout()
    page = text(client.get(invitation_path()))
    assert f"Vous avez reçu une invitation à gérer « {place.name} »" in page
    for words in (page, sent.subject, sent.body):
        assert "êtes invité" not in words.lower()
