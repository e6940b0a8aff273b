"""The demo's programmes (fictional): a social rate for RSA beneficiaries and disabled people
(for the places' priced workshops too), a Pass+ credit for collégiens, and the Département
as the employer of teleworking agents, joined by some demo places, with the people who
benefit from them.

Idempotent and safe after any back-office change: each programme (found by its internal
name), envelope, membership, status and child profile is made only when missing; places join
a programme only when it has never had any place (a manager who left stays out). Amounts are
integer cents; days are Paris days.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import Group
from django.utils import timezone

from maillage.accounts.models import User
from maillage.booking.models import Channel
from maillage.eligibility import services as eligibility
from maillage.eligibility.models import Category, ChildProfile, EligibilityStatus, ProofMode, State
from maillage.eligibility.permissions import VERIFIERS_GROUP
from maillage.places.kinds import SpaceKind
from maillage.places.models import Place
from maillage.programmes import services
from maillage.programmes.models import (
    BenefitKind,
    Employer,
    Envelope,
    Membership,
    Period,
    Programme,
    ProgrammePlace,
)
from maillage.programmes.periods import PARIS

FUNDER = "Département des Hauts-de-Seine (exemple fictif)"
EMPLOYER = "Département des Hauts-de-Seine — agents (exemple fictif)"
# Places (of the demo managers) joining each programme when it is first made.
JOINING_PLACES = 6


@dataclass(frozen=True)
class DemoProgramme:
    """A programme of the demo: its fields, categories and budget (cents)."""

    name: str
    fields: dict[str, object]
    categories: tuple[str, ...]
    budget_cents: int


def last_month(today: date) -> date:
    """The first day of the month before the one holding `today`."""
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def _school_year(today: date) -> tuple[date, date]:
    """From the school year holding `today` to the end of the next one (1 Sept – 31 Aug);
    from last month at the latest, whose bookings the demo's statements state."""
    first = date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    return min(first, last_month(today)), date(first.year + 2, 8, 31)


def demo_programmes(today: date, employer: Employer) -> list[DemoProgramme]:
    valid_from, valid_until = _school_year(today)
    dates = {"valid_from": valid_from, "valid_until": valid_until, "funder": FUNDER}
    return [
        DemoProgramme(
            "Tarif solidaire RSA et handicap (démo)",
            {
                **dates,
                "public_label": "Tarif solidaire",
                "kind": BenefitKind.PERCENT,
                "person_basis_points": 2500,  # the person pays 25 %
                "priority": 10,
                "cap_days_per_month": 12,
                "space_kinds": [SpaceKind.DESK, SpaceKind.PRIVATE_OFFICE, SpaceKind.MEETING_ROOM],
                "covers_events": True,  # a reduced price for the places' priced workshops
            },
            ("rsa", "handicap"),
            5_000_00,
        ),
        DemoProgramme(
            "Pass+ tiers-lieux collégiens (démo)",
            {
                **dates,
                "public_label": "Pass+ tiers-lieux",
                "kind": BenefitKind.CREDIT,
                "credit_cents": 80_00,
                "credit_bursary_cents": 100_00,
                "credit_period": Period.SCHOOL_YEAR,
                "priority": 5,
                "space_kinds": [SpaceKind.DESK, SpaceKind.MEETING_ROOM, SpaceKind.WORKSHOP],
            },
            ("collegien",),
            20_000_00,
        ),
        DemoProgramme(
            "Télétravail des agents du Département (démo)",
            {
                **dates,
                "public_label": "Télétravail Département",
                "kind": BenefitKind.QUOTA,
                "employer": employer,
                # Civil service: at most 3 telework days a week (décret 2016-151).
                "quota_days": 3,
                "quota_period": Period.WEEK,
                "priority": 20,
                "space_kinds": [SpaceKind.DESK, SpaceKind.PRIVATE_OFFICE],  # to work, not to meet
            },
            (),
            10_000_00,
        ),
    ]


def _programme(staff: User, spec: DemoProgramme, places: list[Place]) -> Programme:
    """The programme named `spec.name`, made, funded and joined by `places` when missing."""
    programme = Programme.objects.filter(name=spec.name).first()
    if programme is None:
        programme = Programme(name=spec.name, **spec.fields)
        programme.full_clean()
        programme.save()
        programme.categories.set(Category.objects.filter(code__in=spec.categories))
    envelope, created = Envelope.objects.get_or_create(
        programme=programme,
        defaults={"warn_below_cents": spec.budget_cents // 10, "warn_email": staff.email},
    )
    if created:
        services.change_envelope(staff, programme, spec.budget_cents, channel=Channel.COMMAND)
    if not ProgrammePlace.objects.filter(programme=programme).exists():
        for place in places:
            manager = place.managers.order_by("pk").first() or staff
            services.join(manager, programme, place)
        # The fiction: the places joined when the programme began, so that last month's
        # bookings (demo.statements) were funded.
        began = datetime.combine(programme.valid_from, time(0), tzinfo=PARIS)
        ProgrammePlace.objects.filter(programme=programme).update(joined_at=began)
    return programme


def _verified(
    staff: User,
    category: str,
    today: date,
    *,
    person: User | None = None,
    child: ChildProfile | None = None,
    bursary: bool = False,
) -> None:
    """A verified status in `category` of `person` or `child` (granted by the demo
    prescriber: staff), valid a year, unless they hold one in that category already
    (whatever its state: a refusal or a change by staff stays)."""
    holder = {"person": person, "child": child}
    found = Category.objects.filter(code=category).first()
    if found is None or EligibilityStatus.objects.filter(category=found, **holder).exists():
        return  # a category staff removed opens nothing
    now = timezone.now()
    EligibilityStatus.objects.create(
        **holder,
        category=found,
        state=State.VERIFIED,
        proof_mode=ProofMode.PRESCRIBER,
        valid_from=min(today - timedelta(days=30), last_month(today)),
        valid_until=today + timedelta(days=365),
        requested_at=now,
        decided_at=now,
        decided_by=staff,
        granted_by=staff,
        bursary_holder=bursary,
    )


def load_programmes(
    staff: User,
    *,
    social: User,
    parent: User,
    agent: User,
    managed: list[Place],
    today: date,
) -> list[Programme]:
    """The demo's three programmes, joined by the first of the demo managers' open places
    (`managed`); `social` holds a verified RSA status, `parent` a child profile with a
    collégien status (bursary holder: 100 € of pass), `agent` is invited by the Département
    as employer. Returns the programmes."""
    employer = Employer.objects.filter(name=EMPLOYER).first() or Employer.objects.create(
        name=EMPLOYER
    )
    Membership.objects.get_or_create(employer=employer, email=agent.email)
    places = managed[:JOINING_PLACES]
    programmes = [_programme(staff, spec, places) for spec in demo_programmes(today, employer)]
    _verified(staff, "rsa", today, person=social)
    child = ChildProfile.objects.filter(parent=parent).order_by("pk").first()
    if child is None:
        child = eligibility.add_child(
            parent,
            first_name="Lucas",
            birth_year=today.year - 12,
            school="Collège des Tilleuls",
            consent=True,  # the demo parent's, as the form asks it
        )
    _verified(staff, "collegien", today, child=child, bursary=True)
    # Someone decides the statuses people ask for: the demo's staff, unless staff have chosen
    # the group's members themselves.
    verifiers = Group.objects.filter(name=VERIFIERS_GROUP).first()
    if verifiers is not None and not verifiers.user_set.exists():
        verifiers.user_set.add(staff)
    return programmes
