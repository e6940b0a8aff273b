"""Eligibility use cases: asking with a proof, deciding, granting; every refusal writes
nothing and names the field."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from maillage.eligibility import services
from maillage.eligibility.models import (
    ChildProfile,
    EligibilityStatus,
    ProofMode,
    State,
    stored_proofs,
)
from maillage.eligibility.proofs import MAX_BYTES
from tests.factories import StaffFactory, UserFactory, VerifiedUserFactory
from tests.fixtures.eligibility import JPEG, PDF, PNG

pytestmark = pytest.mark.django_db


def upload(data: bytes) -> services.UploadedProof:
    return services.UploadedProof(io.BytesIO(data), len(data))


def stored_proof_names() -> list[str]:
    """The stored proofs' names (none while no proof was ever stored in this process)."""
    storage = stored_proofs()
    return storage.listdir("proofs")[1] if storage.exists("proofs") else []


@pytest.fixture
def person(categories):
    return VerifiedUserFactory(email="camille@exemple.test")


@pytest.fixture
def today():
    return timezone.localdate()


# Asking


@pytest.mark.parametrize(("data", "extension"), [(PDF, "pdf"), (PNG, "png"), (JPEG, "jpg")])
def test_a_person_asks_with_a_proof_stored_under_a_random_name(person, data, extension):
    status = services.ask_status(person, category_code="rsa", proof=upload(data))
    status.refresh_from_db()
    assert (status.person, status.child, status.state) == (person, None, State.REQUESTED)
    assert status.proof_mode == ProofMode.UPLOAD
    assert status.proof.name.startswith("proofs/") and status.proof.name.endswith(extension)
    assert "camille" not in status.proof.name
    with stored_proofs().open(status.proof.name) as stored:
        assert stored.read() == data


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"GIF89a" + b"\x00" * 40, "ni un PDF, ni une image JPEG ou PNG (d'après son contenu)"),
        (b"Ceci est un texte qui se dit PDF", "ni un PDF"),
        (b"PK\x03\x04 docx", "ni un PDF"),
        (b"", "le fichier est vide"),
        (PDF + b"\x00" * (MAX_BYTES - len(PDF) + 1), "le fichier dépasse 5 Mo"),
    ],
    ids=["gif", "text", "zip", "empty", "too-large"],
)
def test_a_bad_proof_is_refused_naming_the_field_and_nothing_is_written(person, data, fragment):
    with pytest.raises(services.EligibilityError) as error:
        services.ask_status(person, category_code="rsa", proof=upload(data))
    assert error.value.field == "proof"
    assert str(error.value).startswith("« Justificatif » : ")
    assert fragment in str(error.value)
    assert not EligibilityStatus.objects.exists()
    assert stored_proof_names() == []


def test_a_proof_of_exactly_five_megabytes_is_accepted(person):
    data = PDF + b"\x00" * (MAX_BYTES - len(PDF))
    assert services.ask_status(person, category_code="rsa", proof=upload(data)).proof


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"category_code": "inconnue"}, "category", "choisissez une des catégories proposées"),
        ({"proof": None}, "proof", "joignez un justificatif"),
        ({"bursary_holder": True}, "bursary_holder", "ne concerne que les collégien·nes"),
        ({"category_code": "collegien"}, "beneficiary", "pour un de vos enfants"),
    ],
)
def test_bad_requests_are_refused(person, changes, field, fragment):
    arguments = {"category_code": "rsa", "proof": upload(PDF), **changes}
    with pytest.raises(services.EligibilityError) as error:
        services.ask_status(person, **arguments)
    assert (error.value.field, fragment in str(error.value)) == (field, True)
    assert not EligibilityStatus.objects.exists()
    assert stored_proof_names() == []


def test_an_inactive_category_cannot_be_asked(person, categories):
    categories["independant"].active = False
    categories["independant"].save()
    with pytest.raises(services.EligibilityError, match="catégories proposées"):
        services.ask_status(person, category_code="independant", proof=upload(PDF))


