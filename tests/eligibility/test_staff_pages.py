"""Staff pages: who may open them (rights and a second factor), the decision and grant
forms, the proof, and the log of every view; the TOTP enrolment and code pages."""

import io
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from maillage.eligibility import services
from maillage.eligibility.models import AccessAction, EligibilityStatus, State, StatusAccess
from tests.factories import StaffFactory, VerifiedUserFactory
from tests.fixtures.eligibility import PDF

pytestmark = pytest.mark.django_db

REQUESTS = reverse("eligibility:requests")
GRANT = reverse("eligibility:grant")
SETUP = reverse("eligibility:otp_setup")
CODE = reverse("eligibility:otp_verify")


@pytest.fixture
def person(categories):
    return VerifiedUserFactory(email="camille@exemple.test", first_name="Camille")


@pytest.fixture
def open_request(person):
    return services.ask_status(
        person, category_code="handicap", proof=services.UploadedProof(io.BytesIO(PDF), len(PDF))
    )


def decision_url(status) -> str:
    return reverse("eligibility:decision", args=[status.pk])


def proof_url(status) -> str:
    return reverse("eligibility:proof", args=[status.pk])


@pytest.fixture
def verifier_client(client, verifier, second_factor_login):
    second_factor_login(client, verifier)
    return client


def dates(days: int = 365) -> dict:
    today = timezone.localdate()
    return {"valid_from": today.isoformat(), "valid_until": (today + timedelta(days)).isoformat()}


# Who may open them


def edit_paths(status) -> list[tuple[str, str, dict]]:
    return [
        ("get", REQUESTS, {}),
        ("get", decision_url(status), {}),
        ("post", decision_url(status), {"action": "verify", **dates()}),
        ("post", decision_url(status), {"action": "refuse", "reason": "Non."}),
        ("get", proof_url(status), {}),
        ("get", GRANT, {}),
        ("post", GRANT, {"person_email": "camille@exemple.test", "category": "rsa", **dates()}),
    ]


def test_anonymous_visitors_are_sent_to_the_login(client, open_request):
    for method, url, data in edit_paths(open_request):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and "/connexion/" in response["Location"], url
    assert EligibilityStatus.objects.get().state == State.REQUESTED


@pytest.mark.parametrize("who", ["resident", "departement_staff", "the_person"])
def test_people_without_the_right_get_a_403_even_with_a_second_factor(
    client, open_request, person, second_factor_login, who
):
    user = {"resident": VerifiedUserFactory, "departement_staff": StaffFactory}.get(
        who, lambda: person
    )()
    second_factor_login(client, user)
    for method, url, data in edit_paths(open_request):
        assert getattr(client, method)(url, data).status_code == 403, url
    assert EligibilityStatus.objects.get().state == State.REQUESTED
    assert not StatusAccess.objects.exists()


def test_a_prescriber_may_grant_but_not_decide(
    client, prescriber, open_request, second_factor_login
):
    second_factor_login(client, prescriber)
    assert client.get(GRANT).status_code == 200
    assert client.get(REQUESTS).status_code == 403
    assert (
        client.post(decision_url(open_request), {"action": "verify", **dates()}).status_code == 403
    )


def test_a_verifier_without_a_second_factor_is_sent_to_enrol(client, verifier, open_request):
    client.force_login(verifier)
    for method, url, data in edit_paths(open_request)[:5]:
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and response["Location"].startswith(SETUP), url
    assert EligibilityStatus.objects.get().state == State.REQUESTED
    assert not StatusAccess.objects.exists()


def test_an_enrolled_verifier_is_asked_for_a_code(client, verifier, open_request):
    TOTPDevice.objects.create(user=verifier, name="Téléphone", confirmed=True)
    client.force_login(verifier)
    response = client.get(REQUESTS)
    assert response.status_code == 302 and response["Location"].startswith(CODE)


# The pages themselves


