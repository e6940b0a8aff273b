"""Everything the platform holds about a person, for «Télécharger mes données» (RGPD art. 15
and 20): one section per link from a table to the account, as JSON or as a zip of CSV files.

It lives in web (layer 9), above every app whose tables it reads: accounts (layer 1) names
none of them. Every link to the account (a ForeignKey, OneToOneField or ManyToManyField to
the user model, in any installed app) is either EXPORTED (a section) or NOT_EXPORTED (with
the reason); tests/web/test_personal_data.py fails when a new one is neither.

Rows are exported as stored: every column but the WITHHELD ones (secrets: token digests,
keys; the content of eligibility proofs, which the person sent and may see on «Mes
droits», is reduced to whether one is attached), a link as the linked row's id, dates as
ISO 8601 (UTC), money in cents.
"""

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone

# "app_label.Model.field" → the French title of its section.
EXPORTED: dict[str, str] = {
    "accounts.AccountLog.user": "Journal de mon compte",
    "core.OutboundEmail.user": "Courriels envoyés",
    "otp_totp.TOTPDevice.user": "Double authentification",
    "oauth2_provider.AccessToken.user": "Applications autorisées (accès en cours)",
    "oauth2_provider.RefreshToken.user": "Applications autorisées (renouvellement)",
    "oauth2_provider.Application.user": "Applications que j'ai déclarées",
    "api.ApiToken.user": "Jetons d'API",
    "eligibility.ChildProfile.parent": "Mes enfants",
    "eligibility.EligibilityStatus.person": "Mes statuts",
    "eligibility.StatusAccess.person": "Consultations de mes statuts",
    "places.Place.managers": "Lieux que je gère",
    "booking.Booking.user": "Mes réservations",
    "booking.BookingSeries.user": "Mes séries de réservations",
    "booking.CalendarFeed.user": "Mon agenda en ligne",
    "booking.ManagerEmails.user": "Courriels de gestion d'un lieu",
    "events.Registration.user": "Mes inscriptions aux ateliers",
    "community.MemberProfile.user": "Mon profil dans la communauté",
    "community.MemberEmails.user": "Courriels de la communauté",
    "community.MemberMessage.sender": "Messages envoyés à des membres",
    "community.MemberMessage.recipient": "Messages reçus de membres",
    "community.ReferentMessage.sender": "Messages envoyés à un référent",
    "community.AnnouncementDelivery.user": "Annonces reçues",
    "programmes.Wallet.user": "Mes crédits",
    "programmes.CapCounter.user": "Mes plafonds",
    "programmes.CountedDay.user": "Mes jours décomptés",
    "programmes.BookingShare.user": "Parts prises en charge",
}

_AS_AGENT = (
    "ce que la personne a fait en tant qu'agent, gestionnaire ou organisateur, sur les "
    "données d'autres personnes ou de lieux : communiqué sur demande, pas en libre "
    "téléchargement (il révélerait les données d'autres personnes)"
)
_SHORT_LIVED = "jeton technique de quelques minutes, sans donnée propre à la personne"

# "app_label.Model.field" → why it is not exported.
NOT_EXPORTED: dict[str, str] = {
    "admin.LogEntry.user": _AS_AGENT,
    "oauth2_provider.Grant.user": _SHORT_LIVED,
    "oauth2_provider.IDToken.user": _SHORT_LIVED,
    "oauth2_provider.DeviceGrant.user": _SHORT_LIVED,
    "accounts.AccountLog.actor": "les lignes sur son propre compte sont déjà exportées",
    "eligibility.EligibilityStatus.decided_by": _AS_AGENT,
    "eligibility.EligibilityStatus.granted_by": _AS_AGENT,
    "eligibility.StatusAccess.viewer": _AS_AGENT,
    "places.ListingRequest.reviewed_by": _AS_AGENT,
    "places.ManagerInvitation.invited_by": _AS_AGENT,
    "places.ManagerChange.person": _AS_AGENT,
    "places.ManagerChange.actor": _AS_AGENT,
    "observatory.Scenario.created_by": _AS_AGENT,
    "observatory.PopulationLayer.imported_by": _AS_AGENT,
    "observatory.ModelRun.requested_by": _AS_AGENT,
    "observatory.ModelRun.cancelled_by": _AS_AGENT,
    "booking.Booking.cancelled_by": "l'annulation figure déjà sur la réservation exportée",
    "booking.BookingEvent.actor": _AS_AGENT,
    "booking.ExternalCalendar.set_by": _AS_AGENT,
    "booking.SpaceBlock.created_by": _AS_AGENT,
    "booking.SpaceBlock.removed_by": _AS_AGENT,
    "events.Event.created_by": _AS_AGENT,
    "events.EventLog.actor": _AS_AGENT,
    "events.EventMessage.sender": _AS_AGENT,
    "offices.OfficeOffer.created_by": _AS_AGENT,
    "offices.OfficeOffer.updated_by": _AS_AGENT,
    "offices.OfficeOfferLog.actor": _AS_AGENT,
    "offices.OfficeRequestPlace.decided_by": _AS_AGENT,
    "community.Referent.updated_by": _AS_AGENT,
    "community.Announcement.published_by": _AS_AGENT,
    "community.Document.uploaded_by": _AS_AGENT,
    "community.FundingOpportunity.created_by": _AS_AGENT,
    "community.FundingOpportunity.updated_by": _AS_AGENT,
    "community.CommunityLog.actor": _AS_AGENT,
    "programmes.ProgrammePlace.joined_by": _AS_AGENT,
    "programmes.LedgerEntry.actor": _AS_AGENT,
    "reimbursements.StatementMonth.issued_by": _AS_AGENT,
    "reimbursements.Dispute.actor": _AS_AGENT,
    "reimbursements.StatementPayment.recorded_by": _AS_AGENT,
    "api.Partner.created_by": _AS_AGENT,
    "api.WebhookEndpoint.created_by": _AS_AGENT,
    "api.PartnerLog.actor": _AS_AGENT,
    "manager.Embed.created_by": _AS_AGENT,
    "manager.EmbedLog.actor": _AS_AGENT,
}

