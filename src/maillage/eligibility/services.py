"""Eligibility use cases. Each takes the acting user, checks their rights, runs in one
transaction and raises EligibilityError (French message naming the field and the rule) with
nothing written. Dates are Paris calendar days; `now` an aware instant (default: the clock).

- a person asks for a status with a proof (`ask_status`), for themselves or their child
  (`add_child` first), and may withdraw it until it is decided (`withdraw_request`);
- staff with verify_status decide: `verify_status` (validity period) or `refuse_status`
  (reason); the proof file is deleted from storage and the field emptied in the same call
  (the deletion runs when the decision commits, so a rolled-back decision keeps its proof);
- a prescriber (grant_status) grants a status directly to a person by their account's email
  (`grant_status`): the Département's social workers know the people they follow by email,
  and the platform keeps no caseload of its own; an open request of that person in that
  category is decided by the grant;
- `record_accesses`: each view of statuses by staff, logged for the person to see (the
  decisions log themselves);
- the scheduled sweeps: `queue_expiry_notices`, `purge_expired`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from maillage.accounts.models import User
from maillage.core import outbox
from maillage.core.dates import long_date, years_later
from maillage.core.text import NOT_MULTI_LINE, NOT_ONE_LINE, looks_like_link
from maillage.eligibility import notices, permissions, proofs
from maillage.eligibility.models import (
    BIRTH_YEAR_MAX,
    CHILD_NAME_MAX,
    REFUSAL_REASON_MAX,
    SCHOOL_MAX,
    AccessAction,
    Category,
    ChildProfile,
    EligibilityStatus,
    ProofMode,
    State,
    StatusAccess,
    stored_proofs,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

# A validity period starts at most a year back and lasts at most this long.
MAX_VALIDITY_YEARS = 5
# A collégien·ne's age in the calendar year (a child profile's birth year is checked on it).
CHILD_MIN_AGE, CHILD_MAX_AGE = 9, 17
# People are told this many days before a verified status ends.
NOTICE_DAYS = 30


class EligibilityError(Exception):
    """A refusal shown to the person: `field` names the form field it is about (None: the
    whole request), str() is the French message."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class NotAllowed(EligibilityError):
    """The acting user lacks the right (or the object is not theirs)."""


@dataclass(frozen=True)
class UploadedProof:
    """A proof as received: its content (a binary file, read from its start) and its size in
    bytes as counted on reception."""

    content: IO[bytes]
    size: int


def _held_until(
    category: Category,
    today: date,
    *,
    person: User | None = None,
    child: ChildProfile | None = None,
) -> date | None:
    """The end of the verified status in `category` that `person` (or `child`) holds past
    the renewal window (NOTICE_DAYS from `today`), None when none: a second one would only
    duplicate it; within the window a renewal may be asked (or granted)."""
    holder = Q(child=child) if child is not None else Q(person=person)
    held = (
        EligibilityStatus.objects.filter(
            holder,
            category=category,
            state=State.VERIFIED,
            valid_from__lte=today,
            valid_until__gt=today + timedelta(days=NOTICE_DAYS),
        )
        .order_by("-valid_until")
        .values_list("valid_until", flat=True)
        .first()
    )
    return held


def _already_held(until: date) -> str:
    """Why a status already held is not asked (or granted) again, in French."""
    renewal = until - timedelta(days=NOTICE_DAYS)
    return (
        f"« Catégorie » : ce statut est déjà vérifié jusqu'au {long_date(until)} ; il pourra "
        f"être renouvelé à partir du {long_date(renewal)}."
    )


def _today(now: datetime) -> date:
    return timezone.localdate(now)


def _active_category(code: str) -> Category:
    category = Category.objects.filter(code=code, active=True).first()
    if category is None:
        raise EligibilityError(
            "« Catégorie » : choisissez une des catégories proposées.", "category"
        )
    return category


def _require_verified_account(actor: User | AnonymousUser) -> User:
    if not isinstance(actor, User) or not actor.can_book:
        raise NotAllowed(
            "Vérifiez d'abord votre adresse électronique : les droits se demandent depuis un "
            "compte vérifié."
        )
    return actor


