"""Eligibility: the categories that open social rates and passes (RSA, disability, collégien,
independent…), the statuses people hold in them, their children's profiles, and the log of
every view of a status by staff.

Disability is health data (GDPR art. 9): the category of a status is shown only to the person
(or the parent of a child) and to staff holding `view_category`. Proofs are kept in their own
storage (`STORAGES["eligibility_proofs"]`, never under the public media) until a decision is
taken, then deleted: only the decision, its author, its dates and the category remain.

Dates (`valid_from`, `valid_until`, both included) are Paris calendar days; instants are UTC.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from maillage.core.validators import MultiLine, PersonName, SingleLine, between, one_line

CATEGORY_CODE_MAX = 40
CATEGORY_LABEL_MAX = 100
CHILD_NAME_MAX = 150
SCHOOL_MAX = 200
REFUSAL_REASON_MAX = 500
BIRTH_YEAR_MIN = 2000
BIRTH_YEAR_MAX = 2100


def proof_storage() -> Storage:
    """Where proofs wait for a decision: a storage of their own, outside the public media."""
    return storages["eligibility_proofs"]


class Category(models.Model):
    """A category of people a programme may target. Staff add more in the back-office."""

    code = models.SlugField(
        "code", max_length=CATEGORY_CODE_MAX, unique=True, help_text="Identifiant stable."
    )
    label = models.CharField(
        "libellé", max_length=CATEGORY_LABEL_MAX, validators=[SingleLine("Le libellé")]
    )
    needs_proof = models.BooleanField("justificatif exigé", default=True)
    for_children = models.BooleanField(
        "pour un enfant",
        default=False,
        help_text="Demandé par un parent pour le profil d'un enfant (collégien·ne).",
    )
    active = models.BooleanField(
        "proposée", default=True, help_text="Les personnes peuvent la demander."
    )

    class Meta:
        verbose_name = "catégorie"
        verbose_name_plural = "catégories"
        ordering = ["label"]
        constraints = [
            models.CheckConstraint(
                condition=one_line("label", CATEGORY_LABEL_MAX) & ~Q(label=""),
                name="eligibility_category_label_one_line",
            ),
            models.CheckConstraint(
                condition=~Q(code=""), name="eligibility_category_code_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class ChildProfile(models.Model):
    """A child (a collégien·ne) held by a parent's verified account: the parent asks,
    consents and books for the child; the child's statuses (and pass) are the profile's."""

    parent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="child_profiles",
        verbose_name="parent",
    )
    first_name = models.CharField(
        "prénom", max_length=CHILD_NAME_MAX, validators=[PersonName("Le prénom")]
    )
    birth_year = models.PositiveSmallIntegerField(
        "année de naissance",
        validators=between(BIRTH_YEAR_MIN, BIRTH_YEAR_MAX, "L'année de naissance"),
    )
    school = models.CharField(
        "établissement", max_length=SCHOOL_MAX, validators=[SingleLine("L'établissement")]
    )
    # The first name case-folded (str.casefold: «ZOÉ» and «Zoé» are one child), kept by save():
    # the databases' own lower() folds ASCII only on SQLite.
    first_name_key = models.CharField(
        max_length=CHILD_NAME_MAX, editable=False, validators=[SingleLine("Le prénom")]
    )
    created_at = models.DateTimeField("créé le", default=timezone.now)

    class Meta:
        verbose_name = "profil d'enfant"
        verbose_name_plural = "profils d'enfants"
        ordering = ["first_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=one_line("first_name", CHILD_NAME_MAX) & ~Q(first_name=""),
                name="eligibility_child_first_name_one_line",
            ),
            models.CheckConstraint(
                condition=one_line("school", SCHOOL_MAX) & ~Q(school=""),
                name="eligibility_child_school_one_line",
            ),
            models.CheckConstraint(
                condition=Q(birth_year__gte=BIRTH_YEAR_MIN, birth_year__lte=BIRTH_YEAR_MAX),
                name="eligibility_child_birth_year_in_range",
            ),
            # One profile per child: a second one would hold a second pass.
            models.UniqueConstraint(
                fields=["parent", "first_name_key", "birth_year"],
                name="eligibility_child_once_per_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.first_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.first_name_key = self.first_name.casefold()
        super().save(*args, **kwargs)


class State(models.TextChoices):
    REQUESTED = "requested", "demandé"
    VERIFIED = "verified", "vérifié"
    REFUSED = "refused", "refusé"


class ProofMode(models.TextChoices):
    """How a status was proven; an automatic check (e.g. the state's RSA API) is a new mode."""

    UPLOAD = "upload", "justificatif déposé"
    PRESCRIBER = "prescriber", "accordé par un prescripteur"


class StatusQuerySet(models.QuerySet["EligibilityStatus"]):
    def valid_on(self, day: date) -> StatusQuerySet:
        """Verified statuses whose validity period holds `day` (a Paris date): the rows
        EligibilityStatus.is_valid_on accepts."""
        return self.filter(state=State.VERIFIED, valid_from__lte=day, valid_until__gte=day)

    def of_holder(self, user_id: int, child_id: int | None = None) -> StatusQuerySet:
        """The statuses of the person `user_id`, or of their child profile `child_id` (none
        when that profile is not theirs)."""
        if child_id is None:
            return self.filter(person_id=user_id)
        return self.filter(child_id=child_id, child__parent_id=user_id)


class EligibilityStatus(models.Model):
    """A person's (or a child profile's) status in a category: asked with a proof or granted
    by a prescriber, then verified for a validity period or refused with a reason. Expired
    is not a state: a verified status whose `valid_until` is before today."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="eligibility_statuses",
        verbose_name="personne",
    )
    child = models.ForeignKey(
        ChildProfile,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="statuses",
        verbose_name="enfant",
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="statuses", verbose_name="catégorie"
    )
    state = models.CharField("état", max_length=12, choices=State.choices)
    valid_from = models.DateField("valable du", null=True, blank=True)
    valid_until = models.DateField("valable jusqu'au", null=True, blank=True)
    bursary_holder = models.BooleanField("boursier·e", default=False)
    proof_mode = models.CharField("preuve", max_length=12, choices=ProofMode.choices)
    proof = models.FileField(
        "justificatif", storage=proof_storage, upload_to="proofs/", blank=True, max_length=200
    )
    requested_at = models.DateTimeField("demandé le", default=timezone.now)
    decided_at = models.DateTimeField("décidé le", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="décidé par",
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="accordé par (prescripteur)",
    )
    refusal_reason = models.TextField(
        "motif du refus",
        blank=True,
        validators=[MultiLine("Le motif"), MaxLengthValidator(REFUSAL_REASON_MAX)],
    )
    expiry_notice_at = models.DateTimeField("fin prochaine signalée le", null=True, blank=True)

    objects = StatusQuerySet.as_manager()

    class Meta:
        verbose_name = "statut d'éligibilité"
        verbose_name_plural = "statuts d'éligibilité"
        ordering = ["-requested_at", "-pk"]
        permissions = [
            ("verify_status", "Décider des statuts (vérifier, refuser)"),
            ("view_category", "Voir la catégorie des statuts"),
            ("grant_status", "Accorder un statut (prescripteur)"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, child__isnull=True)
                | Q(person__isnull=True, child__isnull=False),
                name="eligibility_status_one_holder",
                violation_error_message="Un statut est celui d'une personne ou d'un enfant.",
            ),
            models.CheckConstraint(
                condition=Q(state__in=State.values), name="eligibility_status_state_known"
            ),
            models.CheckConstraint(
                condition=Q(proof_mode__in=ProofMode.values),
                name="eligibility_status_proof_mode_known",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_from__lte=models.F("valid_until")),
                name="eligibility_status_validity_order",
                violation_error_message="La fin de validité précède son début.",
            ),
            models.CheckConstraint(
                condition=~Q(state=State.VERIFIED)
                | Q(valid_from__isnull=False, valid_until__isnull=False),
                name="eligibility_status_verified_has_dates",
            ),
            models.CheckConstraint(
                condition=Q(state=State.REQUESTED) | Q(decided_at__isnull=False),
                name="eligibility_status_decision_dated",
            ),
            models.CheckConstraint(
                condition=~Q(state=State.REFUSED) | ~Q(refusal_reason=""),
                name="eligibility_status_refused_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(LessThanOrEqual(Length("refusal_reason"), REFUSAL_REASON_MAX)),
                name="eligibility_status_reason_length",
            ),
            models.CheckConstraint(
                condition=Q(state=State.REQUESTED) | Q(proof=""),
                name="eligibility_status_no_proof_after_decision",
                violation_error_message="Le justificatif est supprimé dès la décision.",
            ),
            # One open request per holder and category.
            models.UniqueConstraint(
                fields=["person", "category"],
                condition=Q(state=State.REQUESTED, person__isnull=False),
                name="eligibility_status_one_open_request_person",
            ),
            models.UniqueConstraint(
                fields=["child", "category"],
                condition=Q(state=State.REQUESTED, child__isnull=False),
                name="eligibility_status_one_open_request_child",
            ),
        ]
        indexes = [models.Index(fields=["state", "valid_until"], name="eligibility_state_until")]

    def __str__(self) -> str:
        return f"Statut n° {self.pk}"

    def is_valid_on(self, day: date) -> bool:
        """Whether the status is verified and valid on `day` (a Paris date), as
        StatusQuerySet.valid_on selects them."""
        if self.state != State.VERIFIED or self.valid_from is None or self.valid_until is None:
            return False
        return self.valid_from <= day <= self.valid_until

    @property
    def holder_user_id(self) -> int:
        """The account the status belongs to: the person, or the child's parent."""
        if self.person_id is not None:
            return self.person_id
        assert self.child is not None
        return self.child.parent_id

    def is_expired(self, today: date) -> bool:
        return (
            self.state == State.VERIFIED
            and self.valid_until is not None
            and self.valid_until < today
        )


class AccessAction(models.TextChoices):
    """What a staff member did with a person's status: saw it (in the list of requests, on
    the request's page, its proof) or decided it (verified, refused, granted). Read by the
    person as «<who> <label>»."""

    LIST = "list", "a vu la demande dans la liste des demandes"
    DECISION = "decision", "a consulté la demande"
    PROOF = "proof", "a ouvert le justificatif"
    VERIFIED = "verified", "a vérifié le statut"
    REFUSED = "refused", "a refusé la demande"
    GRANTED = "granted", "a accordé le statut"


# The staff role each action is taken in: prescribers grant, the instruction team the rest.
PRESCRIBER_ROLE = "prescripteur·rice du Département"
VERIFIER_ROLE = "instruction des statuts du Département"


class StatusAccess(models.Model):
    """One event of a person's status at the hands of staff, once per real view or decision:
    who, when, what (AccessAction). Listed on the person's «Mes droits» page; kept as long as
    statuses are (MAILLAGE_STATUS_RETENTION_DAYS)."""

    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="par",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="status_accesses",
        verbose_name="personne concernée",
    )
    status = models.ForeignKey(
        EligibilityStatus,
        on_delete=models.SET_NULL,
        null=True,
        related_name="accesses",
        verbose_name="statut",
    )
    action = models.CharField("quoi", max_length=12, choices=AccessAction.choices)
    at = models.DateTimeField("le", default=timezone.now)

    class Meta:
        verbose_name = "consultation d'un statut"
        verbose_name_plural = "consultations des statuts"
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=AccessAction.values),
                name="eligibility_access_action_known",
            )
        ]
        indexes = [models.Index(fields=["person", "at"], name="eligibility_access_person_at")]

    def __str__(self) -> str:
        return f"Consultation n° {self.pk}"

    def who(self) -> str:
        """Who acted, as the person reads it: the staff member's name (never their address)
        and role, «Inès Agent (instruction des statuts du Département)»."""
        role = PRESCRIBER_ROLE if self.action == AccessAction.GRANTED else VERIFIER_ROLE
        if self.viewer is None:
            return f"un compte supprimé ({role})"
        return f"{self.viewer.get_full_name() or 'un agent'} ({role})"


def stored_proofs() -> Storage:
    """The storage the proofs are in: the proof field's, fixed when the models load
    (proof_storage() would give a new one once the STORAGES setting is replaced)."""
    storage: Storage = EligibilityStatus._meta.get_field("proof").storage
    return storage
