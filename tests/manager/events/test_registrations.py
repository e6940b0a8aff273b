"""The organisers' pages over an event's registrations: the list and the waiting list in
order, approving, declining and cancelling with a reason, attendance from the start, the
capacity, messages, the CSV export, cancelling the event; rights on every path, and every
refusal a 400 naming the field, nothing written."""

import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from maillage.core import outbox
from maillage.core.text import fold
from maillage.events import services
from maillage.events.models import Event, EventMessage, EventStatus, Registration
from maillage.events.models import RegistrationStatus as S
from tests.events import make_event
from tests.factories import RegistrationFactory, VerifiedUserFactory
from tests.moments import NOW
from tests.pages import text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_at_now")]

NOT_YOURS = "Vous n'organisez pas cet atelier."


@pytest.fixture
def signed_in(client, manager):
    client.force_login(manager)
    return client


def person(name: str):
    first, last = name.split()
    return VerifiedUserFactory(
        email=f"{fold(first)}@exemple.test", first_name=first, last_name=last
    )


@pytest.fixture
def full_event(place):
    """Two seats at 5 €: Alice and Bob registered (one seat each), Chloé and David waiting
    in that order."""
    event = make_event(place, capacity=2, max_seats_per_registration=2, price_cents=500)
    for name in ("Alice Martin", "Bob Durand", "Chloé Petit", "David Moreau"):
        RegistrationFactory(event=event, user=person(name))
    return event


def url(name: str, event: Event, *args) -> str:
    return reverse(f"manager:{name}", args=[event.pk, *args])


def of(name: str) -> Registration:
    return Registration.objects.get(user__first_name=name)


def test_the_page_lists_registrations_then_the_waiting_list_in_order(signed_in, full_event):
    response = signed_in.get(url("event", full_event))
    assert response.status_code == 200
    rows = response.context["registrations"]
    assert [r.user.first_name for r in rows] == ["Alice", "Bob", "Chloé", "David"]
    assert [r.rank for r in rows] == [None, None, 1, 2]
    page = text(response)
    assert "Sur la liste d'attente</span> — 1re position" in page
    assert "Sur la liste d'attente</span> — 2e position" in page
    waiting = page.split("Liste d'attente</h2>")[1]
    assert waiting.index("Chloé Petit") < waiting.index("David Moreau")
    assert "Annuler l'inscription" in page and "Présent" not in page


def test_approving_and_declining_those_awaiting(signed_in, place):
    event = make_event(place, needs_approval=True)
    for name in ("Alice Martin", "Bob Durand"):
        RegistrationFactory(event=event, user=person(name))
    assert of("Alice").status == S.AWAITING_APPROVAL
    # Awaiting approval: accepted or declined with its reason, not also cancelled.
    page = text(signed_in.get(url("event", event)))
    assert "Accepter<span" in page and "Refuser<span" in page
    assert "Annuler l'inscription" not in page
    response = signed_in.post(url("event_registration_action", event, of("Alice").pk, "accepter"))
    assert response.status_code == 302
    assert of("Alice").status == S.REGISTERED
    assert "Inscription acceptée" in text(signed_in.get(response["Location"]))
    # A decline needs its reason: 400, next to the row's field, nothing changed.
    bob = of("Bob")
    response = signed_in.post(url("event_registration_action", event, bob.pk, "refuser"))
    assert response.status_code == 400
    assert "Motif du refus : Indiquez le motif du refus à la personne." in text(response)
    assert of("Bob").status == S.AWAITING_APPROVAL
    signed_in.post(
        url("event_registration_action", event, bob.pk, "refuser"), {"motif": "Atelier réservé"}
    )
    assert of("Bob").status == S.DECLINED
    assert of("Bob").status_reason == "Atelier réservé"


def test_cancelling_a_registration_offers_its_seat_to_the_first_waiting(signed_in, full_event):
    alice = of("Alice")
    response = signed_in.post(
        url("event_registration_action", full_event, alice.pk, "annuler"),
        {"motif": "Doublon"},
    )
    assert response.status_code == 302
    assert of("Alice").status == S.CANCELLED
    assert of("Chloé").status == S.OFFERED
    assert of("David").status == S.WAITING


def test_an_action_the_status_forbids_is_said(signed_in, full_event):
    response = signed_in.post(
        url("event_registration_action", full_event, of("Alice").pk, "accepter")
    )
    assert response.status_code == 400
    assert "ne permet pas de l'accepter" in text(response)
    assert of("Alice").status == S.REGISTERED