def check_validity(valid_from: date, valid_until: date, today: date) -> None:
    """EligibilityError naming the field unless `valid_from` ≤ `valid_until`, `valid_from`
    within a year of `today` either way, `valid_until` today or later and at most
    MAX_VALIDITY_YEARS after `valid_from` (Paris days)."""
    earliest = years_later(today, -1)
    if valid_from < earliest:
        raise EligibilityError(
            f"« Valable du » : le début de validité ne peut pas précéder le {long_date(earliest)}.",
            "valid_from",
        )
    starts_by = years_later(today, 1)
    if valid_from > starts_by:
        raise EligibilityError(
            f"« Valable du » : le début de validité est au plus tard le {long_date(starts_by)}.",
            "valid_from",
        )
    if valid_until < valid_from:
        raise EligibilityError(
            "« Valable jusqu'au » : la fin de validité ne peut pas précéder son début.",
            "valid_until",
        )
    if valid_until < today:
        raise EligibilityError(
            "« Valable jusqu'au » : la fin de validité est déjà passée.", "valid_until"
        )
    latest = years_later(valid_from, MAX_VALIDITY_YEARS)
    if valid_until > latest:
        raise EligibilityError(
            f"« Valable jusqu'au » : une validité dure au plus {MAX_VALIDITY_YEARS} ans "
            f"(jusqu'au {long_date(latest)}).",
            "valid_until",
        )


def _delete_proof_on_commit(status: EligibilityStatus) -> None:
    """Empty the proof field (saved by the caller) and delete its file once the decision
    commits."""
    name = status.proof.name
    status.proof = ""
    if name:
        transaction.on_commit(lambda: stored_proofs().delete(name), robust=True)


CHILD_CONSENT_REQUIRED = (
    "« Accord du parent » : cochez la case pour créer le profil (seul un parent ou un "
    "représentant légal peut le faire)."
)


def add_child(
    actor: User | AnonymousUser,
    *,
    first_name: str,
    birth_year: int,
    school: str,
    consent: bool,
    now: datetime | None = None,
) -> ChildProfile:
    """A child profile held by `actor` (a verified account) who, as the child's parent or
    legal guardian, consents (`consent`) to Maillage keeping the profile for the child's
    rights: its `created_at` is that consent's time. The child is CHILD_MIN_AGE to
    CHILD_MAX_AGE years old in the current (Paris) year; names are one line, no link."""
    parent = _require_verified_account(actor)
    if not consent:
        raise EligibilityError(CHILD_CONSENT_REQUIRED, "consent")
    now = now or timezone.now()
    first_name, school = first_name.strip(), school.strip()
    if not first_name or len(first_name) > CHILD_NAME_MAX:
        raise EligibilityError(f"« Prénom » : de 1 à {CHILD_NAME_MAX} caractères.", "first_name")
    if NOT_ONE_LINE.search(first_name) or looks_like_link(first_name):
        raise EligibilityError(
            "« Prénom » : une ligne, sans caractère de contrôle ni lien.", "first_name"
        )
    if not school or len(school) > SCHOOL_MAX or NOT_ONE_LINE.search(school):
        raise EligibilityError(
            f"« Établissement » : une ligne de 1 à {SCHOOL_MAX} caractères.", "school"
        )
    year = _today(now).year
    low, high = year - CHILD_MAX_AGE, min(year - CHILD_MIN_AGE, BIRTH_YEAR_MAX)
    if not low <= birth_year <= high:
        raise EligibilityError(
            f"« Année de naissance » : entre {low} et {high} (un·e collégien·ne a de "
            f"{CHILD_MIN_AGE} à {CHILD_MAX_AGE} ans).",
            "birth_year",
        )
    try:
        with transaction.atomic():
            return ChildProfile.objects.create(
                parent=parent,
                first_name=first_name,
                birth_year=birth_year,
                school=school,
                created_at=now,
            )
    except IntegrityError as error:  # eligibility_child_once_per_parent
        raise EligibilityError(
            f"« Prénom » : vous avez déjà un profil pour {first_name}, né·e en {birth_year}.",
            "first_name",
        ) from error


