"""Concurrent clients on real connections: a request is confirmed (and its places told)
once, and a place answers it once, whoever clicks at the same time."""

from functools import partial

import pytest
from django.core.exceptions import ValidationError

from maillage.core.models import OutboundEmail
from maillage.offices import confirmation, emails, services
from maillage.offices.models import OfficeRequestPlace, RequestStatus
from tests.factories import ManagerFactory
from tests.racing import run_together

pytestmark = pytest.mark.django_db(transaction=True)

CLIENTS = 6


def race(call) -> list[str]:
    """Run call(n) for CLIENTS numbers at once (tests.racing); each outcome, sorted."""
    outcomes = run_together([partial(call, n) for n in range(CLIENTS)])
    return sorted(
        f"refused: {' '.join(o.messages) if isinstance(o, ValidationError) else o}"
        if isinstance(o, ValidationError | confirmation.LinkRefused)
        else f"error: {o!r}"
        if isinstance(o, Exception)
        else "done"
        for o in outcomes
    )


def test_a_request_is_confirmed_once_however_many_clicks(place, offer, send_request):
    ManagerFactory(places=[place])
    token = confirmation.token(send_request([offer], confirmed=False))
    results = race(lambda n: services.confirm_by_token(token))
    assert results == ["done"] + [f"refused: {confirmation.ALREADY_CONFIRMED}"] * (CLIENTS - 1)
    assert OutboundEmail.objects.filter(topic=emails.NEW_REQUEST).count() == 1


def test_a_place_answers_once_however_many_managers_answer(place, offer, send_request):
    managers = [ManagerFactory(places=[place]) for _ in range(CLIENTS)]
    row = send_request([offer]).places.get()

    def decide(n: int) -> None:
        if n % 2:
            services.decline(managers[n], row, "Complet.")
        else:
            services.answer(managers[n], row, f"Réponse {n}.")

    results = race(decide)
    decided = OfficeRequestPlace.objects.get(pk=row.pk)
    assert decided.status in (RequestStatus.ANSWERED, RequestStatus.DECLINED)
    refusal = (
        "refused: Cette demande a déjà reçu la réponse du lieu "
        f"({decided.get_status_display().lower()})."
    )
    assert results == ["done"] + [refusal] * (CLIENTS - 1)
    assert OutboundEmail.objects.filter(topic=emails.REPLY).count() == 1
