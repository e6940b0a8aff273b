"""The community of managers and project holders, run by the Département's referent.

- `Referent`: the Département's referent, one current at a time (a partial unique
  constraint); the former ones are kept, with the messages written to them
  (`ReferentMessage`).
- `MemberProfile`: a member's entry in the directory, shown only while they choose so, with
  what they offer and seek (`Tag`s and words); members write to each other through the
  platform (`MemberMessage`), never seeing each other's address.
- `MemberEmails`: which community emails a member receives (announcements, funding
  reminders; both on unless switched off).
- `Announcement`: from the referent to every member, emailed once to each
  (`AnnouncementDelivery`, unique per announcement and person).
- `Document`: the shared documents, stored outside the public media.
- `FundingOpportunity`: calls and funds kept by staff, with a reminder before each deadline
  (`FundingReminder`, unique per opportunity and number of days).
- `CommunityLog`: who published, added, changed or deleted which announcement, document or
  opportunity, and when (appended by the services, kept after a deletion).

Who is a member (community.permissions): the active managers of a place, whatever its status
(those of a place «en projet» or «en préparation» are its project holders), and Département
staff. Money is in integer cents; instants are aware (UTC in the database, Paris on pages).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage, storages
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from maillage.community import files
from maillage.core.dates import long_date
from maillage.core.model_fields import own_field
from maillage.core.money import CentsField
from maillage.core.validators import (
    MultiLine,
    PersonName,
    SingleLine,
    between,
    euros_between,
    one_line,
)
from maillage.places.validators import validate_french_phone

TITLE_MAX = 150
NAME_MAX = 150
MESSAGE_MAX = 5000
PRESENTATION_MAX = 600
PROFILE_TEXT_MAX = 1000
ANNOUNCEMENT_MAX = 10_000
DESCRIPTION_MAX = 5000
# A funding opportunity's amounts: up to 100 million euros (a FEDER operation stays below).
MAX_AMOUNT_CENTS = 100_000_000_00
MAX_REMINDER_DAYS = 365


def text_rule(subject: str, max_length: int) -> list[MultiLine | MaxLengthValidator]:
    """A text of several lines and at most `max_length` characters: a TextField's own
    max_length only sizes the form's input, the model does not check it."""
    return [MultiLine(subject), MaxLengthValidator(max_length)]


class ReferentQuerySet(models.QuerySet["Referent"]):
    def current(self) -> Referent | None:
        """The referent in office, or None when the Département named none."""
        return self.filter(is_current=True).first()


class Referent(models.Model):
    """The Département's referent for the community: named on the platform and on every
    page of the managers' space, written to through the platform. One is current
    (`is_current`, at most one row: a partial unique constraint); a former one is kept for
    the messages written to them."""

    name = models.CharField("nom", max_length=NAME_MAX, validators=[PersonName("Le nom")])
    title = models.CharField(
        "fonction", max_length=NAME_MAX, validators=[SingleLine("La fonction")]
    )
    email = models.EmailField("adresse électronique")
    phone = models.CharField(
        "téléphone",
        max_length=20,
        blank=True,
        validators=[SingleLine("Le téléphone"), validate_french_phone],
    )
    presentation = models.TextField(
        "présentation",
        max_length=PRESENTATION_MAX,
        blank=True,
        validators=text_rule("La présentation", PRESENTATION_MAX),
        help_text="Quelques lignes : ce que la personne peut faire pour les lieux et les "
        "porteurs de projet.",
    )
    is_current = models.BooleanField("en fonction", default=True)
    updated_at = models.DateTimeField("modifié le", default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="modifié par",
    )

    objects = ReferentQuerySet.as_manager()

    class Meta:
        verbose_name = "référent·e du Département"
        verbose_name_plural = "référent·es du Département"
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=Q(is_current=True),
                name="community_one_current_referent",
            ),
            models.CheckConstraint(
                condition=one_line("name", NAME_MAX) & one_line("title", NAME_MAX),
                name="community_referent_one_line",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.title})"