def test_a_second_open_request_in_the_same_category_is_refused(person):
    services.ask_status(person, category_code="handicap", proof=upload(PDF))
    with pytest.raises(services.EligibilityError, match="déjà en cours"):
        services.ask_status(person, category_code="handicap", proof=upload(PNG))
    assert EligibilityStatus.objects.count() == 1
    assert len(stored_proof_names()) == 1


def test_a_status_held_beyond_its_renewal_window_is_not_asked_or_granted_again(
    person, prescriber, status_factory, child_of, today
):
    """A second verified status would only duplicate the first (and its bursary flag could
    differ); in its last NOTICE_DAYS it may be renewed."""
    held = status_factory("rsa", person=person, valid_until=today + timedelta(days=200))
    with pytest.raises(services.EligibilityError, match="déjà vérifié jusqu'au") as error:
        services.ask_status(person, category_code="rsa", proof=upload(PDF))
    assert error.value.field == "category"
    grant = {"category_code": "rsa", "valid_from": today, "valid_until": today + timedelta(days=90)}
    with pytest.raises(services.EligibilityError, match="renouvelé à partir du"):
        services.grant_status(prescriber, person_email=person.email, **grant)
    lucas = child_of(person, first_name="Lucas")
    status_factory("collegien", child=lucas, valid_until=today + timedelta(days=200))
    with pytest.raises(services.EligibilityError, match="déjà vérifié"):
        services.ask_status(person, category_code="collegien", proof=upload(PDF), child_id=lucas.pk)
    assert EligibilityStatus.objects.count() == 2 and stored_proof_names() == []
    # Within its last month, a renewal is asked.
    held.valid_until = today + timedelta(days=services.NOTICE_DAYS)
    held.save()
    services.ask_status(person, category_code="rsa", proof=upload(PDF))
    assert EligibilityStatus.objects.filter(state="requested").count() == 1


@pytest.mark.parametrize("account", ["unverified", "anonymous"])
def test_only_a_verified_account_asks(categories, account):
    actor = UserFactory() if account == "unverified" else AnonymousUser()
    with pytest.raises(services.NotAllowed):
        services.ask_status(actor, category_code="rsa", proof=upload(PDF))
    assert not EligibilityStatus.objects.exists()


def test_a_parent_asks_the_collegien_status_for_their_child(person, child_of):
    child = child_of(person)
    status = services.ask_status(
        person,
        category_code="collegien",
        proof=upload(PDF),
        child_id=child.pk,
        bursary_holder=True,
    )
    assert (status.person, status.child, status.bursary_holder) == (None, child, True)
    assert status.holder_user_id == person.pk


def test_nobody_asks_for_someone_else_s_child(person, child_of):
    child = child_of(VerifiedUserFactory())
    with pytest.raises(services.EligibilityError) as error:
        services.ask_status(person, category_code="collegien", proof=upload(PDF), child_id=child.pk)
    assert error.value.field == "beneficiary"
    assert not EligibilityStatus.objects.exists()


def test_an_adult_category_is_not_asked_for_a_child(person, child_of):
    with pytest.raises(services.EligibilityError, match="pour vous-même"):
        services.ask_status(
            person, category_code="rsa", proof=upload(PDF), child_id=child_of(person).pk
        )


# Child profiles


def test_a_verified_parent_adds_a_child(person, today):
    child = services.add_child(
        person,
        first_name=" Léa ",
        birth_year=today.year - 12,
        school="Collège Anatole France",
        consent=True,
    )
    assert (child.parent, child.first_name) == (person, "Léa")


def test_a_child_profile_needs_the_parents_consent(person, today):
    with pytest.raises(services.EligibilityError, match="Accord du parent") as error:
        services.add_child(
            person, first_name="Léa", birth_year=today.year - 12, school="Collège", consent=False
        )
    assert error.value.field == "consent"
    assert not ChildProfile.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"first_name": ""}, "first_name"),
        ({"first_name": "Léa\r\nBcc: x@exemple.test"}, "first_name"),
        ({"first_name": "www.exemple.fr"}, "first_name"),
        ({"school": "x" * 201}, "school"),
        ({"school": "Collège\x00"}, "school"),
        ({"birth_year": 1990}, "birth_year"),
        ({"birth_year": 2**31}, "birth_year"),
    ],
)
def test_a_bad_child_profile_is_refused(person, today, changes, field):
    data = {
        "first_name": "Léa",
        "birth_year": today.year - 12,
        "school": "Collège",
        "consent": True,
        **changes,
    }
    with pytest.raises(services.EligibilityError) as error:
        services.add_child(person, **data)
    assert error.value.field == field
    assert not ChildProfile.objects.exists()


