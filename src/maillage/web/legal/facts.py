"""What the footer's pages state, read from where it is decided so that they cannot drift:
the publisher from the settings, the retention periods from the constants and settings the
purges apply, the site map from URL names (a page renamed or removed fails to reverse)."""

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse

from maillage.api.webhook_delivery import DELIVERED_KEPT, FINISHED_KEPT
from maillage.core import retention
from maillage.core.feed_tombstones import TOMBSTONE_KEEP
from maillage.core.text import count
from maillage.eligibility.services import ORPHAN_PROOF_AGE
from maillage.offices import confirmation
from maillage.territory.reference import ILE_DE_FRANCE_DEPARTEMENTS_OF


@dataclass(frozen=True)
class Publisher:
    """Who publishes the platform, hosts it and answers for it (MAILLAGE_PUBLISHER_* and
    the other settings of the footer's pages); an empty `address` or `phone` is not shown."""

    name: str
    address: str
    phone: str
    director: str
    host_name: str
    host_address: str
    contact_email: str
    dpo_email: str


def publisher() -> Publisher:
    """The publisher from the settings: by default the Département of
    MAILLAGE_DEPARTEMENT («Département des Hauts-de-Seine»), hosting the platform itself,
    its data protection officer reached at the contact address."""
    code = settings.MAILLAGE_DEPARTEMENT
    name = (
        settings.MAILLAGE_PUBLISHER_NAME
        or f"Département {ILE_DE_FRANCE_DEPARTEMENTS_OF.get(code, code)}"
    )
    address = settings.MAILLAGE_PUBLISHER_ADDRESS
    host_name = settings.MAILLAGE_HOST_NAME
    return Publisher(
        name=name,
        address=address,
        phone=settings.MAILLAGE_PUBLISHER_PHONE,
        director=settings.MAILLAGE_PUBLICATION_DIRECTOR,
        host_name=host_name or name,
        host_address=settings.MAILLAGE_HOST_ADDRESS if host_name else address,
        contact_email=settings.MAILLAGE_CONTACT_EMAIL,
        dpo_email=settings.MAILLAGE_DPO_EMAIL or settings.MAILLAGE_CONTACT_EMAIL,
    )


# When the accessibility statement was written; to update with each audit or revision.
ACCESSIBILITY_DECLARED_ON = date(2026, 12, 1)


@dataclass(frozen=True)
class Retention:
    """How long one kind of data is kept (`period`, French text)."""

    data: str
    period: str


def _days(period: timedelta | int) -> str:
    """«14 jours» for timedelta(days=14) or 14."""
    return count(period.days if isinstance(period, timedelta) else period, "jour")