def ask_status(
    actor: User | AnonymousUser,
    *,
    category_code: str,
    proof: UploadedProof | None,
    child_id: int | None = None,
    bursary_holder: bool = False,
    now: datetime | None = None,
) -> EligibilityStatus:
    """A request (state «requested», proof mode «upload») by `actor` (a verified account)
    for themselves, or for their child profile `child_id` when the category is for
    children. The proof (PDF, JPEG or PNG by content, ≤ 5 MB) is required when the category
    needs one; it is stored under a random name. `bursary_holder` only for a child's
    category. One open request per holder and category."""
    person = _require_verified_account(actor)
    now = now or timezone.now()
    category = _active_category(category_code)
    child = None
    if category.for_children:
        child = (
            ChildProfile.objects.filter(pk=child_id, parent=person).first()
            if child_id is not None
            else None
        )
        if child is None:
            raise EligibilityError(
                "« Pour qui » : cette catégorie se demande pour un de vos enfants ; ajoutez "
                "d'abord son profil.",
                "beneficiary",
            )
    elif child_id is not None:
        raise EligibilityError(
            "« Pour qui » : cette catégorie se demande pour vous-même, pas pour un enfant.",
            "beneficiary",
        )
    elif bursary_holder:
        raise EligibilityError(
            "« Boursier·e » : ne concerne que les collégien·nes.", "bursary_holder"
        )
    held = _held_until(category, _today(now), person=person, child=child)
    if held is not None:
        raise EligibilityError(_already_held(held), "category")
    kind = None
    if proof is not None:
        try:
            kind = proofs.check(proof.content, proof.size)
        except proofs.ProofRefused as error:
            raise EligibilityError(str(error), "proof") from error
    elif category.needs_proof:
        raise EligibilityError(
            "« Justificatif » : joignez un justificatif (PDF, JPEG ou PNG, 5 Mo au plus).",
            "proof",
        )
    status = EligibilityStatus(
        person=None if child else person,
        child=child,
        category=category,
        state=State.REQUESTED,
        bursary_holder=bursary_holder,
        proof_mode=ProofMode.UPLOAD,
        requested_at=now,
    )
    if proof is not None and kind is not None:
        extension = proofs.KINDS[kind][1]
        status.proof.save(f"{uuid.uuid4().hex}.{extension}", File(proof.content), save=False)
    try:
        with transaction.atomic():
            status.save()
    except IntegrityError as error:  # the database's one open request per holder and category
        if status.proof.name:
            stored_proofs().delete(status.proof.name)
        raise EligibilityError(
            "« Catégorie » : une demande est déjà en cours pour cette catégorie.", "category"
        ) from error
    return status


def withdraw_request(
    actor: User | AnonymousUser, status_id: int, now: datetime | None = None
) -> None:
    """The person (or the parent, for a child) withdraws their open request `status_id`: the
    request and its proof are deleted (the file when this commits). Someone else's request,
    or one already decided, is refused as unknown."""
    if not isinstance(actor, User) or not actor.is_active:
        raise NotAllowed("Connectez-vous pour retirer une demande.")
    with transaction.atomic():
        status = (
            EligibilityStatus.objects.select_for_update(of=("self",))
            .filter(Q(person=actor) | Q(child__parent=actor), pk=status_id, state=State.REQUESTED)
            .first()
        )
        if status is None:
            raise EligibilityError("Cette demande n'existe pas ou a déjà été décidée.")
        _delete_proof_on_commit(status)
        status.delete()


def _locked_request(status_id: int) -> EligibilityStatus:
    status = (
        EligibilityStatus.objects.select_for_update(of=("self",))
        .select_related("child")
        .filter(pk=status_id)
        .first()
    )
    if status is None:
        raise EligibilityError("Ce statut n'existe pas (ou plus).")
    if status.state != State.REQUESTED:
        raise EligibilityError("Cette demande a déjà été décidée.")
    return status


def _not_own(actor: User, status: EligibilityStatus) -> None:
    if status.holder_user_id == actor.pk:
        raise NotAllowed("Vous ne pouvez pas décider d'un statut qui vous concerne.")