def test_the_list_shows_the_requests_and_logs_each_view(verifier_client, verifier, open_request):
    page = verifier_client.get(REQUESTS).content.decode()
    assert "Camille" in page and "RQTH, AAH ou CMI" in page
    access = StatusAccess.objects.get()
    assert (access.viewer, access.person_id, access.status, access.action) == (
        verifier,
        open_request.person_id,
        open_request,
        AccessAction.LIST,
    )


def test_without_view_category_the_category_stays_hidden(client, open_request, second_factor_login):
    from django.contrib.auth.models import Permission

    blind = StaffFactory()
    blind.user_permissions.add(Permission.objects.get(codename="verify_status"))
    second_factor_login(client, blind)
    for url in (REQUESTS, decision_url(open_request)):
        page = client.get(url).content.decode()
        assert "RQTH" not in page and "Catégorie" not in page, url


def test_verifying_through_the_page(verifier_client, verifier, open_request):
    page = verifier_client.get(decision_url(open_request)).content.decode()
    assert proof_url(open_request) in page
    response = verifier_client.post(decision_url(open_request), {"action": "verify", **dates()})
    assert response.status_code == 302
    status = EligibilityStatus.objects.get()
    assert (status.state, status.decided_by, bool(status.proof)) == (
        State.VERIFIED,
        verifier,
        False,
    )


def log_of(status) -> list[tuple]:
    """The status's access log, oldest first: (who did it, what)."""
    return list(
        StatusAccess.objects.filter(status=status).order_by("pk").values_list("viewer", "action")
    )


@pytest.mark.parametrize(
    ("bad", "good", "decided"),
    [
        (
            {"action": "verify", "valid_from": "", "valid_until": ""},
            {"action": "verify", **dates()},
            AccessAction.VERIFIED,
        ),
        (
            {"action": "refuse", "reason": ""},
            {"action": "refuse", "reason": "Carte expirée."},
            AccessAction.REFUSED,
        ),
    ],
)
def test_the_log_has_one_row_per_view_and_per_decision(
    verifier_client, verifier, person, open_request, bad, good, decided
):
    """Opening the request is one view; forms sent back with an error are that same view;
    the decision is one more row, read by the person as who did what."""
    assert verifier_client.get(decision_url(open_request)).status_code == 200
    for _attempt in range(2):
        assert verifier_client.post(decision_url(open_request), bad).status_code == 400
    assert log_of(open_request) == [(verifier.pk, AccessAction.DECISION)]
    assert verifier_client.post(decision_url(open_request), good).status_code == 302
    assert log_of(open_request) == [
        (verifier.pk, AccessAction.DECISION),
        (verifier.pk, decided),
    ]
    client = Client()
    client.force_login(person)
    page = client.get(reverse("eligibility:my_rights")).content.decode()
    who = "un agent (instruction des statuts du Département)"  # staff without a name
    assert page.count(who) == 2
    assert f"{decided.label.capitalize()} — RQTH, AAH ou CMI" in page


def test_a_grant_is_logged_once_as_a_grant(client, prescriber, person, second_factor_login):
    second_factor_login(client, prescriber)
    refused = {"person_email": "camille@exemple.test", "category": "rsa", **dates(-400)}
    assert client.post(GRANT, refused).status_code == 400
    assert not StatusAccess.objects.exists()
    client.post(GRANT, {"person_email": "camille@exemple.test", "category": "rsa", **dates(90)})
    access = StatusAccess.objects.get()
    assert (access.viewer, access.person, access.action) == (
        prescriber,
        person,
        AccessAction.GRANTED,
    )
    assert access.who() == "un agent (prescripteur·rice du Département)"


