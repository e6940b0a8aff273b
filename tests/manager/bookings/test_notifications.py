"""The managers' email choices: the page, the switches honoured, the daily digest."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from maillage.booking import notifications, services
from maillage.booking.models import ManagerEmails
from maillage.core.models import OutboundEmail
from tests.booking import on_page
from tests.factories import ManagerFactory
from tests.moments import NOW, paris
from tests.pages import text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_at_now")]

PAGE = reverse("manager:notifications")
ALL_ON = {"new_requests": "on", "cancellations": "on", "daily_digest": "on"}


def save(slug: str) -> str:
    return reverse("manager:notifications_save", args=[slug])


def queued_to(user) -> list[str]:
    """The kinds of the booking emails queued to `user`."""
    return list(
        OutboundEmail.objects.filter(user=user).values_list("booking_email__kind", flat=True)
    )


@pytest.fixture
def co_manager(bookable_place):
    return ManagerFactory(email="co@ruche.test", places=[bookable_place])


def test_the_page_shows_each_place_with_the_defaults(client, place_manager, bookable_place):
    client.force_login(place_manager)
    page = text(client.get(PAGE))
    assert f'<h2 id="lieu-{bookable_place.slug}">{bookable_place.name}</h2>' in page
    assert 'id="id_la-ruche_new_requests" checked' in page
    assert 'id="id_la-ruche_cancellations" checked' in page
    assert 'id="id_la-ruche_daily_digest" checked' not in page


def test_saving_one_place(client, place_manager, bookable_place):
    client.force_login(place_manager)
    answer = client.post(save(bookable_place.slug), {"daily_digest": "on"}, follow=True)
    assert f"Vos choix de courriels pour {bookable_place.name} sont enregistrés." in text(answer)
    choice = ManagerEmails.objects.get(user=place_manager, place=bookable_place)
    assert (choice.new_requests, choice.cancellations, choice.daily_digest) == (
        False,
        False,
        True,
    )


def test_only_a_manager_of_the_place_chooses(
    client, place_manager, resident, staff_user, bookable_place, other_place
):
    other = ManagerFactory(email="ailleurs@lieu.test", places=[other_place])
    client.force_login(other)
    refused = client.post(save(bookable_place.slug), ALL_ON)
    assert refused.status_code == 403 and "Vous ne gérez pas ce lieu." in text(refused)
    for person in (resident, staff_user):
        client.force_login(person)
        assert client.get(PAGE).status_code == 403
        assert client.post(save(bookable_place.slug), ALL_ON).status_code == 403
    assert not ManagerEmails.objects.exists()
    with pytest.raises(PermissionDenied):
        services.set_manager_emails(
            staff_user, bookable_place, new_requests=True, cancellations=True, daily_digest=True
        )


def test_switched_off_emails_are_not_sent(booker, place_manager, co_manager, room):
    room.place.requires_approval = True
    room.place.save()
    services.set_manager_emails(
        co_manager, room.place, new_requests=False, cancellations=True, daily_digest=False
    )
    asked = on_page.book(booker, room.pk, paris(2026, 12, 2, 9), paris(2026, 12, 2, 10), now=NOW)
    assert queued_to(place_manager) == ["manager_request"]
    assert queued_to(co_manager) == []
    services.set_manager_emails(
        co_manager, room.place, new_requests=True, cancellations=False, daily_digest=False
    )
    on_page.cancel(booker, asked, now=NOW)
    assert queued_to(place_manager) == ["manager_request", "manager_cancelled"]
    assert queued_to(co_manager) == []


def test_the_digest_goes_once_a_day_to_those_who_asked(
    booker, other_booker, place_manager, co_manager, room, desks
):
    on_page.book(booker, room.pk, paris(2026, 12, 2, 9), paris(2026, 12, 2, 10), now=NOW)
    on_page.book(other_booker, desks.pk, paris(2026, 12, 2, 14), paris(2026, 12, 2, 15), now=NOW)
    on_page.book(booker, room.pk, paris(2026, 12, 3, 9), paris(2026, 12, 3, 10), now=NOW)
    services.set_manager_emails(
        place_manager, room.place, new_requests=True, cancellations=True, daily_digest=True
    )
    assert notifications.queue_digests(now=paris(2026, 12, 1, 7)) == 0  # nothing that day
    assert notifications.queue_digests(now=paris(2026, 12, 2, 7)) == 1
    assert notifications.queue_digests(now=paris(2026, 12, 2, 8)) == 0  # once a day
    assert queued_to(place_manager) == ["manager_digest"]
    assert queued_to(co_manager) == []
    email = OutboundEmail.objects.get(user=place_manager)
    message = notifications.message_of(email, paris(2026, 12, 2, 7))
    assert "Récapitulatif du jour" in message.subject
    assert "aujourd'hui (2)" in message.body
    assert f"- Salle Seine, {booker.email}, le mercredi 2 décembre 2026, de 09h00" in message.body
    assert f"- Open space, {other_booker.email}, le mercredi" in message.body
    assert "3 décembre" not in message.body
    # A manager withdrawn from the place gets no digest of it any more.
    room.place.managers.remove(place_manager)
    assert notifications.queue_digests(now=paris(2026, 12, 3, 7)) == 0
