"""The back-office of events: staff only; a capacity or a cancellation saved there goes through
the registrations' rules (the waiting list offered, the registrants told); registrations are
read only."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.events import admin, organising, services
from maillage.events.models import (
    Event,
    EventLog,
    EventStatus,
    LogAction,
    Registration,
    RegistrationStatus,
)
from tests.factories import EventFactory

S = RegistrationStatus
HOUR = timedelta(hours=1)


def split(instant, name: str) -> dict:
    """An instant as the admin's split date and time inputs send it (Paris)."""
    local = timezone.localtime(instant)
    return {f"{name}_0": f"{local:%d/%m/%Y}", f"{name}_1": f"{local:%H:%M}"}


def event_form(event: Event, **changes) -> dict:
    def split_field(name: str) -> dict:
        return split(getattr(event, name), name)

    data = {
        "place": str(event.place_id),
        "organiser": event.organiser,
        "title": event.title,
        "description": event.description,
        "audience": event.audience,
        **split_field("start"),
        **split_field("end"),
        **split_field("registration_opens_at"),
        **split_field("registration_closes_at"),
        "capacity": str(event.capacity),
        "max_seats_per_registration": str(event.max_seats_per_registration),
        "price_cents": f"{event.price_cents // 100},{event.price_cents % 100:02d}",
        "hold_hours": str(event.hold_hours),
        "status": event.status,
        **({"needs_approval": "on"} if event.needs_approval else {}),
        **({"has_waiting_list": "on"} if event.has_waiting_list else {}),
    }
    for prefix in ("messages", "log"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(changes)
    return data


def change_url(event: Event) -> str:
    return reverse("admin:events_event_change", args=[event.pk])


@pytest.fixture
def full(event, people):
    """`event` (3 seats) held by two people (2 + 1), two more waiting (1 seat each)."""
    services.register(people[0], event, 2)
    services.register(people[1], event, 1)
    waiting = [services.register(p, event, 1) for p in people[2:4]]
    return event, waiting


def test_managers_and_anonymous_are_kept_out(client, manager, event, booker):
    registration = services.register(booker, event, 1)
    urls = [
        reverse("admin:events_event_changelist"),
        change_url(event),
        reverse("admin:events_event_add"),
        reverse("admin:events_registration_changelist"),
        reverse("admin:events_registration_change", args=[registration.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    client.force_login(manager)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    response = client.post(change_url(event), event_form(event, title="Piraté"))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title != "Piraté"


def test_staff_see_events_and_registrations(client, staff_user, full):
    event, waiting = full
    client.force_login(staff_user)
    assert client.get(reverse("admin:events_event_changelist")).status_code == 200
    assert client.get(change_url(event)).status_code == 200
    page = client.get(reverse("admin:events_registration_change", args=[waiting[0].pk]))
    assert page.status_code == 200
    assert "12 €" in page.content.decode()  # the price in euros, not cents


def test_registrations_are_read_only(client, staff_user, full):
    event, waiting = full
    client.force_login(staff_user)
    url = reverse("admin:events_registration_change", args=[waiting[0].pk])
    client.post(url, {"status": S.REGISTERED, "seats": "1"})
    assert Registration.objects.get(pk=waiting[0].pk).status == S.WAITING
    response = client.post(
        reverse("admin:events_registration_delete", args=[waiting[0].pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Registration.objects.filter(pk=waiting[0].pk).exists()


def test_a_capacity_raised_in_the_back_office_offers_the_seats(client, staff_user, full):
    event, waiting = full
    client.force_login(staff_user)
    response = client.post(change_url(event), event_form(event, capacity="4", title="Renommé"))
    assert response.status_code == 302, response.content.decode()[:3000]
    event.refresh_from_db()
    assert (event.title, event.capacity, event.seats_taken) == ("Renommé", 4, 4)
    assert [Registration.objects.get(pk=r.pk).status for r in waiting] == [S.OFFERED, S.WAITING]


def test_a_capacity_below_the_seats_taken_is_refused_on_its_field(client, staff_user, full):
    event, waiting = full
    client.force_login(staff_user)
    response = client.post(change_url(event), event_form(event, capacity="2"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["capacity"] == [
        "3 places sont déjà prises : le nombre de places ne peut pas descendre en dessous de 3."
    ]
    event.refresh_from_db()
    assert (event.capacity, event.seats_taken) == (3, 3)


def test_a_capacity_lowered_keeps_the_seats_per_registration_within(client, staff_user, event):
    client.force_login(staff_user)
    response = client.post(
        change_url(event), event_form(event, capacity="1", max_seats_per_registration="1")
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.capacity, event.max_seats_per_registration) == (1, 1)


def test_cancelling_in_the_back_office_cancels_every_registration(client, staff_user, full):
    event, waiting = full
    client.force_login(staff_user)
    response = client.post(change_url(event), event_form(event, status=EventStatus.CANCELLED))
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.status, event.seats_taken) == (EventStatus.CANCELLED, 0)
    assert not Registration.objects.filter(event=event).active().exists()
    # A cancelled event is read only: a status posted again is not read.
    again = client.post(change_url(event), event_form(event, status=EventStatus.PUBLISHED))
    assert again.status_code == 302
    assert Event.objects.get(pk=event.pk).status == EventStatus.CANCELLED
    assert client.get(change_url(event)).context["adminform"].form.fields == {}


def test_an_event_with_registrations_does_not_go_back_to_draft(client, staff_user, full):
    event, waiting = full
    client.force_login(staff_user)
    response = client.post(change_url(event), event_form(event, status=EventStatus.DRAFT))
    assert "status" in response.context["adminform"].form.errors
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED


def test_staff_create_an_event(client, staff_user, place):
    client.force_login(staff_user)
    template = EventFactory.build(
        place=place, title="Créer son entreprise", capacity=12, created_by=staff_user
    )
    response = client.post(reverse("admin:events_event_add"), event_form(template))
    assert response.status_code == 302, response.content.decode()[:3000]
    created = Event.objects.get(title="Créer son entreprise")
    assert (created.created_by, created.capacity, created.seats_taken) == (staff_user, 12, 0)


def test_a_bad_registration_window_is_refused(client, staff_user, place):
    client.force_login(staff_user)
    template = EventFactory.build(place=place, title="Fenêtre", created_by=staff_user)
    template.registration_closes_at = template.end + timedelta(days=1)
    response = client.post(reverse("admin:events_event_add"), event_form(template))
    assert response.status_code == 200
    assert not Event.objects.filter(title="Fenêtre").exists()


def test_a_published_event_s_frozen_fields_are_read_only(client, staff_user, full):
    """A 12 € seat stays 12 € with registrations in force: the price (and the date, the
    place, the rules people registered for) are shown, not editable; what changes is
    logged as staff's edit."""
    event, waiting = full
    client.force_login(staff_user)
    page = client.get(change_url(event))
    form = page.context["adminform"].form
    assert set(organising.FROZEN_ONCE_PUBLISHED) - {"capacity"} <= set(
        page.context["adminform"].readonly_fields
    )
    assert "price_cents" not in form.fields and "capacity" in form.fields
    start = event.start
    response = client.post(
        change_url(event),
        event_form(event, price_cents="50,00", title="Exporter", **split(start + HOUR, "start")),
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.price_cents, event.start, event.title) == (1200, start, "Exporter")
    edit = EventLog.objects.get(event=event, action=LogAction.EDITED)
    assert (edit.actor, edit.detail) == (staff_user, "titre")


def test_the_admin_edits_the_organisers_fields(staff_user):
    assert admin.EventForm._meta.fields == [*organising.EDITED_FIELDS, "status"]


def test_a_published_event_does_not_go_back_to_draft(client, staff_user, event):
    client.force_login(staff_user)
    response = client.post(change_url(event), event_form(event, status=EventStatus.DRAFT))
    assert response.context["adminform"].form.errors["status"] == [
        "Un atelier publié ne redevient pas un brouillon : annulez-le plutôt (les personnes "
        "inscrites sont prévenues)."
    ]
    assert Event.objects.get(pk=event.pk).status == EventStatus.PUBLISHED


def test_publishing_in_the_back_office_follows_the_organisers_rule(client, staff_user, place):
    now = timezone.now()
    late = EventFactory(
        place=place,
        status=EventStatus.DRAFT,
        registration_opens_at=now - timedelta(days=3),
        registration_closes_at=now - timedelta(hours=1),
    )
    client.force_login(staff_user)
    response = client.post(change_url(late), event_form(late, status=EventStatus.PUBLISHED))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["registration_closes_at"] == [
        "La clôture des inscriptions est passée : reportez-la avant de publier."
    ]
    assert Event.objects.get(pk=late.pk).status == EventStatus.DRAFT
    assert not EventLog.objects.filter(event=late).exists()

    ready = EventFactory(place=place, status=EventStatus.DRAFT)
    response = client.post(change_url(ready), event_form(ready, status=EventStatus.PUBLISHED))
    assert response.status_code == 302
    assert Event.objects.get(pk=ready.pk).status == EventStatus.PUBLISHED
    published = EventLog.objects.get(event=ready, action=LogAction.PUBLISHED)
    assert published.actor == staff_user


def test_an_event_created_in_the_back_office_is_logged_and_may_be_published(
    client, staff_user, place
):
    client.force_login(staff_user)
    template = EventFactory.build(place=place, title="Publié d'emblée", created_by=staff_user)
    response = client.post(
        reverse("admin:events_event_add"), event_form(template, status=EventStatus.PUBLISHED)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    created = Event.objects.get(title="Publié d'emblée")
    assert created.status == EventStatus.PUBLISHED
    assert list(
        EventLog.objects.filter(event=created).order_by("id").values_list("action", "actor")
    ) == [(LogAction.CREATED, staff_user.pk), (LogAction.PUBLISHED, staff_user.pk)]
    cancelled = client.post(
        reverse("admin:events_event_add"),
        event_form(template, title="Annulé d'emblée", status=EventStatus.CANCELLED),
    )
    assert cancelled.context["adminform"].form.errors["status"] == [
        "Un atelier se crée en brouillon, ou publié."
    ]


def test_a_deadline_moved_later_in_the_back_office_offers_the_seats(client, staff_user, full):
    """The registration deadline goes through the organisers' use case: moved later, the
    seats freed after the old one go to the waiting list at once."""
    event, waiting = full
    holder = Registration.objects.get(event=event, seats=2)
    closes = event.registration_closes_at
    Event.objects.filter(pk=event.pk).update(
        registration_closes_at=timezone.now() + timedelta(minutes=1)
    )
    services.cancel(holder.user, holder, now=timezone.now() + timedelta(minutes=2))
    assert [Registration.objects.get(pk=r.pk).status for r in waiting] == [S.WAITING] * 2
    event.refresh_from_db()
    client.force_login(staff_user)
    response = client.post(
        change_url(event), event_form(event, **split(closes, "registration_closes_at"))
    )
    assert response.status_code == 302
    assert [Registration.objects.get(pk=r.pk).status for r in waiting] == [S.OFFERED] * 2


def test_a_refusal_met_while_saving_is_shown_and_nothing_is_written(
    client, staff_user, event, monkeypatch
):
    """The event changed between the form's checks and the save (here: the service refuses
    on its own): the page says so, in French, and nothing is written."""

    def refuse(*args, **kwargs):
        raise services.RegistrationRefused("capacity", "Le nombre de places a changé.")

    monkeypatch.setattr(services, "change_capacity", refuse)
    client.force_login(staff_user)
    response = client.post(
        change_url(event), event_form(event, capacity="5", title="Renommé"), follow=True
    )
    assert response.status_code == 200
    told = [str(m) for m in response.context["messages"]]
    assert told == ["Rien n'a été enregistré : Le nombre de places a changé."]
    event.refresh_from_db()
    assert event.capacity == 3 and event.title != "Renommé"
    assert not EventLog.objects.filter(event=event, action=LogAction.EDITED).exists()


def test_events_are_cancelled_never_deleted(client, staff_user, place):
    draft = EventFactory(place=place, status=EventStatus.DRAFT)
    client.force_login(staff_user)
    response = client.post(reverse("admin:events_event_delete", args=[draft.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Event.objects.filter(pk=draft.pk).exists()
