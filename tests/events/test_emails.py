"""Every email about registrations, as delivered: who receives it, its subject and its
words (ranks, the deadline to confirm in Paris time, reasons), reminders sent once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from maillage.core import outbox
from maillage.core.models import OutboundEmail
from maillage.core.text import has_control_characters
from maillage.events import notifications, services
from maillage.events.models import Registration, RegistrationStatus
from tests.factories import EventFactory, ManagerFactory
from tests.moments import paris

S = RegistrationStatus
# Registration open from 20 November to 7 December 2026 (Paris), the workshop on 9 December.
START = paris(2026, 12, 9, 14, 0)
NOW = paris(2026, 12, 1, 8, 0)


@pytest.fixture
def workshop(place):
    place.phone = "01 23 45 67 89"
    place.save()
    return EventFactory(
        place=place,
        title="Exporter en Europe",
        start=START,
        end=START + timedelta(hours=2, minutes=30),
        capacity=2,
        max_seats_per_registration=2,
        price_cents=1500,
        registration_opens_at=paris(2026, 11, 20, 9, 0),
        registration_closes_at=paris(2026, 12, 7, 18, 0),
        hold_hours=24,
    )


def delivered() -> list[mail.EmailMessage]:
    """Deliver what is queued (as the worker does) and return what left, emptying the box."""
    mail.outbox.clear()
    queued = OutboundEmail.objects.filter(sent_at__isnull=True).count()
    assert outbox.deliver_due(now=timezone.now()) == queued  # none failed
    return list(mail.outbox)


def only(messages, address: str) -> mail.EmailMessage:
    [message] = [m for m in messages if m.to == [address]]
    return message


def test_registered_waiting_offered_and_accepted(workshop, people):
    holder = services.register(people[0], workshop, 2, now=NOW)
    [confirmed] = delivered()
    assert confirmed.to == [people[0].email]
    assert confirmed.subject == "Votre inscription est confirmée — Exporter en Europe"
    assert "Votre inscription est confirmée : 2 places." in confirmed.body
    assert "Mercredi 9 décembre 2026, 14h00–16h30" in confirmed.body
    [(html, kind)] = confirmed.alternatives
    assert kind == "text/html" and "Votre inscription est confirmée : 2 places." in html
    assert "Mercredi 9 décembre 2026, 14h00–16h30" in html
    assert "Prix : 30 €" in confirmed.body
    assert "01 23 45 67 89" in confirmed.body
    assert f"/agenda/{workshop.pk}/" in confirmed.body

    services.register(people[1], workshop, 1, now=NOW)
    services.register(people[2], workshop, 2, now=NOW + timedelta(minutes=1))
    waiting = delivered()
    assert (
        "vous voici en 1re position sur la liste d'attente (1 place)"
        in only(waiting, people[1].email).body
    )
    assert "en 2e position sur la liste d'attente (2 places)" in only(waiting, people[2].email).body
    assert "vous aurez 24 h pour les confirmer" in waiting[0].body

    services.cancel(people[0], holder, now=NOW)
    messages = delivered()
    offered = only(messages, people[1].email)
    assert offered.subject == "Des places se sont libérées pour vous — Exporter en Europe"
    assert "au plus tard le 2 décembre 2026 à 08h00 (heure de Paris)" in offered.body
    assert only(messages, people[0].email).subject.startswith("Votre inscription est annulée")
    # The 2-seat entry behind does not fit the seat left: no offer, no email.
    assert people[2].email not in {m.to[0] for m in messages}


def test_the_offer_never_outlives_the_deadline_in_its_email(workshop, people):
    holder = services.register(people[0], workshop, 2, now=NOW)
    services.register(people[1], workshop, 1, now=NOW)
    delivered()
    late = paris(2026, 12, 7, 9, 30)
    services.cancel(people[0], holder, now=late)
    offered = only(delivered(), people[1].email)
    assert "au plus tard le 7 décembre 2026 à 18h00 (heure de Paris)" in offered.body


def test_a_lapsed_offer_is_told(workshop, people):
    holder = services.register(people[0], workshop, 2, now=NOW)
    waiting = services.register(people[1], workshop, 1, now=NOW)
    services.cancel(people[0], holder, now=NOW)
    delivered()
    services.expire_offers(NOW + timedelta(days=1))
    lapsed = only(delivered(), people[1].email)
    assert lapsed.subject.startswith("Le délai pour confirmer est passé")
    assert Registration.objects.get(pk=waiting.pk).status == S.LAPSED


def test_approval_asked_then_given_or_refused(place, people, manager):
    other = ManagerFactory(places=[place])
    event = EventFactory(place=place, needs_approval=True, title="Créer son entreprise")
    first = services.register(people[0], event, 1)
    second = services.register(people[1], event, 1)
    messages = delivered()
    assert "l'organisateur doit l'accepter" in only(messages, people[0].email).body
    requests = [m for m in messages if m.subject.startswith("Demande d'inscription à valider")]
    assert sorted(m.to[0] for m in requests) == sorted(
        [manager.email, other.email, manager.email, other.email]
    )
    assert any(f"{people[0].email} demande à s'inscrire (1 place)." in m.body for m in requests)
    services.approve(manager, first)
    services.decline(manager, second, "Réservé aux\r\nentrepreneurs")
    decided = delivered()
    assert (
        "L'organisateur a accepté votre inscription : 1 place."
        in only(decided, people[0].email).body
    )
    refused = only(decided, people[1].email)
    assert "n'a pas pu accepter votre demande d'inscription : Réservé aux entrepreneurs." in (
        refused.body
    )


def test_the_departement_s_event_asks_its_creator(place, people, staff_user):
    event = EventFactory(
        place=place, organiser="departement", needs_approval=True, created_by=staff_user
    )
    services.register(people[0], event, 1)
    assert staff_user.email in {m.to[0] for m in delivered()}


def test_an_event_cancelled_tells_everyone_with_the_reason(workshop, people, manager):
    services.register(people[0], workshop, 2, now=NOW)
    services.register(people[1], workshop, 1, now=NOW)
    delivered()
    services.cancel_event(manager, workshop, "Intervenant malade", now=NOW)
    messages = delivered()
    assert sorted(m.to[0] for m in messages) == sorted([people[0].email, people[1].email])
    assert all("L'atelier est annulé : Intervenant malade." in m.body for m in messages)
    assert all(m.subject == "Atelier annulé — Exporter en Europe" for m in messages)


def test_an_organiser_s_message_keeps_its_lines_and_its_subject_one(workshop, people, manager):
    services.register(people[0], workshop, 1, now=NOW)
    delivered()
    services.message_registrants(
        manager, workshop, "Changement   de salle", "Bonjour,\n\nRendez-vous salle B.", now=NOW
    )
    [message] = delivered()
    assert message.subject == "Changement de salle — Exporter en Europe"
    assert "Bonjour,\n\nRendez-vous salle B." in message.body
    assert "L'organisateur de l'atelier « Exporter en Europe »" in message.body


def test_a_title_with_a_line_break_stays_out_of_the_subject_s_header(place, booker):
    event = EventFactory(place=place)
    type(event).objects.filter(pk=event.pk).update(title="Atelier\r\nBcc: x@example.org")
    services.register(booker, event, 1)
    [message] = delivered()
    assert not has_control_characters(message.subject)
    assert message.subject.endswith("Atelier Bcc: x@example.org")


def test_leaving_and_declining_are_confirmed(workshop, people):
    holder = services.register(people[0], workshop, 2, now=NOW)
    first = services.register(people[1], workshop, 1, now=NOW)
    second = services.register(people[2], workshop, 1, now=NOW)
    delivered()
    services.leave_waiting_list(people[2], second, now=NOW)
    services.cancel(people[0], holder, now=NOW)
    services.decline_offer(people[1], Registration.objects.get(pk=first.pk), now=NOW)
    messages = delivered()
    assert only(messages, people[2].email).subject.startswith("Vous avez quitté la liste d'attente")
    declined = [m for m in messages if m.to == [people[1].email]][-1]
    assert declined.subject.startswith("Vous avez renoncé aux places proposées")


def test_reminders_go_once_to_registered_people_the_day_before(place, people, event_tomorrow):
    event = event_tomorrow(capacity=1, title="Atelier demain")
    later = EventFactory(place=place, capacity=5)
    registered = services.register(people[0], event, 1)
    services.register(people[1], event, 1)  # waiting: no reminder
    services.register(people[2], later, 1)  # not tomorrow
    delivered()
    assert notifications.queue_reminders() == 1
    [reminder] = delivered()
    assert reminder.to == [people[0].email]
    assert reminder.subject == "Rappel : votre atelier demain — Atelier demain"
    assert notifications.queue_reminders() == 0
    assert Registration.objects.get(pk=registered.pk).reminded_at is not None


def test_no_event_reminder_to_a_person_who_turned_them_off(people, event_tomorrow):
    event = event_tomorrow(capacity=2)
    for person in people[:2]:
        services.register(person, event, 1)
    people[0].remind_events = False
    people[0].save(update_fields=["remind_events"])
    delivered()
    assert notifications.queue_reminders() == 1
    assert [m.to for m in delivered()] == [[people[1].email]]


def test_one_failing_reminder_does_not_stop_the_others(people, monkeypatch, caplog, event_tomorrow):
    event = event_tomorrow(capacity=3)
    first, second, third = (services.register(p, event, 1) for p in people[:3])
    delivered()
    queue = notifications.queue

    def failing_for_the_second(kind, registration, to, **context):
        if registration.pk == second.pk:
            raise RuntimeError("boom")
        queue(kind, registration, to, **context)

    monkeypatch.setattr(notifications, "queue", failing_for_the_second)
    assert notifications.queue_reminders() == 2
    assert sorted(m.to[0] for m in delivered()) == sorted([people[0].email, people[2].email])
    assert f"reminder of registration {second.pk} not queued" in caplog.text
    # Its claim was rolled back with it: the next run reminds it.
    assert Registration.objects.get(pk=second.pk).reminded_at is None
    monkeypatch.setattr(notifications, "queue", queue)
    assert notifications.queue_reminders() == 1
    assert [m.to for m in delivered()] == [[people[1].email]]
    assert {r.pk for r in (first, third)} <= set(
        Registration.objects.filter(reminded_at__isnull=False).values_list("pk", flat=True)
    )


def test_seats_declined_are_said_to_go_on_only_when_someone_takes_them(workshop, people):
    holder = services.register(people[0], workshop, 2, now=NOW)
    first = services.register(people[1], workshop, 1, now=NOW)
    second = services.register(people[2], workshop, 1, now=NOW)
    services.cancel(people[0], holder, now=NOW)
    delivered()
    # Both waiting entries were offered a seat: nobody else waits.
    services.decline_offer(people[1], Registration.objects.get(pk=first.pk), now=NOW)
    declined = only(delivered(), people[1].email)
    assert "Vous avez renoncé aux places qui vous étaient proposées." in declined.body
    assert "personne suivante" not in declined.body
    third = services.register(people[3], workshop, 2, now=NOW)
    assert third.status == S.WAITING
    services.decline_offer(people[2], Registration.objects.get(pk=second.pk), now=NOW)
    declined = only(delivered(), people[2].email)
    assert "elles vont à la personne suivante de la liste d'attente." in declined.body
