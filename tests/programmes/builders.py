"""Programmes, statuses and members for the programmes' tests (plain functions)."""

from datetime import date

from django.utils import timezone

from maillage.accounts.models import User
from maillage.booking.models import Channel
from maillage.eligibility.models import Category, EligibilityStatus
from maillage.places.models import Place
from maillage.programmes import services
from maillage.programmes.models import Employer, Envelope, Membership, Programme, ProgrammePlace
from tests.factories import StaffFactory

VALID = (date(2026, 1, 1), date(2027, 12, 31))


def category(code: str) -> Category:
    """A category by code (created when a transactional test flushed the seeded ones)."""
    found, _ = Category.objects.get_or_create(code=code, defaults={"label": code.title()})
    return found


def staff() -> User:
    found = User.objects.filter(email="finances@exemple.test").first()
    return found or StaffFactory(email="finances@exemple.test")


def programme(
    places: list[Place] | Place,
    *,
    budget_cents: int = 100_000,
    categories: tuple[str, ...] = ("rsa",),
    **fields,
) -> Programme:
    """A programme valid in 2026–2027 joined by `places`, with an envelope of `budget_cents`:
    by default a social rate for RSA beneficiaries where the person pays 25 %."""
    values = {
        "name": f"Dispositif {Programme.objects.count() + 1}",
        "public_label": "Tarif solidaire",
        "funder": "Département des Hauts-de-Seine",
        "kind": "percent",
        "person_basis_points": 2500 if fields.get("kind", "percent") == "percent" else None,
        "valid_from": VALID[0],
        "valid_until": VALID[1],
        **fields,
    }
    made = Programme(**values)
    made.full_clean()
    made.save()
    if values["kind"] != "quota":
        made.categories.set([category(code) for code in categories])
    Envelope.objects.create(programme=made, warn_below_cents=0)
    if budget_cents:
        services.change_envelope(staff(), made, budget_cents, channel=Channel.BACK_OFFICE)
    for place in places if isinstance(places, list) else [places]:
        ProgrammePlace.objects.create(
            programme=made, place=place, joined_at=timezone.now(), joined_by=staff()
        )
    return made


def a_pass(
    places: list[Place] | Place, cents: int = 8000, *, bursary_cents: int | None = None, **fields
) -> Programme:
    """A pass (the Pass+ kind): a credit of `cents` per beneficiary and school year
    (`bursary_cents` for bursary holders), for collégiens, «Pass+ tiers-lieux»; `fields`
    change any of it (programme())."""
    values = {
        "kind": "credit",
        "credit_cents": cents,
        "credit_bursary_cents": bursary_cents,
        "credit_period": "school_year",
        "categories": ("collegien",),
        "public_label": "Pass+ tiers-lieux",
        **fields,
    }
    return programme(places, **values)


def verified(person: User, code: str, *, bursary: bool = False, child=None) -> EligibilityStatus:
    """A verified status of `person` (or of their child profile), valid in 2026–2027."""
    return EligibilityStatus.objects.create(
        person=None if child else person,
        child=child,
        category=category(code),
        state="verified",
        valid_from=VALID[0],
        valid_until=VALID[1],
        bursary_holder=bursary,
        proof_mode="prescriber",
        decided_at=timezone.now(),
    )


def employer_quota(places: list[Place] | Place, members: list[User], **fields) -> Programme:
    """The Département as employer: `members` invited, a quota of 2 days a week."""
    employer = Employer.objects.create(name="Département des Hauts-de-Seine")
    for member in members:
        Membership.objects.create(employer=employer, email=member.email)
    values = {"kind": "quota", "employer": employer, "quota_days": 2, "quota_period": "week"}
    return programme(places, categories=(), **{**values, **fields})