def test_refusing_through_the_page(verifier_client, open_request):
    verifier_client.post(
        decision_url(open_request), {"action": "refuse", "reason": "Carte expirée."}
    )
    status = EligibilityStatus.objects.get()
    assert (status.state, status.refusal_reason) == (State.REFUSED, "Carte expirée.")


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (
            {"action": "verify", "valid_from": "01/12/2026", "valid_until": "2027-01-01"},
            "date AAAA-MM-JJ attendue",
        ),
        ({"action": "verify", **dates(-400)}, "précéder son début"),
        ({"action": "verify", "valid_from": "", "valid_until": ""}, "obligatoire"),
        (
            {"action": "verify", "valid_from": "9999-12-31", "valid_until": "9999-12-31"},
            "au plus tard le",
        ),
        (
            {"action": "verify", "valid_from": "0001-01-01", "valid_until": "9999-12-31"},
            "ne peut pas précéder le",
        ),
        ({"action": "refuse", "reason": ""}, "obligatoire"),
        ({"action": "refuse", "reason": "x" * 600}, "500 caractères"),
        ({"action": "autre"}, "Choisissez de vérifier ou de refuser"),
    ],
)
def test_bad_decisions_are_refused_in_french(verifier_client, open_request, data, fragment):
    response = verifier_client.post(decision_url(open_request), data)
    assert response.status_code == 400
    assert fragment in response.content.decode()
    status = EligibilityStatus.objects.get()
    assert (status.state, bool(status.proof)) == (State.REQUESTED, True)


def test_the_proof_is_served_to_verifiers_as_checked_and_logged(verifier_client, open_request):
    response = verifier_client.get(proof_url(open_request))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store, private"
    assert b"".join(response.streaming_content) == PDF
    assert list(StatusAccess.objects.values_list("action", flat=True)) == [AccessAction.PROOF]


def test_a_decided_request_has_no_page_left(verifier_client, verifier, open_request):
    services.refuse_status(verifier, open_request.pk, reason="Non.")
    assert verifier_client.get(decision_url(open_request)).status_code == 404
    assert verifier_client.get(proof_url(open_request)).status_code == 404


def test_granting_through_the_page(client, prescriber, person, second_factor_login):
    second_factor_login(client, prescriber)
    response = client.post(
        GRANT, {"person_email": "camille@exemple.test", "category": "rsa", **dates(90)}
    )
    assert response.status_code == 302
    status = EligibilityStatus.objects.get()
    assert (status.person, status.granted_by, status.state) == (person, prescriber, State.VERIFIED)


def test_a_grant_to_an_unknown_address_is_refused(client, prescriber, second_factor_login):
    second_factor_login(client, prescriber)
    response = client.post(
        GRANT, {"person_email": "personne@exemple.test", "category": "rsa", **dates(90)}
    )
    assert response.status_code == 400
    assert "aucun compte actif" in response.content.decode()
    assert not EligibilityStatus.objects.exists()


def test_the_decision_form_needs_the_csrf_token(verifier, open_request, second_factor_login):
    client = Client(enforce_csrf_checks=True)
    second_factor_login(client, verifier)
    response = client.post(decision_url(open_request), {"action": "verify", **dates()})
    assert response.status_code == 403
    assert EligibilityStatus.objects.get().state == State.REQUESTED


# Second factor


def test_enrolling_an_authenticator_app(client, verifier, open_request):
    client.force_login(verifier)
    page = client.get(f"{SETUP}?next={REQUESTS}")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<svg role="img" aria-label="QR code' in html and "<path" in html
    device = TOTPDevice.objects.get(user=verifier)
    assert not device.confirmed
    wrong = client.post(SETUP, {"token": "000000" if totp(device.bin_key) else "111111"})
    assert wrong.status_code == 400 and "est pas le bon" in wrong.content.decode()
    # A failure makes the next try wait (1 s, then 2 s…): at once, even the right code fails.
    too_soon = client.post(SETUP, {"token": f"{totp(device.bin_key):06d}"})
    assert too_soon.status_code == 400 and "Trop d" in too_soon.content.decode()
    device.refresh_from_db()
    device.throttle_reset()
    response = client.post(SETUP, {"token": f"{totp(device.bin_key):06d}", "next": REQUESTS})
    assert response.status_code == 302 and response["Location"] == REQUESTS
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(REQUESTS).status_code == 200