class ReferentMessage(models.Model):
    """A message a person wrote to the referent through the platform (emailed to them)."""

    referent = models.ForeignKey(
        Referent, on_delete=models.PROTECT, related_name="messages", verbose_name="référent·e"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="expéditeur",
    )
    subject = models.CharField("objet", max_length=TITLE_MAX, validators=[SingleLine("L'objet")])
    body = models.TextField(
        "message", max_length=MESSAGE_MAX, validators=text_rule("Le message", MESSAGE_MAX)
    )
    sent_at = models.DateTimeField("envoyé le", default=timezone.now)

    class Meta:
        verbose_name = "message au référent·e"
        verbose_name_plural = "messages au référent·e"
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["sender", "sent_at"], name="community_refmsg_sender")]

    def __str__(self) -> str:
        return self.subject


class Tag(models.Model):
    """What members offer or seek («Salle de réunion», «Mentorat», «Financement»…): the
    directory's filter. Seeded by the migrations; staff add more in the back-office."""

    slug = models.SlugField("identifiant", unique=True)
    name = models.CharField("nom", max_length=60, unique=True, validators=[SingleLine("Le nom")])

    class Meta:
        verbose_name = "thème d'entraide"
        verbose_name_plural = "thèmes d'entraide"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MemberProfile(models.Model):
    """A member's entry in the directory, written by themselves: shown to the other members
    only while `listed` (withdrawn at once when they untick it), with the places they
    manage (read from Place.managers: a project holder's is their project, its commune and
    stage), what they offer and seek. Others write to them through the platform when they
    accept it (`accepts_messages`); their address is never shown."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_profile",
        verbose_name="compte",
    )
    display_name = models.CharField(
        "nom affiché",
        max_length=100,
        validators=[PersonName("Le nom affiché")],
        help_text="Par exemple « Léa, La Ruche » : ce que les autres membres lisent.",
    )
    offers = models.TextField(
        "ce que je propose",
        max_length=PROFILE_TEXT_MAX,
        blank=True,
        validators=text_rule("Ce que vous proposez", PROFILE_TEXT_MAX),
    )
    offer_tags = models.ManyToManyField(
        Tag, blank=True, related_name="offered_by", verbose_name="je propose"
    )
    seeks = models.TextField(
        "ce que je recherche",
        max_length=PROFILE_TEXT_MAX,
        blank=True,
        validators=text_rule("Ce que vous recherchez", PROFILE_TEXT_MAX),
    )
    seek_tags = models.ManyToManyField(
        Tag, blank=True, related_name="sought_by", verbose_name="je recherche"
    )
    listed = models.BooleanField(
        "visible dans l'annuaire",
        default=False,
        help_text="Les gestionnaires, les porteurs de projet et les agents du Département "
        "voient votre fiche. Décochez pour la retirer aussitôt.",
    )
    accepts_messages = models.BooleanField(
        "recevoir les messages des membres",
        default=True,
        help_text="Par le formulaire de la plateforme : votre adresse n'est jamais affichée.",
    )
    updated_at = models.DateTimeField("modifiée le", default=timezone.now)

    class Meta:
        verbose_name = "fiche de l'annuaire"
        verbose_name_plural = "fiches de l'annuaire"
        ordering = ["display_name", "pk"]

    def __str__(self) -> str:
        return self.display_name


class MemberMessage(models.Model):
    """A message from a member to another, through the directory (emailed to the
    recipient, who may answer the sender's address)."""

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="expéditeur",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="destinataire",
    )
    body = models.TextField(
        "message", max_length=MESSAGE_MAX, validators=text_rule("Le message", MESSAGE_MAX)
    )
    sent_at = models.DateTimeField("envoyé le", default=timezone.now)

    class Meta:
        verbose_name = "message entre membres"
        verbose_name_plural = "messages entre membres"
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["sender", "sent_at"], name="community_msg_sender")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(sender=F("recipient")), name="community_message_not_to_self"
            )
        ]

    def __str__(self) -> str:
        return f"message n° {self.pk}"


