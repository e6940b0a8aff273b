"""Concurrent clients on real connections: one open request per category, one decision per
request, whatever the timing."""

import io
import threading
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone

from maillage.eligibility import services
from maillage.eligibility.models import EligibilityStatus, State, proof_storage
from tests.factories import StaffFactory, VerifiedUserFactory
from tests.fixtures.eligibility import PDF, VERIFIERS

pytestmark = pytest.mark.django_db(transaction=True)

CLIENTS = 8


def race(call) -> list[str]:
    """Start CLIENTS threads together, each with its own connection; each outcome."""
    barrier = threading.Barrier(CLIENTS)
    results: list[str] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        try:
            barrier.wait()
            call(number)
            outcome = "done"
        except services.EligibilityError as refusal:
            outcome = f"refused: {refusal}"
        except Exception as error:  # noqa: BLE001 — reported, then asserted absent
            outcome = f"error: {error!r}"
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == CLIENTS
    return sorted(results)


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
    assert proof_storage().listdir("proofs")[1] == [status.proof.name.split("/")[-1]]


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
    assert proof_storage().listdir("proofs")[1] == []