# "app_label.Model" → columns never exported (secrets), besides the account's password.
WITHHELD: dict[str, frozenset[str]] = {
    "otp_totp.TOTPDevice": frozenset({"key", "last_t", "drift", "t0", "step", "digits"}),
    "oauth2_provider.AccessToken": frozenset({"token", "token_checksum", "id_token"}),
    "oauth2_provider.RefreshToken": frozenset({"token", "token_checksum", "access_token"}),
    "oauth2_provider.Application": frozenset({"client_secret"}),
    "api.ApiToken": frozenset({"key_digest"}),
    "booking.CalendarFeed": frozenset({"token"}),
    "booking.Booking": frozenset({"idempotency_key"}),
    "eligibility.ChildProfile": frozenset({"first_name_key"}),
}

# The account's own columns exported (not its password, its rights' internals).
ACCOUNT_FIELDS = (
    "id",
    "email",
    "first_name",
    "last_name",
    "phone",
    "date_joined",
    "last_login",
    "email_verified_at",
    "is_active",
    "is_departement_staff",
    "remind_bookings",
    "remind_events",
    "notify_status_expiry",
)


def user_links() -> list[models.Field]:
    """Every field of every installed model that links to the user model (FK, one-to-one,
    many-to-many), in model order."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    return [
        field
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.Field)
        and field.is_relation
        and field.related_model is user_model
        and (field.concrete or field.many_to_many)
    ]


def link_name(field: models.Field) -> str:
    """«app_label.Model.field» of a link (the keys of EXPORTED and NOT_EXPORTED)."""
    return f"{field.model._meta.label}.{field.name}"


@dataclass(frozen=True)
class Section:
    """One kind of data: `key` (the link's name, also the CSV file's name), its French
    `title`, its `columns` and its `rows` (lists of JSON values in column order)."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]]


def _value(field: models.Field, row: models.Model) -> Any:
    if isinstance(field, models.FileField):
        return bool(getattr(row, field.name))  # whether a file is attached, not its content
    if field.is_relation:
        return getattr(row, field.attname)
    value = getattr(row, field.attname)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _columns(model: type[models.Model]) -> list[models.Field]:
    hidden = WITHHELD.get(model._meta.label, frozenset())
    return [f for f in model._meta.concrete_fields if f.name not in hidden]


def sections(user: models.Model) -> Iterator[Section]:
    """The account first, then one section per EXPORTED link, rows ordered by id."""
    account_columns = [f for f in user._meta.concrete_fields if f.name in ACCOUNT_FIELDS]
    yield Section(
        "accounts.User",
        "Mon compte",
        [field.name for field in account_columns],
        [[_value(field, user) for field in account_columns]],
    )
    for field in user_links():
        name = link_name(field)
        if name not in EXPORTED:
            continue
        model = field.model
        columns = _columns(model)
        rows = model._default_manager.filter(**{field.name: user}).order_by("pk")
        yield Section(
            name,
            EXPORTED[name],
            [column.name for column in columns],
            [[_value(column, row) for column in columns] for row in rows],
        )


def as_json(user: models.Model, now: datetime | None = None) -> bytes:
    """The JSON document (UTF-8): {"exporte_le": ISO instant, "sections": [{"cle",
    "titre", "lignes": [{column: value}]}]}."""
    document = {
        "exporte_le": (now or timezone.now()).isoformat(),
        "sections": [
            {
                "cle": section.key,
                "titre": section.title,
                "lignes": [dict(zip(section.columns, row, strict=True)) for row in section.rows],
            }
            for section in sections(user)
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def as_csv_zip(user: models.Model) -> bytes:
    """A zip of one CSV file per section («booking.Booking.user.csv»: UTF-8, commas, a
    header row), every section present even when empty."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for section in sections(user):
            text = io.StringIO()
            writer = csv.writer(text)
            writer.writerow(section.columns)
            for row in section.rows:
                writer.writerow(json.dumps(v) if isinstance(v, dict | list) else v for v in row)
            archive.writestr(f"{section.key}.csv", text.getvalue())
    return buffer.getvalue()