class MemberEmails(models.Model):
    """Which community emails a member receives; without a row, both (the defaults)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_emails",
        verbose_name="compte",
    )
    announcements = models.BooleanField("les annonces du Département", default=True)
    funding_reminders = models.BooleanField(
        "un rappel avant la date limite de chaque financement", default=True
    )

    class Meta:
        verbose_name = "courriels de la communauté"
        verbose_name_plural = "courriels de la communauté"

    def __str__(self) -> str:
        return f"courriels de la communauté n° {self.pk}"


class Announcement(models.Model):
    """An announcement of the referent (Département staff) to every member: published on
    the «Annonces» page, and emailed by the task queue to each member who did not switch
    them off, once each (AnnouncementDelivery)."""

    title = models.CharField("titre", max_length=TITLE_MAX, validators=[SingleLine("Le titre")])
    body = models.TextField(
        "texte", max_length=ANNOUNCEMENT_MAX, validators=text_rule("Le texte", ANNOUNCEMENT_MAX)
    )
    published_at = models.DateTimeField("publiée le", default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="publiée par",
    )

    class Meta:
        verbose_name = "annonce"
        verbose_name_plural = "annonces"
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=one_line("title", TITLE_MAX), name="community_announcement_title"
            )
        ]

    def __str__(self) -> str:
        return self.title


class AnnouncementDelivery(models.Model):
    """An announcement's email queued to one person: the unique pair makes a retried or
    concurrent delivery task skip whoever already has theirs."""

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="deliveries", verbose_name="annonce"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="destinataire",
    )
    queued_at = models.DateTimeField("mise en file le")

    class Meta:
        verbose_name = "envoi d'annonce"
        verbose_name_plural = "envois d'annonces"
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "user"], name="community_announcement_once"
            )
        ]

    def __str__(self) -> str:
        return f"envoi n° {self.pk}"


class DocumentCategory(models.TextChoices):
    STATUTES = "statutes", "Statuts et gouvernance"
    TEMPLATES = "templates", "Modèles et trames"
    STUDIES = "studies", "Études"
    COMPANIES = "companies", "Pour les entreprises"
    FUNDING = "funding", "Financements"
    OTHER = "other", "Autres documents"


class DocumentKind(models.TextChoices):
    """The database's choices for community.files.KINDS (the one definition)."""

    PDF = "pdf", files.KINDS["pdf"].label
    ODT = "odt", files.KINDS["odt"].label
    ODS = "ods", files.KINDS["ods"].label
    ODP = "odp", files.KINDS["odp"].label
    DOCX = "docx", files.KINDS["docx"].label
    XLSX = "xlsx", files.KINDS["xlsx"].label
    PPTX = "pptx", files.KINDS["pptx"].label
    CSV = "csv", files.KINDS["csv"].label


def document_storage() -> Storage:
    """Where the shared documents are kept: a storage of their own, outside the public
    media (members only: community.documents serves them)."""
    return storages["community_documents"]


class Document(models.Model):
    """A document of the shared space (statutes, templates, studies for companies…), put
    there by Département staff, downloaded by members. Its file is checked by content
    (community.files) and stored under a name the platform gives."""

    title = models.CharField("titre", max_length=TITLE_MAX, validators=[SingleLine("Le titre")])
    category = models.CharField(
        "rubrique", max_length=12, choices=DocumentCategory.choices, default=DocumentCategory.OTHER
    )
    description = models.TextField(
        "description",
        max_length=DESCRIPTION_MAX,
        blank=True,
        validators=text_rule("La description", DESCRIPTION_MAX),
    )
    file = models.FileField(
        "fichier", storage=document_storage, upload_to="documents/", max_length=200
    )
    kind = models.CharField("format", max_length=4, choices=DocumentKind.choices)
    size_bytes = models.PositiveIntegerField(
        "taille (octets)", validators=between(1, files.MAX_BYTES, "La taille du fichier", "octets")
    )
    uploaded_at = models.DateTimeField("déposé le", default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="déposé par",
    )

    class Meta:
        verbose_name = "document partagé"
        verbose_name_plural = "documents partagés"
        ordering = ["category", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=one_line("title", TITLE_MAX), name="community_document_title"
            ),
            models.CheckConstraint(
                condition=Q(category__in=DocumentCategory.values),
                name="community_document_category_known",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=DocumentKind.values), name="community_document_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(size_bytes__gte=1, size_bytes__lte=files.MAX_BYTES),
                name="community_document_size",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def size_text(self) -> str:
        """The file's size as people read it («2,4 Mo»)."""
        return files.size_text(self.size_bytes)


