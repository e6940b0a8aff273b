"""What organisers do: who they are, approving and declining, cancelling someone's
registration, changing the capacity, cancelling the event, marking attendance, writing to the
registrants."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from maillage.core.models import OutboundEmail
from maillage.events import permissions, services
from maillage.events.models import (
    Event,
    EventLog,
    EventMessage,
    EventStatus,
    LogAction,
    Organiser,
    Registration,
    RegistrationStatus,
)
from tests.factories import EventFactory, ManagerFactory, StaffFactory, VerifiedUserFactory

S = RegistrationStatus


def fresh(registration: Registration) -> Registration:
    return Registration.objects.get(pk=registration.pk)


def kinds() -> list[tuple[str, str]]:
    return sorted((e.address, e.context["kind"]) for e in OutboundEmail.objects.all())


# --- Who organises ------------------------------------------------------------------------


def test_a_place_s_managers_and_staff_organise_its_events(event, manager, staff_user, booker):
    other_manager = ManagerFactory()
    assert permissions.can_organise(manager, event)
    assert permissions.can_organise(staff_user, event)
    assert not permissions.can_organise(other_manager, event)
    assert not permissions.can_organise(booker, event)
    assert not permissions.can_organise(AnonymousUser(), event)
    assert list(permissions.organised_events(manager)) == [event]
    assert list(permissions.organised_events(other_manager)) == []
    assert list(permissions.organised_events(AnonymousUser())) == []


def test_the_departement_s_events_are_organised_by_staff_only(place, manager, staff_user):
    event = EventFactory(place=place, organiser=Organiser.DEPARTEMENT)
    assert not permissions.can_organise(manager, event)
    assert permissions.can_organise(staff_user, event)
    assert list(permissions.organised_events(manager)) == []
    assert list(permissions.organised_events(staff_user)) == [event]


def test_an_inactive_manager_organises_nothing(event, manager):
    manager.is_active = False
    manager.save()
    assert not permissions.can_organise(manager, event)


@pytest.fixture
def awaiting(place, booker):
    event = EventFactory(place=place, capacity=2, needs_approval=True)
    return services.register(booker, event, 1)


@pytest.mark.parametrize(
    "call",
    [
        lambda actor, r: services.approve(actor, r),
        lambda actor, r: services.decline(actor, r, "Complet"),
        lambda actor, r: services.cancel(actor, r, "Raison"),
        lambda actor, r: services.change_capacity(actor, r.event, 5),
        lambda actor, r: services.cancel_event(actor, r.event),
        lambda actor, r: services.mark_attendance(actor, r, True, now=r.event.start),
        lambda actor, r: services.message_registrants(actor, r.event, "Objet", "Texte"),
    ],
)
@pytest.mark.parametrize("who", ["other_manager", "resident", "anonymous"])
def test_no_one_but_an_organiser_acts_as_one(awaiting, call, who, other_booker, other_place):
    actor = {
        "other_manager": lambda: ManagerFactory(places=[other_place]),
        "resident": lambda: other_booker,
        "anonymous": AnonymousUser,
    }[who]()
    before = (Registration.objects.count(), EventLog.objects.count())
    with pytest.raises(PermissionDenied):
        call(actor, awaiting)
    assert (Registration.objects.count(), EventLog.objects.count()) == before
    assert fresh(awaiting).status == S.AWAITING_APPROVAL
    awaiting.event.refresh_from_db()
    assert (awaiting.event.capacity, awaiting.event.status) == (2, EventStatus.PUBLISHED)


# --- Approval ------------------------------------------------------------------------------


def test_an_organiser_approves_a_registration(awaiting, manager, booker):
    approved = services.approve(manager, awaiting)
    assert approved.status == S.REGISTERED
    log = EventLog.objects.filter(registration=awaiting).last()
    assert (log.actor, log.from_status, log.to_status) == (
        manager,
        S.AWAITING_APPROVAL,
        S.REGISTERED,
    )
    assert (booker.email, "approved") in kinds()
    awaiting.event.refresh_from_db()
    assert awaiting.event.seats_taken == 1


def test_declining_needs_a_reason_and_frees_the_seats_for_the_list(place, people, manager):
    event = EventFactory(place=place, capacity=1, needs_approval=True)
    first = services.register(people[0], event, 1)
    second = services.register(people[1], event, 1)
    with pytest.raises(services.RegistrationRefused) as refused:
        services.decline(manager, first, "  ")
    assert (refused.value.field, refused.value.message) == (
        "reason",
        "Indiquez le motif du refus à la personne.",
    )
    declined = services.decline(manager, first, "Atelier réservé aux entrepreneurs")
    assert (declined.status, declined.status_reason) == (
        S.DECLINED,
        "Atelier réservé aux entrepreneurs",
    )
    assert fresh(second).status == S.OFFERED
    assert (people[0].email, "declined") in kinds()


def test_a_decision_needs_a_registration_awaiting_it(event, booker, manager):
    registration = services.register(booker, event, 1)
    with pytest.raises(services.RegistrationRefused) as refused:
        services.approve(manager, registration)
    assert refused.value.field == "status"
    assert refused.value.message == (
        "Une inscription « inscription confirmée » ne permet pas de l'accepter."
    )


def test_a_reason_on_several_lines_is_kept_on_one(awaiting, manager):
    declined = services.decline(manager, awaiting, "Complet\r\npour cette fois")
    assert declined.status_reason == "Complet pour cette fois"


def test_a_reason_with_a_control_character_is_refused(awaiting, manager):
    with pytest.raises(services.RegistrationRefused) as refused:
        services.decline(manager, awaiting, "Complet\x00")
    assert refused.value.field == "reason"
    assert fresh(awaiting).status == S.AWAITING_APPROVAL


def test_an_organiser_cancels_someone_s_registration_with_a_reason(event, people, manager):
    registration = services.register(people[0], event, 2)
    with pytest.raises(services.RegistrationRefused) as refused:
        services.cancel(manager, registration)
    assert refused.value.field == "reason"
    services.cancel(manager, registration, "Doublon")
    assert (people[0].email, "cancelled") in kinds()
    email = OutboundEmail.objects.get(context__kind="cancelled")
    assert email.context["by_organiser"] is True


def test_organiser_actions_follow_the_status_and_the_time(awaiting):
    event = awaiting.event
    before = event.start - timedelta(hours=1)
    # Awaiting approval: accepted or declined (with its reason), never also cancelled.
    assert services.organiser_actions(awaiting, before) == {"approve", "decline"}
    assert services.organiser_actions(awaiting, event.end) == set()
    registered = services.approve(StaffFactory(), awaiting)
    assert services.organiser_actions(registered, before) == {"cancel"}
    assert services.organiser_actions(registered, event.start) == {"cancel", "attendance"}


# --- Capacity ------------------------------------------------------------------------------


def test_raising_the_capacity_offers_the_new_seats_in_order(place, people, manager):
    event = EventFactory(place=place, capacity=2, max_seats_per_registration=2)
    services.register(people[0], event, 2)
    waiting = [services.register(p, event, n) for p, n in zip(people[1:4], (2, 1, 1), strict=True)]
    raised = services.change_capacity(manager, event, 5)
    assert (raised.capacity, raised.seats_taken) == (5, 5)
    assert [fresh(r).status for r in waiting] == [S.OFFERED, S.OFFERED, S.WAITING]
    log = EventLog.objects.get(action=LogAction.CAPACITY)
    assert (log.actor, log.detail) == (manager, "2 → 5")


def test_lowering_the_capacity_below_the_seats_taken_is_refused(event, people, manager):
    services.register(people[0], event, 2)
    with pytest.raises(services.RegistrationRefused) as refused:
        services.change_capacity(manager, event, 1)
    assert (refused.value.field, refused.value.message) == (
        "capacity",
        "2 places sont déjà prises : le nombre de places ne peut pas descendre en dessous de 2.",
    )
    event.refresh_from_db()
    assert event.capacity == 3
    assert not EventLog.objects.filter(action=LogAction.CAPACITY).exists()


def test_lowering_the_capacity_lowers_the_seats_per_registration(event, manager):
    lowered = services.change_capacity(manager, event, 1)
    assert (lowered.capacity, lowered.max_seats_per_registration) == (1, 1)


@pytest.mark.parametrize("capacity", [0, -3, 1001, "5", None, True])
def test_a_capacity_out_of_range_is_refused(event, manager, capacity):
    with pytest.raises(services.RegistrationRefused) as refused:
        services.change_capacity(manager, event, capacity)
    assert (refused.value.field, refused.value.message) == (
        "capacity",
        "Le nombre de places doit être entre 1 et 1\u202f000.",
    )


# --- Cancelling the event ------------------------------------------------------------------


def test_cancelling_the_event_cancels_every_registration_and_tells_everyone(place, people, manager):
    event = EventFactory(place=place, capacity=2, max_seats_per_registration=2)
    registered = services.register(people[0], event, 2)
    waiting = services.register(people[1], event, 1)
    services.cancel_event(manager, event, "Intervenant malade")
    event.refresh_from_db()
    assert (event.status, event.seats_taken) == (EventStatus.CANCELLED, 0)
    assert {fresh(registered).status, fresh(waiting).status} == {S.CANCELLED}
    assert fresh(registered).status_reason == "Intervenant malade"
    assert [k for k in kinds() if k[1] == "event_cancelled"] == sorted(
        [(people[0].email, "event_cancelled"), (people[1].email, "event_cancelled")]
    )
    assert EventLog.objects.filter(action=LogAction.EVENT_CANCELLED, actor=manager).exists()
    with pytest.raises(services.RegistrationRefused) as again:
        services.cancel_event(manager, event)
    assert again.value.message == "Cet atelier est déjà annulé."
    with pytest.raises(services.RegistrationRefused):
        services.change_capacity(manager, event, 5)


def test_an_event_over_is_not_cancelled(event, manager):
    with pytest.raises(services.RegistrationRefused) as refused:
        services.cancel_event(manager, event, now=event.end)
    assert refused.value.message == "Un atelier terminé ne peut plus être annulé."
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED


# --- Attendance ----------------------------------------------------------------------------


def test_attendance_is_marked_from_the_start(event, booker, manager):
    registration = services.register(booker, event, 1)
    with pytest.raises(services.RegistrationRefused) as refused:
        services.mark_attendance(
            manager, registration, True, now=event.start - timedelta(seconds=1)
        )
    assert (refused.value.field, refused.value.message) == (
        "attended",
        "La présence se note à partir du début de l'atelier.",
    )
    marked = services.mark_attendance(manager, registration, False, now=event.start)
    assert fresh(marked).attended is False
    services.mark_attendance(manager, registration, None, now=event.end)
    assert fresh(marked).attended is None
    details = list(
        EventLog.objects.filter(action=LogAction.ATTENDANCE).values_list("detail", flat=True)
    )
    assert details == ["absent", "non noté"]


def test_only_a_registered_person_is_marked(place, people, manager):
    event = EventFactory(place=place, capacity=1)
    services.register(people[0], event, 1)
    waiting = services.register(people[1], event, 1)
    with pytest.raises(services.RegistrationRefused) as refused:
        services.mark_attendance(manager, waiting, True, now=event.start)
    assert refused.value.field == "status"


# --- Messages ------------------------------------------------------------------------------


def test_a_message_goes_to_everyone_holding_seats(place, people, manager, mailed):
    from django.core import mail

    event = EventFactory(place=place, capacity=2)
    holders = [services.register(p, event, 1) for p in people[:2]]
    services.register(people[2], event, 1)  # waiting
    message = mailed(
        lambda: services.message_registrants(
            manager, event, "Salle changée", "Rendez-vous\nsalle B."
        )
    )
    assert message.recipients == 2
    sent = [m for m in mail.outbox if m.subject.startswith("Salle changée")]
    assert sorted(m.to[0] for m in sent) == sorted(r.user.email for r in holders)
    assert "Rendez-vous\nsalle B." in sent[0].body
    with_waiting = services.message_registrants(manager, event, "Autre", "Texte", waiting_list=True)
    assert with_waiting.recipients == 3


@pytest.mark.parametrize(
    ("subject", "body", "field", "message"),
    [
        ("", "Texte", "subject", "Indiquez l'objet du message."),
        ("Objet", "   ", "body", "Écrivez le message."),
        ("x" * 151, "Texte", "subject", None),
        ("Objet", "x" * 5001, "body", "Le message doit faire au plus 5\u202f000 caractères."),
        ("Objet", "Texte\x00", "body", None),
    ],
)
def test_a_bad_message_is_refused_on_its_field(
    event, booker, manager, subject, body, field, message
):
    services.register(booker, event, 1)
    with pytest.raises(services.RegistrationRefused) as refused:
        services.message_registrants(manager, event, subject, body)
    assert refused.value.field == field
    if message:
        assert refused.value.message == message
    assert not EventMessage.objects.exists()
    assert not OutboundEmail.objects.filter(context__kind="message").exists()


def test_messages_are_capped_per_day(event, booker, manager):
    services.register(booker, event, 1)
    now = timezone.now()
    for n in range(services.MESSAGES_PER_WINDOW):
        services.message_registrants(manager, event, f"Objet {n}", "Texte", now=now)
    with pytest.raises(services.RegistrationRefused) as refused:
        services.message_registrants(manager, event, "Encore", "Texte", now=now)
    assert refused.value.field == "event"
    assert EventMessage.objects.count() == services.MESSAGES_PER_WINDOW
    later = now + services.MESSAGE_WINDOW
    assert services.message_registrants(manager, event, "Le lendemain", "Texte", now=later).pk


def test_no_message_without_anyone_to_write_to(event, manager):
    with pytest.raises(services.RegistrationRefused) as refused:
        services.message_registrants(manager, event, "Objet", "Texte")
    assert refused.value.message == "Personne n'est inscrit à cet atelier."


def test_staff_organise_any_event(event, booker):
    staff = StaffFactory()
    registration = services.register(booker, event, 1)
    services.cancel(staff, registration, "Erreur")
    assert fresh(registration).status == S.CANCELLED
    assert Event.objects.get(pk=event.pk).seats_taken == 0
    assert VerifiedUserFactory()