def retention_periods() -> list[Retention]:
    """The retention periods the platform applies, in the order of «Données personnelles».
    Each comes from the purge that applies it (eligibility.services.purge_expired and
    sweep_orphan_proofs, offices.services.purge, api.webhook_delivery, core.feed_tombstones,
    core.retention's purges of task results, login access logs, emails and action logs)
    or from the settings (the login limits' cool-off, sessions); what erasing an account
    keeps and empties is what web.account_erasure.erase_account does."""
    statuses = _days(settings.MAILLAGE_STATUS_RETENTION_DAYS)
    offices = _days(settings.MAILLAGE_OFFICE_REQUEST_RETENTION_DAYS)
    access_logs = _days(retention.ACCESS_LOGS.days)
    return [
        Retention(
            "Compte (adresse électronique, nom, prénom, téléphone, mot de passe chiffré)",
            "tant que le compte existe ; quand vous le supprimez, le nom, le prénom et le "
            "téléphone sont effacés, l'adresse électronique est remplacée par une adresse qui "
            "ne désigne personne et le compte ne permet plus de se connecter",
        ),
        Retention(
            "Réservations et inscriptions aux ateliers",
            "tant que le compte existe, puis conservées après sa suppression, avec leurs "
            "dates, lieux et montants mais sans nom ni coordonnées (elles ne renvoient plus "
            "qu'au compte vidé), pour que les chiffres des lieux et des programmes restent "
            "justes ; celles à venir sont d'abord annulées, sauf les réservations dont le "
            "délai d'annulation est passé, qui restent dues ; un enfant inscrit n'y est plus "
            "nommé que « Enfant 1 », « Enfant 2 »…",
        ),
        Retention(
            "Statuts ouvrant droit aux tarifs sociaux et aux pass, leurs justificatifs, les "
            "profils d'enfants qu'ils concernent et le journal des consultations par les "
            "agents",
            f"supprimés {statuses} après la fin de validité du statut (ou son refus), ou dès "
            "la suppression du compte ; un "
            f"justificatif qu'aucun statut ne désigne plus est supprimé après "
            f"{_days(ORPHAN_PROOF_AGE)}",
        ),
        Retention(
            "Demandes de bureaux des entreprises (nom, SIREN, contact, adresse, téléphone, "
            "message, réponses des lieux)",
            f"une demande non confirmée est supprimée après {_days(confirmation.MAX_AGE)} ; "
            f"les données personnelles d'une demande sont effacées {offices} après son envoi "
            "(seuls ses chiffres restent, pour mesurer la demande par commune)",
        ),
        Retention(
            "Connexions (date, adresse IP, adresse électronique, navigateur)",
            access_logs,
        ),
        Retention(
            "Tentatives de connexion échouées (adresse IP, adresse électronique saisie)",
            f"effacées à la tentative suivante, passé "
            f"{count(settings.AXES_COOLOFF_TIME // timedelta(minutes=1), 'minute')}, et au "
            f"plus tard après {access_logs}",
        ),
        Retention(
            "Session de connexion (cookie)",
            f"{_days(timedelta(seconds=settings.SESSION_COOKIE_AGE))} au plus",
        ),
        Retention(
            "Courriels envoyés par la plateforme (adresse, contenu du message)",
            f"supprimés {_days(retention.SENT_EMAILS.days)} après leur envoi (ou l'abandon de "
            "l'envoi)",
        ),
        Retention(
            "Journaux des actions des agents, des gestionnaires et des comptes (qui a fait "
            "quoi et quand : comptes, gestionnaires des lieux, ateliers, offres de bureaux, "
            "communauté, intégrations, applications partenaires)",
            f"{_days(retention.ACTION_LOGS.days)} ; l'historique des réservations, les "
            "mouvements des budgets des programmes et les relevés de remboursement sont "
            "conservés, car ils justifient les sommes dues et payées",
        ),
        Retention(
            "Résultats des traitements automatiques (envois, rappels, purges : identifiants "
            "et messages d'erreur)",
            f"supprimés {_days(retention.TASK_RESULTS.days)} après la fin du traitement",
        ),
        Retention(
            "Journal des envois aux applications partenaires (webhooks, sans donnée personnelle)",
            f"{_days(DELIVERED_KEPT)} après un envoi réussi, {_days(FINISHED_KEPT)} après un "
            "envoi abandonné",
        ),
        Retention(
            "Traces des éléments supprimés dans les flux de données ouvertes (identifiants "
            "seulement)",
            _days(TOMBSTONE_KEEP),
        ),
    ]


def tiles_host() -> str:
    """The host the map's tiles are loaded from (the person's browser asks it), or «» when
    the maps draw without tiles."""
    return urlsplit(settings.MAILLAGE_TILES_URL).hostname or ""


@dataclass(frozen=True)
class SiteMapSection:
    """A heading of «Plan du site» and its pages as (link text, URL name)."""

    heading: str
    pages: tuple[tuple[str, str], ...]


# The public pages: what anyone may open without signing in (tests/web/legal check that each
# answers 200).
SITE_MAP = (
    SiteMapSection(
        "Trouver un tiers-lieu",
        (
            ("Accueil et carte", "web:home"),
            ("Les tiers-lieux", "web:place_list"),
            ("Réserver un espace", "booking:search"),
            ("Agenda des ateliers et événements", "events:agenda"),
            ("Bureaux pour les entreprises", "offices:offers"),
        ),
    ),
    SiteMapSection(
        "Votre compte",
        (
            ("Créer un compte", "accounts:signup"),
            ("Connexion", "accounts:login"),
            ("Mot de passe oublié", "accounts:password_reset"),
        ),
    ),
    SiteMapSection(
        "Le réseau et ses données",
        (
            ("Observatoire du maillage", "observatory:public"),
            ("Données ouvertes", "web:opendata"),
            ("Documentation de l'API pour les partenaires", "api:docs"),
            ("La communauté des tiers-lieux", "community:home"),
            ("Référencer mon tiers-lieu", "manager:listing_request"),
        ),
    ),
    SiteMapSection(
        "Informations",
        (
            ("Mentions légales", "web:legal_notice"),
            ("Données personnelles", "web:privacy"),
            ("Déclaration d'accessibilité", "web:accessibility"),
            ("Contact", "web:contact"),
            ("Plan du site", "web:site_map"),
        ),
    ),
)


def site_map() -> list[tuple[str, list[tuple[str, str]]]]:
    """SITE_MAP with addresses: [(heading, [(link text, path)])]."""
    return [
        (section.heading, [(text, reverse(name)) for text, name in section.pages])
        for section in SITE_MAP
    ]