class Fund(models.TextChoices):
    """The programme or fund a funding opportunity belongs to."""

    DEPARTEMENT = "departement", "Appel du Département"
    FEDER = "feder", "FEDER (Fonds européen de développement régional)"
    FSE_PLUS = "fse_plus", "FSE+ (Fonds social européen plus)"
    LEADER = "leader", "LEADER (FEADER, développement local)"
    OTHER_EU = "other_eu", "Autre programme européen"
    STATE = "state", "État"
    REGION = "region", "Région"
    OTHER = "other", "Autre financeur"


class FundingOpportunityQuerySet(models.QuerySet["FundingOpportunity"]):
    def open_at(self, now) -> FundingOpportunityQuerySet:
        """Those whose deadline (an instant) is still ahead of `now`, soonest first."""
        return self.filter(deadline__gt=now).order_by("deadline", "pk")

    def closed_at(self, now) -> FundingOpportunityQuerySet:
        """Those whose deadline has passed at `now`, the latest closed first."""
        return self.filter(deadline__lte=now).order_by("-deadline", "-pk")


class FundingOpportunity(models.Model):
    """A funding opportunity kept by Département staff: a call of the Département, a
    European fund (FEDER, FSE+, LEADER…), another funder's. Amounts in cents (optional);
    `opens_on` a Paris date (optional: open already), `deadline` the instant applications
    close (typed in Paris time). Members read them on «Financements» and are reminded before
    the deadline (community.funding)."""

    title = models.CharField("titre", max_length=TITLE_MAX, validators=[SingleLine("Le titre")])
    funder = models.CharField(
        "financeur",
        max_length=TITLE_MAX,
        validators=[SingleLine("Le financeur")],
        help_text="Par exemple « Région Île-de-France (autorité de gestion du FEDER) ».",
    )
    fund = models.CharField("programme ou fonds", max_length=12, choices=Fund.choices)
    description = models.TextField(
        "description",
        max_length=DESCRIPTION_MAX,
        validators=text_rule("La description", DESCRIPTION_MAX),
    )
    eligibility = models.TextField(
        "conditions d'éligibilité",
        max_length=DESCRIPTION_MAX,
        blank=True,
        validators=text_rule("Les conditions d'éligibilité", DESCRIPTION_MAX),
    )
    for_managers = models.BooleanField("gestionnaires de tiers-lieux", default=True)
    for_project_holders = models.BooleanField("porteurs de projet", default=True)
    for_companies = models.BooleanField("entreprises", default=False)
    amount_min_cents = CentsField(
        "montant minimal (€)",
        null=True,
        blank=True,
        validators=euros_between(0, MAX_AMOUNT_CENTS, "Le montant minimal"),
    )
    amount_max_cents = CentsField(
        "montant maximal (€)",
        null=True,
        blank=True,
        validators=euros_between(0, MAX_AMOUNT_CENTS, "Le montant maximal"),
    )
    opens_on = models.DateField(
        "ouverture des candidatures",
        null=True,
        blank=True,
        help_text="Vide : les candidatures sont déjà ouvertes.",
    )
    deadline = models.DateTimeField("date limite de dépôt")
    link = models.URLField("lien vers l'appel", max_length=500, blank=True)
    created_at = models.DateTimeField("créé le", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="créé par",
    )
    updated_at = models.DateTimeField("modifié le", default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="modifié par",
    )

    objects = FundingOpportunityQuerySet.as_manager()

    class Meta:
        verbose_name = "financement"
        verbose_name_plural = "financements"
        ordering = ["deadline", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=one_line("title", TITLE_MAX) & one_line("funder", TITLE_MAX),
                name="community_funding_one_line",
            ),
            models.CheckConstraint(
                condition=Q(fund__in=Fund.values), name="community_funding_fund_known"
            ),
            models.CheckConstraint(
                condition=Q(for_managers=True)
                | Q(for_project_holders=True)
                | Q(for_companies=True),
                name="community_funding_has_audience",
            ),
            models.CheckConstraint(
                condition=Q(amount_min_cents__isnull=True)
                | Q(amount_max_cents__isnull=True)
                | Q(amount_min_cents__lte=F("amount_max_cents")),
                name="community_funding_amounts_ordered",
            ),
            models.CheckConstraint(
                condition=Q(amount_min_cents__isnull=True)
                | Q(amount_min_cents__gte=0, amount_min_cents__lte=MAX_AMOUNT_CENTS),
                name="community_funding_amount_min_range",
            ),
            models.CheckConstraint(
                condition=Q(amount_max_cents__isnull=True)
                | Q(amount_max_cents__gte=0, amount_max_cents__lte=MAX_AMOUNT_CENTS),
                name="community_funding_amount_max_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        """The rules between fields, in French: at least one public, the minimum not above
        the maximum, the deadline (its Paris day) not before the opening."""
        super().clean()
        errors: dict[str, list[str]] = {}
        if not (self.for_managers or self.for_project_holders or self.for_companies):
            errors.setdefault("for_managers", []).append(
                "« Qui peut candidater » : cochez au moins un public (gestionnaires, porteurs "
                "de projet ou entreprises)."
            )
        low, high = self.amount_min_cents, self.amount_max_cents
        if low is not None and high is not None and low > high:
            errors.setdefault("amount_max_cents", []).append(
                "Le montant maximal doit être supérieur ou égal au montant minimal."
            )
        if self.deadline and self.opens_on and timezone.localdate(self.deadline) < self.opens_on:
            errors.setdefault("deadline", []).append(
                "La date limite doit suivre l'ouverture des candidatures "
                f"(le {long_date(self.opens_on)})."
            )
        if errors:
            raise ValidationError(errors)

    def audiences(self) -> list[str]:
        """Who may apply, in words: «gestionnaires de tiers-lieux», «entreprises»…"""
        return [
            str(own_field(FundingOpportunity, name).verbose_name)
            for name in ("for_managers", "for_project_holders", "for_companies")
            if getattr(self, name)
        ]


class FundingReminder(models.Model):
    """A reminder sent for an opportunity `days_before` days ahead of its deadline: the
    unique pair makes each (opportunity, threshold) sent once, whatever runs the task."""

    opportunity = models.ForeignKey(
        FundingOpportunity,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name="financement",
    )
    days_before = models.PositiveSmallIntegerField(
        "jours avant la date limite",
        validators=between(1, MAX_REMINDER_DAYS, "Le nombre de jours avant la date limite"),
    )
    queued_at = models.DateTimeField("mis en file le")

    class Meta:
        verbose_name = "rappel de financement"
        verbose_name_plural = "rappels de financements"
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "days_before"], name="community_funding_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"rappel à {self.days_before} jours (n° {self.pk})"


class CommunityAction(models.TextChoices):
    """What Département staff did to the community's shared content (CommunityLog)."""

    ANNOUNCEMENT_PUBLISHED = "announcement_published", "annonce publiée"
    DOCUMENT_ADDED = "document_added", "document partagé"
    DOCUMENT_DELETED = "document_deleted", "document supprimé"
    OPPORTUNITY_ADDED = "opportunity_added", "financement ajouté"
    OPPORTUNITY_CHANGED = "opportunity_changed", "financement modifié"
    OPPORTUNITY_DELETED = "opportunity_deleted", "financement supprimé"


class CommunityLog(models.Model):
    """Who did what to the community's shared content, appended by the services
    (community.history.record) in the transaction of the change, never changed, deleted after
    MAILLAGE_ACTION_LOG_RETENTION_DAYS (core.retention): an announcement published, a
    document shared or deleted, a funding opportunity added, changed or deleted, by `actor`,
    at `at` (UTC). `subject_id` is the announcement's, document's or opportunity's id (the
    action says which) and `title` its title then: both stay once it is deleted, hence no
    foreign key."""

    action = models.CharField("action", max_length=24, choices=CommunityAction.choices)
    subject_id = models.PositiveBigIntegerField(
        "n° de l'objet", validators=between(1, 2**63 - 1, "Le n° de l'objet")
    )
    title = models.CharField("titre", max_length=TITLE_MAX, validators=[SingleLine("Le titre")])
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="fait par",
    )
    at = models.DateTimeField("le")

    class Meta:
        verbose_name = "action sur la communauté"
        verbose_name_plural = "journal de la communauté"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["action", "subject_id"], name="community_log_subject")]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=CommunityAction.values), name="community_log_action_known"
            ),
            models.CheckConstraint(
                condition=one_line("title", TITLE_MAX), name="community_log_title"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} : {self.title}"
