"""The offices' rules in the model (French messages naming the field) and in the database
(CHECK constraints: a value past the model, written by an UPDATE, is refused on SQLite as on
PostgreSQL)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from maillage.offices.models import OfficeOffer, OfficeRequest, OfficeRequestPlace
from tests.factories import OfficeOfferFactory
from tests.fixtures.offices import request_fields

pytestmark = pytest.mark.django_db


def refused(offer: OfficeOffer, field: str) -> list[str]:
    with pytest.raises(ValidationError) as error:
        offer.full_clean()
    return error.value.message_dict[field]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("monthly_price_cents", -100, "Le prix mensuel doit être entre 0 et 100\u202f000\u00a0€."),
        (
            "monthly_price_cents",
            100_000_01,
            "Le prix mensuel doit être entre 0 et 100\u202f000\u00a0€.",
        ),
        ("surface_m2", -5, "La surface doit être entre 1 et 10\u202f000\u00a0m²."),
        ("surface_m2", 0, "La surface doit être entre 1 et 10\u202f000\u00a0m²."),
        ("workstations", 0, "Le nombre de postes de travail doit être entre 1 et 500."),
        ("min_commitment_months", 0, "L'engagement minimal doit être entre 1 et 120\u00a0mois."),
        ("title", "Bureau\r\nBcc: x@exemple.test", "L'intitulé ne peut pas contenir"),
    ],
)
def test_an_offer_out_of_bounds_is_refused_naming_the_field(place, field, value, message):
    offer = OfficeOffer(
        place=place,
        title="Bureau",
        kind="private_office",
        surface_m2=10,
        workstations=1,
        monthly_price_cents=0,
        available_from=timezone.localdate(),
    )
    setattr(offer, field, value)
    assert any(message in found for found in refused(offer, field))


def test_the_kind_says_which_sizes_an_offer_has(place):
    offer = OfficeOffer(
        place=place,
        title="Bureau",
        kind="private_office",
        monthly_price_cents=0,
        available_from=timezone.localdate(),
    )
    assert refused(offer, "surface_m2") == [
        "Indiquez la surface (en m²) d'un bureau privatif, d'un plateau ou d'un atelier."
    ]
    assert refused(offer, "workstations") == [
        "Indiquez le nombre de postes de travail (au moins 1)."
    ]
    offer.kind, offer.surface_m2, offer.workstations = "domiciliation", 10, 1
    assert refused(offer, "surface_m2") == [
        "Une domiciliation n'a pas de surface : laissez la surface vide."
    ]
    offer.surface_m2 = offer.workstations = None
    offer.full_clean()
    offer.kind, offer.workstations = "dedicated_desk", 1
    offer.full_clean()  # a desk's surface is optional


@pytest.mark.parametrize(
    "changes",
    [
        {"monthly_price_cents": 100_000_01},
        {"surface_m2": 0},
        {"surface_m2": 10_001},
        {"workstations": 0},
        {"workstations": 501},
        {"workstations": None},
        {"kind": "domiciliation"},  # with a surface and workstations
        {"min_commitment_months": 0},
        {"kind": "penthouse"},
        {"status": "archived"},
        {"title": "Bureau\nBcc"},
    ],
)
def test_the_database_refuses_an_offer_past_its_bounds(place, changes):
    offer = OfficeOfferFactory(place=place)
    with pytest.raises(IntegrityError), transaction.atomic():
        OfficeOffer.objects.filter(pk=offer.pk).update(**changes)


def test_the_database_refuses_a_negative_price(place):
    offer = OfficeOfferFactory(place=place)
    # An unsigned column on both databases: a CHECK on SQLite, the column's own on PostgreSQL.
    with pytest.raises(IntegrityError), transaction.atomic():
        OfficeOffer.objects.filter(pk=offer.pk).update(monthly_price_cents=-1)


@pytest.mark.parametrize(
    "changes",
    [
        {"workstations": 0},
        {"workstations": 501},
        {"budget_cents": 100_000_01},
        {"company_name": ""},
        {"email": ""},
        {"contact_name": "Claire\nFontaine"},
        # Anonymised, but personal data left, or never confirmed.
        {"anonymised_at": timezone.now()},
        {"anonymised_at": timezone.now(), "company_name": "", "contact_name": "", "email": ""},
    ],
)
def test_the_database_refuses_a_request_past_its_rules(changes):
    sent = OfficeRequest.objects.create(**request_fields())
    with pytest.raises(IntegrityError), transaction.atomic():
        OfficeRequest.objects.filter(pk=sent.pk).update(**changes)


def test_an_erased_request_keeps_only_its_figures():
    sent = OfficeRequest.objects.create(**request_fields(), confirmed_at=timezone.now())
    erased = dict.fromkeys(("company_name", "siren", "contact_name", "email", "phone"), "")
    OfficeRequest.objects.filter(pk=sent.pk).update(
        **erased, message="", anonymised_at=timezone.now()
    )
    assert str(OfficeRequest.objects.get(pk=sent.pk)) == f"Demande n° {sent.pk} (anonymisée)"


def test_a_place_receives_a_request_once_and_its_answer_is_dated(place):
    sent = OfficeRequest.objects.create(**request_fields(), confirmed_at=timezone.now())
    row = OfficeRequestPlace.objects.create(request=sent, place=place)
    with pytest.raises(IntegrityError), transaction.atomic():
        OfficeRequestPlace.objects.create(request=sent, place=place)
    with pytest.raises(IntegrityError), transaction.atomic():
        OfficeRequestPlace.objects.filter(pk=row.pk).update(status="answered")
    with pytest.raises(IntegrityError), transaction.atomic():
        OfficeRequestPlace.objects.filter(pk=row.pk).update(decided_at=timezone.now())


@pytest.mark.parametrize(
    ("siren", "message"),
    [
        ("73282932", "Le SIREN doit comporter 9 chiffres."),
        ("73282932A", "Le SIREN ne doit contenir que des chiffres."),
        ("732829321", "Ce SIREN n'est pas valide (la clé de contrôle ne correspond pas)."),
    ],
)
def test_a_siren_is_checked_with_its_key(siren, message):
    sent = OfficeRequest(**request_fields(siren=siren))
    with pytest.raises(ValidationError) as error:
        sent.full_clean()
    assert error.value.message_dict["siren"] == [message]


def test_a_siren_is_kept_without_its_spaces():
    sent = OfficeRequest(**request_fields(siren="732 829 320"))
    sent.full_clean()
    assert sent.siren == "732829320"