def verify_status(
    actor: User | AnonymousUser,
    status_id: int,
    *,
    valid_from: date,
    valid_until: date,
    bursary_holder: bool | None = None,
    now: datetime | None = None,
) -> EligibilityStatus:
    """Staff with verify_status verify the open request `status_id` for [valid_from,
    valid_until] (Paris days, both included; see check_validity); `bursary_holder` corrects
    the declared one (children's categories only). The proof is deleted."""
    if not permissions.can_verify(actor):
        raise NotAllowed("Vous n'avez pas le droit de décider des statuts.")
    assert isinstance(actor, User)
    now = now or timezone.now()
    check_validity(valid_from, valid_until, _today(now))
    with transaction.atomic():
        status = _locked_request(status_id)
        _not_own(actor, status)
        if bursary_holder is not None:
            if bursary_holder and status.child_id is None:
                raise EligibilityError(
                    "« Boursier·e » : ne concerne que les collégien·nes.", "bursary_holder"
                )
            status.bursary_holder = bursary_holder
        status.state = State.VERIFIED
        status.valid_from, status.valid_until = valid_from, valid_until
        status.decided_at, status.decided_by = now, actor
        _delete_proof_on_commit(status)
        status.save()
        record_accesses(actor, [status], AccessAction.VERIFIED, now)
    return status


def refuse_status(
    actor: User | AnonymousUser, status_id: int, *, reason: str, now: datetime | None = None
) -> EligibilityStatus:
    """Staff with verify_status refuse the open request `status_id` with `reason` (1 to
    REFUSAL_REASON_MAX characters, line breaks allowed), shown to the person. The proof is
    deleted."""
    if not permissions.can_verify(actor):
        raise NotAllowed("Vous n'avez pas le droit de décider des statuts.")
    assert isinstance(actor, User)
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise EligibilityError("« Motif du refus » : indiquez le motif du refus.", "reason")
    if len(reason) > REFUSAL_REASON_MAX:
        raise EligibilityError(
            f"« Motif du refus » : {REFUSAL_REASON_MAX} caractères au plus.", "reason"
        )
    if NOT_MULTI_LINE.search(reason):
        raise EligibilityError(
            "« Motif du refus » : pas de caractère de contrôle (seuls les retours à la "
            "ligne sont admis).",
            "reason",
        )
    with transaction.atomic():
        status = _locked_request(status_id)
        _not_own(actor, status)
        status.state = State.REFUSED
        status.refusal_reason = reason
        status.decided_at, status.decided_by = now, actor
        _delete_proof_on_commit(status)
        status.save()
        record_accesses(actor, [status], AccessAction.REFUSED, now)
    return status


def grant_status(
    actor: User | AnonymousUser,
    *,
    person_email: str,
    category_code: str,
    valid_from: date,
    valid_until: date,
    now: datetime | None = None,
) -> EligibilityStatus:
    """A prescriber (grant_status) grants a verified status (proof mode «prescriber») in an
    active category for adults to the active account of `person_email`, for [valid_from,
    valid_until]. An open request of that person in that category is decided by the grant
    (its proof deleted) rather than left beside it."""
    if not permissions.can_grant(actor):
        raise NotAllowed("Vous n'avez pas le droit d'accorder des statuts.")
    assert isinstance(actor, User)
    now = now or timezone.now()
    category = _active_category(category_code)
    if category.for_children:
        raise EligibilityError(
            "« Catégorie » : un statut d'enfant se demande par son parent.", "category"
        )
    email = person_email.strip().lower()
    person = User.objects.filter(email=email, is_active=True).first() if email else None
    if person is None:
        raise EligibilityError(
            "« Adresse électronique » : aucun compte actif n'a cette adresse.", "person_email"
        )
    if person.pk == actor.pk:
        raise NotAllowed("Vous ne pouvez pas vous accorder un statut.")
    check_validity(valid_from, valid_until, _today(now))
    held = _held_until(category, _today(now), person=person)
    if held is not None:
        raise EligibilityError(_already_held(held), "category")
    with transaction.atomic():
        status = (
            EligibilityStatus.objects.select_for_update(of=("self",))
            .filter(person=person, category=category, state=State.REQUESTED)
            .first()
        ) or EligibilityStatus(person=person, category=category, requested_at=now)
        status.state = State.VERIFIED
        status.proof_mode = ProofMode.PRESCRIBER
        status.valid_from, status.valid_until = valid_from, valid_until
        status.decided_at, status.decided_by, status.granted_by = now, actor, actor
        _delete_proof_on_commit(status)
        status.save()
        record_accesses(actor, [status], AccessAction.GRANTED, now)
    return status