def test_attendance_is_marked_from_the_start(signed_in, place):
    event = make_event(
        place,
        start=NOW - timedelta(hours=1),
        registration_opens_at=NOW - timedelta(days=3),
    )
    RegistrationFactory(event=event, user=person("Alice Martin"), now=NOW - timedelta(days=1))
    page = text(signed_in.get(url("event", event)))
    assert "Présent<span" in page and "Absent<span" in page
    signed_in.post(url("event_registration_action", event, of("Alice").pk, "present"))
    assert of("Alice").attended is True
    signed_in.post(url("event_registration_action", event, of("Alice").pk, "absent"))
    assert of("Alice").attended is False


def test_attendance_before_the_start_is_refused(signed_in, full_event):
    response = signed_in.post(
        url("event_registration_action", full_event, of("Alice").pk, "present")
    )
    assert response.status_code == 400
    assert "La présence se note à partir du début de l'atelier." in text(response)
    assert of("Alice").attended is None


def test_raising_the_capacity_offers_the_seats_in_order(signed_in, full_event):
    response = signed_in.post(url("event_capacity", full_event), {"capacite": "3"})
    assert response.status_code == 302
    assert Event.objects.get().capacity == 3
    assert of("Chloé").status == S.OFFERED and of("David").status == S.WAITING


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1", "Nombre de places : 2 places sont déjà prises"),
        ("0", "Nombre de places : Le nombre de places doit être entre 1 et"),
        ("trois", "Nombre de places : Saisissez un nombre entier."),
        ("", "Nombre de places : Ce champ est obligatoire."),
    ],
)
def test_a_bad_capacity_is_named_and_nothing_changes(signed_in, full_event, value, message):
    response = signed_in.post(url("event_capacity", full_event), {"capacite": value})
    assert response.status_code == 400
    assert message in text(response)
    assert Event.objects.get().capacity == 2


def test_a_message_reaches_the_registrants(signed_in, full_event):
    assert signed_in.get(url("event_message", full_event)).status_code == 200
    response = signed_in.post(
        url("event_message", full_event),
        {"subject": "Salle changée", "body": "Rendez-vous salle B."},
    )
    assert response.status_code == 302
    assert "Message envoyé à 2 personnes." in text(signed_in.get(response["Location"]))
    outbox.deliver_due()
    sent = sorted(m.to[0] for m in mail.outbox if m.subject.startswith("Salle changée"))
    assert sent == ["alice@exemple.test", "bob@exemple.test"]
    signed_in.post(
        url("event_message", full_event),
        {"subject": "Aussi", "body": "Pour tous.", "liste_attente": "on"},
    )
    assert EventMessage.objects.get(subject="Aussi").recipients == 4


def test_a_bad_message_names_its_fields_and_sends_nothing(signed_in, full_event):
    response = signed_in.post(url("event_message", full_event), {"subject": "Deux\nlignes"})
    assert response.status_code == 400
    page = text(response)
    assert "Objet : L'objet ne peut pas contenir de retour à la ligne" in page
    assert "Message : Ce champ est obligatoire." in page
    assert not EventMessage.objects.exists()


def test_the_export_lists_everyone_in_order(signed_in, full_event):
    response = signed_in.get(url("event_csv", full_event))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="inscriptions-atelier-' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Nom", "Adresse électronique", "Statut"]
    assert [(r[0], r[4]) for r in rows[1:]] == [
        ("Alice Martin", ""),
        ("Bob Durand", ""),
        ("Chloé Petit", "1"),
        ("David Moreau", "2"),
    ]


def test_cancelling_the_event_asks_first_then_tells_everyone(signed_in, full_event):
    confirm = signed_in.get(url("cancel_event", full_event))
    assert confirm.status_code == 200
    assert "Les 4 inscriptions en cours" in text(confirm)
    assert Event.objects.get().status == EventStatus.PUBLISHED
    response = signed_in.post(
        url("cancel_event", full_event), {"confirmer": "oui", "motif": "Intervenant malade"}
    )
    assert response.status_code == 302
    assert Event.objects.get().status == EventStatus.CANCELLED
    assert set(Registration.objects.values_list("status", flat=True)) == {S.CANCELLED}
    page = text(signed_in.get(response["Location"]))
    assert "Événement annulé" in page and "Annuler l'événement</a>" not in page


