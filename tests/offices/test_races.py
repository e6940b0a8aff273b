"""Concurrent clients on real connections: a request is confirmed (and its places told)
once, and a place answers it once, whoever clicks at the same time; a confirmation racing
the purge of expired requests is kept or refused, never deleted once confirmed."""

from datetime import timedelta
from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillage.core.models import OutboundEmail
from maillage.offices import confirmation, emails, services
from maillage.offices.models import OfficeRequest, OfficeRequestPlace, RequestStatus
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


def test_a_confirmation_racing_the_purge_is_either_kept_or_refused(place, offer, send_request):
    """The link's last moment: the purge deletes the request, or its confirmation keeps it;
    never a confirmed request deleted, never an error."""
    ManagerFactory(places=[place])
    office_request = send_request([offer], confirmed=False)
    now = timezone.now()
    OfficeRequest.objects.filter(pk=office_request.pk).update(
        created_at=now - confirmation.MAX_AGE - timedelta(minutes=1)
    )
    confirmed, purged = run_together(
        [partial(services.confirm, office_request), partial(services.purge, now)]
    )
    kept = OfficeRequest.objects.filter(pk=office_request.pk).first()
    if kept is None:
        assert isinstance(confirmed, confirmation.LinkRefused), confirmed
        assert str(confirmed) == confirmation.GONE
        assert purged == {"deleted": 1, "anonymised": 0}
    else:
        assert kept.confirmed_at is not None and purged == {"deleted": 0, "anonymised": 0}
        assert OutboundEmail.objects.filter(topic=emails.NEW_REQUEST).count() == 1


def test_a_request_deleted_before_its_confirmation_is_refused(offer, send_request):
    office_request = send_request([offer], confirmed=False)
    OfficeRequest.objects.filter(pk=office_request.pk).delete()
    with pytest.raises(confirmation.LinkRefused, match="n'existe plus"):
        services.confirm(office_request)
