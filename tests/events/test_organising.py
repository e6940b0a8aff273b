"""Preparing an event (events.organising): who organises what, the rules between fields in
French by field, what a published event keeps; nothing written on a refusal."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.events import organising, permissions
from maillage.events.models import Event, EventLog, EventStatus, LogAction, Organiser
from tests.events import make_event
from tests.factories import ManagerFactory
from tests.moments import NOW, paris

pytestmark = pytest.mark.django_db

START = paris(2026, 12, 8, 18, 0)


def draft(place, **fields) -> Event:
    values = {
        "place": place,
        "title": "Atelier export",
        "start": START,
        "end": START + timedelta(hours=2),
        "capacity": 10,
        "registration_opens_at": NOW,
        "registration_closes_at": START,
        **fields,
    }
    return Event(**values)


def test_a_manager_creates_a_draft_of_their_place(manager, place):
    event = organising.save_event(manager, draft(place), now=NOW)
    assert event.status == EventStatus.DRAFT
    assert event.created_by == manager and event.organiser == Organiser.PLACE
    assert permissions.can_organise(manager, event)
    assert list(permissions.organised_events(manager)) == [event]


def test_a_manager_holds_nothing_elsewhere_nor_for_the_departement(manager, other_place, place):
    with pytest.raises(PermissionDenied, match="Vous ne gérez pas ce lieu."):
        organising.save_event(manager, draft(other_place), now=NOW)
    with pytest.raises(PermissionDenied, match="Seuls les agents du Département"):
        organising.save_event(manager, draft(place, organiser=Organiser.DEPARTEMENT), now=NOW)
    with pytest.raises(PermissionDenied, match="Vous ne gérez pas ce lieu."):
        organising.save_event(AnonymousUser(), draft(place), now=NOW)
    assert not Event.objects.exists() and not EventLog.objects.exists()


def test_staff_organise_the_departements_events_anywhere(staff_user, manager, place):
    event = organising.save_event(
        staff_user, draft(place, organiser=Organiser.DEPARTEMENT), now=NOW
    )
    assert permissions.can_organise(staff_user, event)
    # The place's manager does not organise the Département's event held in their place.
    assert not permissions.can_organise(manager, event)
    assert list(permissions.organised_events(manager)) == []
    with pytest.raises(PermissionDenied, match="Vous n'organisez pas cet atelier."):
        organising.save_event(manager, event, now=NOW)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"end": START - timedelta(hours=1)}, "end", "La fin doit être après le début."),
        (
            {"registration_closes_at": START + timedelta(hours=3)},
            "registration_closes_at",
            "ne peut pas être après la fin",
        ),
        (
            {"registration_opens_at": START + timedelta(minutes=1)},
            "registration_closes_at",
            "doit être après leur ouverture",
        ),
        ({"capacity": 0}, "capacity", "Le nombre de places doit être entre 1 et 1\u202f000."),
        ({"price_cents": -100}, "price_cents", "Le prix par place doit être entre 0 et"),
        (
            {"max_seats_per_registration": 11},
            "max_seats_per_registration",
            "Pas plus de places par inscription",
        ),
        ({"start": NOW - timedelta(hours=1)}, "start", "Le début doit être dans le futur."),
        ({"title": "Deux\nlignes"}, "title", "Le titre"),
    ],
)
def test_a_broken_rule_is_named_by_field_and_nothing_is_written(
    manager, place, fields, field, message
):
    with pytest.raises(ValidationError) as refusal:
        organising.save_event(manager, draft(place, **fields), now=NOW)
    assert message in " ".join(refusal.value.message_dict[field])
    assert not Event.objects.exists()


def test_publishing_a_draft(manager, place):
    event = organising.save_event(manager, draft(place), now=NOW)
    organising.publish(manager, event, now=NOW)
    assert Event.objects.get().status == EventStatus.PUBLISHED
    assert list(EventLog.objects.values_list("action", "actor", "detail")) == [
        (LogAction.CREATED, manager.pk, ""),
        (LogAction.PUBLISHED, manager.pk, ""),
    ]
    with pytest.raises(ValidationError, match="Seul un brouillon se publie"):
        organising.publish(manager, event, now=NOW)


def test_a_draft_past_its_deadline_is_not_published(manager, place):
    closes = START - timedelta(hours=2)
    event = organising.save_event(manager, draft(place, registration_closes_at=closes), now=NOW)
    with pytest.raises(ValidationError) as refusal:
        organising.publish(manager, event, now=closes)
    assert "reportez-la avant de publier" in refusal.value.message_dict["registration_closes_at"][0]
    with pytest.raises(ValidationError, match="a déjà commencé"):
        organising.publish(manager, event, now=START)
    assert Event.objects.get().status == EventStatus.DRAFT


def test_another_manager_neither_edits_nor_publishes(place):
    event = make_event(place, status="draft")
    stranger = ManagerFactory()
    for act in (organising.save_event, organising.publish):
        with pytest.raises(PermissionDenied, match="Vous n'organisez pas cet atelier."):
            act(stranger, event, now=NOW)
    assert Event.objects.get().status == EventStatus.DRAFT


def test_a_published_event_keeps_its_date_and_rules(manager, place):
    event = make_event(place)
    event.title = "Nouveau titre"
    event.registration_closes_at = START - timedelta(hours=1)
    organising.save_event(manager, event, now=NOW)
    stored = Event.objects.get()
    assert stored.title == "Nouveau titre"
    edit = EventLog.objects.get(action=LogAction.EDITED)
    assert (edit.actor, edit.detail) == (manager, "titre, clôture des inscriptions")
    stored.start, stored.price_cents = START + timedelta(hours=1), 500
    with pytest.raises(ValidationError) as refusal:
        organising.save_event(manager, stored, now=NOW)
    assert EventLog.objects.count() == 1
    assert refusal.value.message_dict == {
        "start": ["Le début d'un événement publié ne se modifie plus."],
        "price_cents": ["Le prix d'un événement publié ne se modifie plus."],
    }
    assert Event.objects.get().start == START


def test_a_cancelled_event_is_not_edited(manager, place):
    event = make_event(place, status="cancelled")
    event.title = "Repris"
    with pytest.raises(ValidationError, match="il ne se modifie plus"):
        organising.save_event(manager, event, now=NOW)
    assert Event.objects.get().title == "Atelier export"
