"""The events module's periodic work, run end to end: the scheduler enqueues it at its time,
the worker runs it, and the emails it queues leave through the same worker."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from maillage.core import schedule
from maillage.events import services
from maillage.events.models import Registration, RegistrationStatus
from tests.booking.test_tasks import run_worker
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_offers_past_their_deadline_lapse_through_the_worker(place, people):
    event = EventFactory(place=place, capacity=1)
    holder = services.register(people[0], event, 1)
    first = services.register(people[1], event, 1)
    second = services.register(people[2], event, 1)
    services.cancel(people[0], holder)
    Registration.objects.filter(pk=first.pk).update(offered_until=timezone.now())
    run_worker()
    mail.outbox.clear()
    assert "maillage.events.tasks.expire_offers" in schedule.tick()
    run_worker()  # the sweep, then the emails it queued
    assert Registration.objects.get(pk=first.pk).status == RegistrationStatus.LAPSED
    assert Registration.objects.get(pk=second.pk).status == RegistrationStatus.OFFERED
    assert sorted(m.subject.split(" — ")[0] for m in mail.outbox) == [
        "Des places se sont libérées pour vous",
        "Le délai pour confirmer est passé",
    ]


def test_the_scheduled_reminders_run_through_the_worker(booker, event_tomorrow):
    event = event_tomorrow()
    services.register(booker, event, 1)
    run_worker()
    mail.outbox.clear()
    assert "maillage.events.tasks.send_reminders" in schedule.tick()
    run_worker()
    assert [m.subject.split(" — ")[0] for m in mail.outbox] == ["Rappel : votre atelier demain"]
    schedule.tick(timezone.now() + timedelta(days=1))
    run_worker()
    assert len(mail.outbox) == 1  # reminded once
