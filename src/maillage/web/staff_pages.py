"""The Département staff's pages outside the back-office, in one list: the hub «/departement/»
(web/departement.html) and the back-office's index («Pages du Département», admin/index.html)
both show it, each page to those who may open it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse

from maillage.accounts.roles import has_departement_rights
from maillage.eligibility.permissions import can_grant, can_verify

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from maillage.accounts.models import User


@dataclass(frozen=True)
class StaffPage:
    """A staff page: its title, its URL name (reversed without arguments), one sentence
    saying what is done there, and who may open it (Département staff by default)."""

    title: str
    url_name: str
    summary: str
    allowed: Callable[[User | AnonymousUser], bool] = has_departement_rights


@dataclass(frozen=True)
class StaffLink:
    """A staff page as shown to one person: its title, path and summary."""

    title: str
    url: str
    summary: str


@dataclass(frozen=True)
class StaffSection:
    """A heading and the staff pages under it."""

    title: str
    pages: tuple[StaffPage, ...]


SECOND_FACTOR = " Double authentification demandée."

SECTIONS: tuple[StaffSection, ...] = (
    StaffSection(
        "Tiers-lieux",
        (
            StaffPage(
                "Demandes de référencement",
                "manager:listing_requests",
                "Les tiers-lieux qui demandent à rejoindre le réseau : examiner, accepter ou "
                "refuser.",
            ),
            StaffPage(
                "Intégrations sur d'autres sites",
                "manager:embeds",
                "La liste des tiers-lieux d'une commune, d'un EPT ou d'un lieu, avec leurs "
                "prochains créneaux libres, à afficher sur le site d'une commune ou d'un "
                "partenaire : créer, copier le code, choisir les sites autorisés.",
            ),
        ),
    ),
    StaffSection(
        "Statuts des personnes",
        (
            StaffPage(
                "Demandes de statut à décider",
                "eligibility:requests",
                "Vérifier les justificatifs, accorder un statut pour une durée ou le refuser."
                + SECOND_FACTOR,
                can_verify,
            ),
            StaffPage(
                "Accorder un statut",
                "eligibility:grant",
                "Accorder directement un statut à une personne que vous suivez." + SECOND_FACTOR,
                can_grant,
            ),
        ),
    ),
    StaffSection(
        "Communauté des tiers-lieux",
        (
            StaffPage(
                "Personne référente et messages reçus",
                "community:staff_referent",
                "Nommer la personne référente, modifier ses coordonnées, lire les derniers "
                "messages qui lui sont écrits.",
            ),
            StaffPage(
                "Publier une annonce",
                "community:staff_announcement",
                "Une annonce à tous les gestionnaires, sur la plateforme et par courriel.",
            ),
            StaffPage(
                "Ajouter un document",
                "community:staff_document",
                "Un statut type, un modèle, une étude à partager avec les gestionnaires.",
            ),
            StaffPage(
                "Ajouter un financement",
                "community:staff_opportunity_new",
                "Un appel du Département ou un fonds européen, avec sa date limite : les "
                "gestionnaires en sont prévenus avant l'échéance.",
            ),
            StaffPage(
                "Documents partagés",
                "community:documents",
                "Les documents de la communauté, par rubrique : en supprimer.",
            ),
            StaffPage(
                "Financements publiés",
                "community:funding",
                "Les appels ouverts et clos récemment : les modifier, les retirer.",
            ),
        ),
    ),
    StaffSection(
        "Bureaux pour les entreprises",
        (
            StaffPage(
                "Demande de bureaux par commune",
                "offices:demand",
                "Ce que demandent les entreprises et porteurs de projet, commune par commune, "
                "face aux offres publiées ; export CSV.",
            ),
        ),
    ),
    StaffSection(
        "Budgets et remboursements",
        (
            StaffPage(
                "Relevés de remboursement",
                "reimbursements:statements",
                "Les relevés mensuels de ce que dispositifs et employeurs doivent aux lieux : "
                "émettre le mois terminé, consulter, enregistrer un paiement, contester une "
                "ligne, télécharger en PDF ou CSV.",
            ),
            StaffPage(
                "Budgets des dispositifs",
                "reimbursements:dashboard",
                "Par dispositif : consommé et engagé par commune, par mois et par catégorie, "
                "reste de l'enveloppe et date d'épuisement au rythme actuel ; exports CSV.",
            ),
        ),
    ),
    StaffSection(
        "Observatoire",
        (
            StaffPage(
                "Scénarios d'ouverture de sites",
                "observatory:scenario_list",
                "Comparer des scénarios d'ouverture, lancer le calcul des meilleurs sites.",
            ),
            StaffPage(
                "Calculs lancés",
                "observatory:model_run_list",
                "Les derniers calculs des agents : leur avancement, leurs résultats.",
            ),
            StaffPage(
                "Importer des sites candidats",
                "observatory:candidate_import",
                "L'inventaire des sites publics et privés qui pourraient accueillir un "
                "tiers-lieu (fichier CSV).",
            ),
        ),
    ),
)


def staff_sections(user: User | AnonymousUser) -> list[tuple[str, list[StaffLink]]]:
    """The sections of SECTIONS holding a page `user` may open, as (heading, links), in the
    list's order; empty for anyone else than staff (the status pages ask their own rights:
    a few queries then, for the permissions)."""
    shown = []
    for section in SECTIONS:
        links = [
            StaffLink(page.title, reverse(page.url_name), page.summary)
            for page in section.pages
            if page.allowed(user)
        ]
        if links:
            shown.append((section.title, links))
    return shown