def test_an_enrolled_device_is_not_replaced_by_whoever_holds_the_password(client, verifier):
    TOTPDevice.objects.create(user=verifier, name="Téléphone", confirmed=True)
    client.force_login(verifier)
    response = client.get(SETUP)
    assert response.status_code == 302 and response["Location"] == CODE
    assert TOTPDevice.objects.filter(user=verifier).count() == 1


def test_entering_the_code_verifies_the_session(client, verifier):
    device = TOTPDevice.objects.create(user=verifier, name="Téléphone", confirmed=True)
    client.force_login(verifier)
    assert client.post(CODE, {"token": "12345"}).status_code == 400  # not six digits
    response = client.post(CODE, {"token": f"{totp(device.bin_key):06d}", "next": REQUESTS})
    assert response.status_code == 302 and response["Location"] == REQUESTS
    assert client.get(REQUESTS).status_code == 200


def test_a_code_page_leads_nowhere_outside(client, verifier):
    device = TOTPDevice.objects.create(user=verifier, name="Téléphone", confirmed=True)
    client.force_login(verifier)
    response = client.post(
        CODE, {"token": f"{totp(device.bin_key):06d}", "next": "https://ailleurs.example/"}
    )
    assert response["Location"] == reverse("eligibility:staff_home")


def test_the_second_factor_pages_are_for_status_staff_only(client, person):
    client.force_login(person)
    assert client.get(SETUP).status_code == 404
    assert client.get(CODE).status_code == 404
    assert not TOTPDevice.objects.exists()


def test_the_account_page_leads_status_staff_only_to_their_pages(client, verifier, person):
    home = reverse("eligibility:staff_home")
    client.force_login(person)
    assert home not in client.get(reverse("accounts:account")).content.decode()
    client.force_login(verifier)
    assert home in client.get(reverse("accounts:account")).content.decode()


def test_the_staff_home_leads_each_to_their_page(client, verifier, prescriber, person):
    home = reverse("eligibility:staff_home")
    for user, target in ((verifier, REQUESTS), (prescriber, GRANT), (person, "/compte/droits/")):
        client.force_login(user)
        assert client.get(home)["Location"] == target


def assert_the_errors_take_the_focus(response) -> int:
    """A form sent back with errors: its summary takes the focus when the page loads, each
    field in error says so and points to its message; how many fields are in error."""
    page = response.content.decode()
    assert response.status_code == 400
    assert '<div class="form-errors" role="alert" tabindex="-1" id="erreurs" autofocus>' in page
    fields = re.findall(r'<p class="field-error" id="([^"]+)_error">', page)
    for field in fields:
        tag = re.search(rf'<(?:input|select|textarea)[^>]* id="{field}"[^>]*>', page)
        assert tag and 'aria-invalid="true"' in tag[0], field
        assert re.search(rf'aria-describedby="[^"]*{field}_error', tag[0]), field
    return len(fields)


def test_every_form_of_these_pages_sent_back_brings_the_focus_to_its_errors(
    client, verifier, prescriber, person, open_request, second_factor_login
):
    client.force_login(verifier)
    client.get(SETUP)  # the device being enrolled
    assert_the_errors_take_the_focus(client.post(SETUP, {"token": "12"}))
    second_factor_login(client, verifier)
    assert_the_errors_take_the_focus(client.post(CODE, {"token": "abc"}))
    for data in ({"action": "verify"}, {"action": "refuse", "reason": ""}, {"action": "x"}):
        assert_the_errors_take_the_focus(client.post(decision_url(open_request), data))
    second_factor_login(client, prescriber)
    assert_the_errors_take_the_focus(client.post(GRANT, {"person_email": "x"}))
    client.force_login(person)
    ask = client.post(reverse("eligibility:ask"), {})
    assert assert_the_errors_take_the_focus(ask) == 3  # category, beneficiary, proof
    assert_the_errors_take_the_focus(client.post(reverse("eligibility:add_child"), {}))