def test_a_child_has_one_profile_per_parent_whatever_the_case(person, today):
    """A second profile of the same child would hold a second pass."""
    year = today.year - 12
    services.add_child(person, first_name="Zoé", birth_year=year, school="Collège", consent=True)
    with pytest.raises(services.EligibilityError, match="déjà un profil") as error:
        services.add_child(
            person, first_name="ZOÉ", birth_year=year, school="Autre collège", consent=True
        )
    assert error.value.field == "first_name"
    assert ChildProfile.objects.count() == 1
    services.add_child(
        person, first_name="Zoé", birth_year=year - 1, school="Collège", consent=True
    )
    assert ChildProfile.objects.count() == 2


def test_an_unverified_account_adds_no_child(categories, today):
    with pytest.raises(services.NotAllowed):
        services.add_child(
            UserFactory(),
            first_name="Léa",
            birth_year=today.year - 12,
            school="Collège",
            consent=True,
        )


# Deciding


@pytest.fixture
def request_of(person):
    return services.ask_status(person, category_code="rsa", proof=upload(PDF))


def test_verifying_sets_the_period_and_deletes_the_proof(
    verifier, request_of, today, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.verify_status(
            verifier,
            request_of.pk,
            valid_from=today,
            valid_until=today + timedelta(days=365),
        )
    status = EligibilityStatus.objects.get()
    assert (status.state, status.valid_from, status.decided_by) == (
        State.VERIFIED,
        today,
        verifier,
    )
    assert status.decided_at is not None and not status.proof
    assert stored_proof_names() == []


def test_refusing_keeps_the_reason_and_deletes_the_proof(
    verifier, request_of, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.refuse_status(verifier, request_of.pk, reason="Attestation de plus de 3 mois.")
    status = EligibilityStatus.objects.get()
    assert (status.state, status.refusal_reason, status.decided_by) == (
        State.REFUSED,
        "Attestation de plus de 3 mois.",
        verifier,
    )
    assert not status.proof and stored_proof_names() == []


def test_a_rolled_back_decision_keeps_the_proof(verifier, request_of, today):
    """The file goes when the decision commits: here the test's transaction never does."""
    services.verify_status(
        verifier, request_of.pk, valid_from=today, valid_until=today + timedelta(days=30)
    )
    assert len(stored_proof_names()) == 1


@pytest.mark.parametrize("who", ["resident", "departement_staff", "prescriber", "anonymous"])
@pytest.mark.parametrize("decision", ["verify", "refuse"])
def test_only_verifiers_decide(request, request_of, today, who, decision):
    actor = {
        "resident": lambda: VerifiedUserFactory(),
        "departement_staff": lambda: StaffFactory(),  # no verify_status permission
        "prescriber": lambda: request.getfixturevalue("prescriber"),
        "anonymous": AnonymousUser,
    }[who]()
    with pytest.raises(services.NotAllowed):
        if decision == "verify":
            services.verify_status(
                actor, request_of.pk, valid_from=today, valid_until=today + timedelta(days=9)
            )
        else:
            services.refuse_status(actor, request_of.pk, reason="Non.")
    assert EligibilityStatus.objects.get().state == State.REQUESTED


def test_nobody_decides_their_own_request(verifier, categories, today):
    own = services.ask_status(verifier, category_code="rsa", proof=upload(PDF))
    with pytest.raises(services.NotAllowed):
        services.verify_status(
            verifier, own.pk, valid_from=today, valid_until=today + timedelta(days=9)
        )


def test_a_decided_request_is_not_decided_again(verifier, request_of, today):
    services.refuse_status(verifier, request_of.pk, reason="Illisible.")
    with pytest.raises(services.EligibilityError, match="déjà été décidée"):
        services.verify_status(
            verifier, request_of.pk, valid_from=today, valid_until=today + timedelta(days=9)
        )


@pytest.mark.parametrize(
    ("start", "end", "field", "fragment"),
    [
        (0, -1, "valid_until", "ne peut pas précéder son début"),
        (-30, -1, "valid_until", "déjà passée"),
        (-400, 10, "valid_from", "ne peut pas précéder le"),
        (400, 500, "valid_from", "au plus tard le"),
        (0, 5 * 366 + 1, "valid_until", "au plus 5 ans"),
    ],
)
def test_bad_validity_periods_are_refused(verifier, request_of, today, start, end, field, fragment):
    with pytest.raises(services.EligibilityError) as error:
        services.verify_status(
            verifier,
            request_of.pk,
            valid_from=today + timedelta(days=start),
            valid_until=today + timedelta(days=end),
        )
    assert (error.value.field, fragment in str(error.value)) == (field, True)
    assert EligibilityStatus.objects.get().state == State.REQUESTED


@pytest.mark.parametrize(
    ("reason", "fragment"),
    [("   ", "indiquez le motif"), ("x" * 501, "500 caractères"), ("a\x07b", "contrôle")],
)
def test_a_refusal_needs_a_clean_reason(verifier, request_of, reason, fragment):
    with pytest.raises(services.EligibilityError, match=fragment) as error:
        services.refuse_status(verifier, request_of.pk, reason=reason)
    assert error.value.field == "reason"
    assert EligibilityStatus.objects.get().state == State.REQUESTED


def test_bursary_is_for_children_only(verifier, request_of, today):
    with pytest.raises(services.EligibilityError) as error:
        services.verify_status(
            verifier,
            request_of.pk,
            valid_from=today,
            valid_until=today + timedelta(days=9),
            bursary_holder=True,
        )
    assert error.value.field == "bursary_holder"


# Granting


def test_a_prescriber_grants_a_status_by_email(prescriber, person, today):
    status = services.grant_status(
        prescriber,
        person_email=" Camille@Exemple.test ",
        category_code="rsa",
        valid_from=today,
        valid_until=today + timedelta(days=90),
    )
    assert (status.person, status.state, status.proof_mode, status.granted_by) == (
        person,
        State.VERIFIED,
        ProofMode.PRESCRIBER,
        prescriber,
    )


def test_a_grant_decides_the_open_request_of_that_category(
    prescriber, request_of, person, today, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.grant_status(
            prescriber,
            person_email=person.email,
            category_code="rsa",
            valid_from=today,
            valid_until=today + timedelta(days=90),
        )
    status = EligibilityStatus.objects.get()
    assert (status.pk, status.state, status.granted_by) == (
        request_of.pk,
        State.VERIFIED,
        prescriber,
    )
    assert not status.proof and stored_proof_names() == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"person_email": "inconnu@exemple.test"}, "person_email"),
        ({"category_code": "collegien"}, "category"),
        ({"category_code": "nope"}, "category"),
    ],
)
def test_bad_grants_are_refused(prescriber, person, today, changes, field):
    arguments = {
        "person_email": person.email,
        "category_code": "rsa",
        "valid_from": today,
        "valid_until": today + timedelta(days=9),
        **changes,
    }
    with pytest.raises(services.EligibilityError) as error:
        services.grant_status(prescriber, **arguments)
    assert error.value.field == field
    assert not EligibilityStatus.objects.exists()


@pytest.mark.parametrize("who", ["verifier", "departement_staff", "self"])
def test_only_prescribers_grant_and_never_to_themselves(request, person, today, who):
    actor = {
        "verifier": lambda: request.getfixturevalue("verifier"),
        "departement_staff": lambda: StaffFactory(),
        "self": lambda: request.getfixturevalue("prescriber"),
    }[who]()
    email = actor.email if who == "self" else person.email
    with pytest.raises(services.NotAllowed):
        services.grant_status(
            actor,
            person_email=email,
            category_code="rsa",
            valid_from=today,
            valid_until=today + timedelta(days=9),
        )
    assert not EligibilityStatus.objects.exists()