def test_a_cancelled_event_is_not_cancelled_twice(signed_in, place):
    event = make_event(place, status="cancelled")
    response = signed_in.post(url("cancel_event", event), {"confirmer": "oui"})
    assert response.status_code == 400
    assert "Cet atelier est déjà annulé." in text(response)


PATHS = [
    ("event", "get", ()),
    ("event_message", "get", ()),
    ("event_message", "post", ()),
    ("event_csv", "get", ()),
    ("cancel_event", "get", ()),
    ("cancel_event", "post", ()),
    ("event_capacity", "post", ()),
    ("event_registration_action", "post", ("accepter",)),
    ("event_registration_action", "post", ("annuler",)),
    ("event_registration_action", "post", ("present",)),
]


@pytest.mark.parametrize(("name", "method", "args"), PATHS)
def test_another_places_event_is_refused_on_every_path(signed_in, other_place, name, method, args):
    event = make_event(other_place, needs_approval=True)
    registration = RegistrationFactory(event=event)
    if name == "event_registration_action":
        args = (registration.pk, *args)
    before = (
        Event.objects.filter(pk=event.pk).values().get(),
        Registration.objects.filter(pk=registration.pk).values().get(),
    )
    data = {"confirmer": "oui", "motif": "x", "capacite": "9", "subject": "o", "body": "m"}
    response = getattr(signed_in, method)(url(name, event, *args), data)
    assert response.status_code == 403
    assert NOT_YOURS in text(response)
    assert (
        Event.objects.filter(pk=event.pk).values().get(),
        Registration.objects.filter(pk=registration.pk).values().get(),
    ) == before
    assert not EventMessage.objects.exists()


def test_a_registration_of_another_event_is_not_reached_through_mine(signed_in, place, other_place):
    mine = make_event(place)
    theirs = RegistrationFactory(event=make_event(other_place))
    response = signed_in.post(
        url("event_registration_action", mine, theirs.pk, "annuler"), {"motif": "x"}
    )
    assert response.status_code == 404
    assert Registration.objects.get(pk=theirs.pk).status == S.REGISTERED
    assert signed_in.post(url("event_registration_action", mine, theirs.pk, "x")).status_code == 404


def test_a_resident_is_refused(client, resident, full_event):
    client.force_login(resident)
    assert client.get(url("event", full_event)).status_code == 403
    assert client.get(url("event_csv", full_event)).status_code == 403


def test_the_capacity_never_strands_a_waiting_entry(signed_in, place):
    """Alice holds 2 of 4 seats, Chloé waits for 3: 2 seats would leave her waiting forever;
    the page says so and nothing changes."""
    event = make_event(place, capacity=4, max_seats_per_registration=3)
    RegistrationFactory(event=event, user=person("Alice Martin"), seats=2)
    RegistrationFactory(event=event, user=person("Chloé Petit"), seats=3)
    assert of("Chloé").status == S.WAITING
    response = signed_in.post(url("event_capacity", event), {"capacite": "2"})
    assert response.status_code == 400
    assert (
        "Nombre de places : Une inscription de la liste d'attente demande plus de 2 places : "
        "annulez-les d'abord" in text(response)
    )
    assert Event.objects.get().capacity == 4


def test_a_deadline_moved_later_on_the_event_s_form_offers_the_free_seats(signed_in, place):
    """Half an hour before the deadline Alice cancels: too late for an offer to be used, her
    seat stays free and Chloé waits. The organiser moves the deadline later on the event's
    form: Chloé, first on the list, is offered the seat at once."""
    event = make_event(place, capacity=2, registration_closes_at=NOW + timedelta(minutes=30))
    for name in ("Alice Martin", "Bob Durand", "Chloé Petit", "David Moreau"):
        RegistrationFactory(event=event, user=person(name))
    services.cancel(of("Alice").user, of("Alice"))
    assert (of("Chloé").status, Event.objects.get().seats_taken) == (S.WAITING, 1)
    response = signed_in.post(
        reverse("manager:edit_event", args=[event.pk]),
        {
            "title": event.title,
            "description": event.description,
            "audience": event.audience,
            "registration_closes_at": "2026-12-07T12:00",
            "hold_hours": "24",
        },
    )
    assert response.status_code == 302, text(response)
    assert of("Chloé").status == S.OFFERED and of("David").status == S.WAITING
    assert of("Chloé").offered_until == NOW + timedelta(hours=24)
