"""Concurrent clients on real connections: one open request per category, one decision per
request, whatever the timing."""

import io
from datetime import timedelta
from functools import partial

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from maillage.eligibility import services
from maillage.eligibility.models import EligibilityStatus, State, stored_proofs
from tests.factories import StaffFactory, VerifiedUserFactory
from tests.fixtures.eligibility import PDF, VERIFIERS
from tests.racing import run_together

pytestmark = pytest.mark.django_db(transaction=True)

CLIENTS = 8


def race(call) -> list[str]:
    """Run call(n) for CLIENTS numbers at once (tests.racing); each outcome, sorted."""
    outcomes = run_together([partial(call, n) for n in range(CLIENTS)])
    return sorted(
        f"refused: {o}"
        if isinstance(o, services.EligibilityError)
        else f"error: {o!r}"
        if isinstance(o, Exception)
        else "done"
        for o in outcomes
    )


def test_one_open_request_however_many_clients_ask(categories):
    person = VerifiedUserFactory()
    results = race(
        lambda n: services.ask_status(
            person,
            category_code="handicap",
            proof=services.UploadedProof(io.BytesIO(PDF), len(PDF)),
        )
    )
    assert results == ["done"] + [
        "refused: « Catégorie » : une demande est déjà en cours pour cette catégorie."
    ] * (CLIENTS - 1)
    status = EligibilityStatus.objects.get()
    # The refused clients' files are gone: only the request's proof is stored.
    assert stored_proofs().listdir("proofs")[1] == [status.proof.name.split("/")[-1]]


def test_one_decision_however_many_verifiers_decide(categories):
    person = VerifiedUserFactory()
    request = services.ask_status(
        person, category_code="rsa", proof=services.UploadedProof(io.BytesIO(PDF), len(PDF))
    )
    verifiers = [StaffFactory() for _ in range(CLIENTS)]
    for verifier in verifiers:
        verifier.groups.add(Group.objects.get(name=VERIFIERS))
    today = timezone.localdate()

    def decide(n: int) -> None:
        if n % 2:
            services.refuse_status(verifiers[n], request.pk, reason="Illisible.")
        else:
            services.verify_status(
                verifiers[n], request.pk, valid_from=today, valid_until=today + timedelta(9)
            )

    results = race(decide)
    assert results == ["done"] + ["refused: Cette demande a déjà été décidée."] * (CLIENTS - 1)
    status = EligibilityStatus.objects.get()
    assert status.state in (State.VERIFIED, State.REFUSED) and not status.proof
    assert stored_proofs().listdir("proofs")[1] == []