def record_accesses(
    viewer: User,
    statuses: Iterable[EligibilityStatus],
    action: AccessAction,
    now: datetime | None = None,
) -> None:
    """One StatusAccess row per status `viewer` (staff) saw or decided (`action`), for one
    real event: a page shown, not each form sent back to it with an error. The statuses come
    with their `child` loaded when they are a child's."""
    now = now or timezone.now()
    StatusAccess.objects.bulk_create(
        StatusAccess(
            viewer=viewer, person_id=status.holder_user_id, status=status, action=action, at=now
        )
        for status in statuses
    )


def queue_expiry_notices(now: datetime | None = None) -> int:
    """Queue one email per verified status ending within NOTICE_DAYS (Paris days) and not
    already renewed (a later verified status in its category), to the person or the child's
    parent unless they turned these notices off (User.notify_status_expiry), each status
    once (marked in the same transaction); how many were queued. The email names no
    category (it may be read over a shoulder)."""
    now = now or timezone.now()
    today = _today(now)
    renewed = EligibilityStatus.objects.filter(
        Q(person_id=OuterRef("person_id"), person__isnull=False)
        | Q(child_id=OuterRef("child_id"), child__isnull=False),
        category_id=OuterRef("category_id"),
        state=State.VERIFIED,
        valid_until__gt=OuterRef("valid_until"),
    )
    due = (
        EligibilityStatus.objects.filter(
            state=State.VERIFIED,
            expiry_notice_at__isnull=True,
            valid_until__gte=today,
            valid_until__lte=today + timedelta(days=NOTICE_DAYS),
        )
        .exclude(Exists(renewed))
        .select_related("person", "child__parent")
    )
    queued = 0
    for status in due:
        holder = status.person or (status.child.parent if status.child else None)
        if holder is None or not holder.is_active or not holder.notify_status_expiry:
            continue
        with transaction.atomic():
            claimed = EligibilityStatus.objects.filter(
                pk=status.pk, expiry_notice_at__isnull=True
            ).update(expiry_notice_at=now)
            if claimed:
                outbox.queue(
                    notices.EXPIRY_TOPIC,
                    holder.email,
                    user=holder,
                    context={"status_id": status.pk},
                    now=now,
                )
                queued += 1
    return queued


def purge_expired(now: datetime | None = None) -> int:
    """Delete the statuses ended (verified, valid_until) or refused (decided_at) longer than
    MAILLAGE_STATUS_RETENTION_DAYS ago, and the access log rows older than that; how many
    statuses. Past bookings keep only the programme and rule that applied (programmes)."""
    now = now or timezone.now()
    days = settings.MAILLAGE_STATUS_RETENTION_DAYS
    limit_day = _today(now) - timedelta(days=days)
    with transaction.atomic():
        old = EligibilityStatus.objects.filter(
            Q(state=State.VERIFIED, valid_until__lt=limit_day)
            | Q(state=State.REFUSED, decided_at__lt=now - timedelta(days=days))
        )
        _, deleted = old.delete()
        StatusAccess.objects.filter(at__lt=now - timedelta(days=days)).delete()
    return deleted.get(EligibilityStatus._meta.label, 0)


ORPHAN_PROOF_AGE = timedelta(days=1)


def sweep_orphan_proofs(now: datetime | None = None) -> int:
    """Delete the stored proofs no status names any more, older than ORPHAN_PROOF_AGE: those
    of requests deleted with their account, or written by a request whose transaction then
    rolled back; how many. A proof never outlives what it proved."""
    now = now or timezone.now()
    storage = stored_proofs()
    if not storage.exists("proofs"):
        return 0
    named = set(EligibilityStatus.objects.exclude(proof="").values_list("proof", flat=True))
    deleted = 0
    for name in storage.listdir("proofs")[1]:
        path = f"proofs/{name}"
        if path not in named and storage.get_modified_time(path) < now - ORPHAN_PROOF_AGE:
            storage.delete(path)
            deleted += 1
    return deleted
