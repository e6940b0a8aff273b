"""The demo's community (fictional): the Département's referent, directory profiles of the
demo managers, an announcement, two shared documents (a PDF and a CSV made here, nothing
downloaded) and three funding opportunities (FEDER, FSE+, a call of the Département) whose
deadlines are ahead on the first run.

Idempotent and safe after any back-office change: the referent is named only when there is
none; a profile is written only for a demo manager without one (and still managing a place);
the announcement, each document and each opportunity are made only when none has their
title. Everything goes through the community's services, as staff and managers would.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.files.base import ContentFile
from fpdf import FPDF

from maillage.accounts.models import User
from maillage.booking.availability import wall_clock_instant
from maillage.community import announcements, documents, funding, services
from maillage.community.models import (
    Announcement,
    Document,
    DocumentCategory,
    Fund,
    FundingOpportunity,
    MemberProfile,
    Referent,
    Tag,
)
from maillage.places.permissions import is_manager

SUFFIX = " (exemple fictif)"


@dataclass(frozen=True)
class DemoProfile:
    """What a demo manager offers and seeks (themes by identifier)."""

    offers: str
    offer_tags: tuple[str, ...]
    seeks: str
    seek_tags: tuple[str, ...]


PROFILES = (
    DemoProfile(
        "Une salle de réunion de 20 places, libre le soir, et une imprimante 3D.",
        ("salle-de-reunion", "materiel"),
        "Un mentor pour bâtir notre modèle économique.",
        ("mentorat", "financement"),
    ),
    DemoProfile(
        "Accompagnement au montage de dossiers FEDER : nous l'avons fait deux fois.",
        ("mentorat", "financement"),
        "Des partenaires pour des ateliers numériques itinérants.",
        ("partenariat", "formation"),
    ),
    DemoProfile(
        "Des bénévoles pour animer des ateliers de réparation.",
        ("benevolat", "formation"),
        "Du mobilier et du matériel de visioconférence.",
        ("materiel",),
    ),
)


def demo_pdf(lines: list[str]) -> bytes:
    """A one-page PDF showing `lines` (Latin-1 text), made here with fpdf2."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    for line in lines:
        pdf.multi_cell(0, 8, text=line or " ", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


@dataclass(frozen=True)
class DemoDocument:
    """A shared document of the demo; `content` makes its file (when it is added)."""

    title: str
    category: str
    description: str
    name: str
    content: Callable[[], bytes]


DOCUMENTS = (
    DemoDocument(
        "Statuts type d'une SCIC de tiers-lieu" + SUFFIX,
        DocumentCategory.STATUTES,
        "Une trame de statuts de société coopérative d'intérêt collectif, à adapter.",
        "statuts-type.pdf",
        lambda: demo_pdf(
            [
                "Statuts type d'une SCIC de tiers-lieu (exemple fictif)",
                "",
                "Article 1 - Forme : société coopérative d'intérêt collectif.",
                "Article 2 - Objet : animer un tiers-lieu ouvert à tous.",
            ]
        ),
    ),
    DemoDocument(
        "Demande des entreprises par commune" + SUFFIX,
        DocumentCategory.COMPANIES,
        "Bureaux et postes recherchés par des entreprises qui hésitent à partir pour Paris.",
        "demande-entreprises.csv",
        lambda: (
            "commune;bureaux recherchés;postes\nBoulogne-Billancourt;4;18\nNanterre;3;12\n"
            "Issy-les-Moulineaux;2;9\n"
        ).encode(),
    ),
)


def _opportunities(today: date) -> list[dict[str, object]]:
    def deadline(days: int, moment: time) -> datetime:
        return wall_clock_instant(datetime.combine(today + timedelta(days=days), moment))

    return [
        {
            "title": "Tiers-lieux et inclusion numérique" + SUFFIX,
            "funder": "Région Île-de-France, autorité de gestion du FEDER",
            "fund": Fund.FEDER,
            "description": "Équipement numérique et aménagement de tiers-lieux dans les "
            "quartiers prioritaires.",
            "eligibility": "Associations, SCIC et collectivités portant un tiers-lieu ouvert "
            "au public ; cofinancement d'au moins 40 %.",
            "for_managers": True,
            "for_project_holders": True,
            "for_companies": False,
            "amount_min_cents": 20_000_00,
            "amount_max_cents": 300_000_00,
            "opens_on": today - timedelta(days=15),
            "deadline": deadline(60, time(12)),
            "link": "https://www.europeidf.fr/",
        },
        {
            "title": "Accompagner les demandeurs d'emploi vers le numérique" + SUFFIX,
            "funder": "État, DREETS Île-de-France",
            "fund": Fund.FSE_PLUS,
            "description": "Ateliers et parcours pour les personnes éloignées de l'emploi, "
            "dans des tiers-lieux.",
            "eligibility": "Structures accueillant des demandeurs d'emploi ; suivi des "
            "participants exigé par le FSE+.",
            "for_managers": True,
            "for_project_holders": False,
            "for_companies": False,
            "amount_min_cents": None,
            "amount_max_cents": 80_000_00,
            "opens_on": None,
            "deadline": deadline(25, time(17)),
            "link": "https://fse.gouv.fr/",
        },
        {
            "title": "Appel à projets « Tiers-lieux du Département »" + SUFFIX,
            "funder": "Département des Hauts-de-Seine",
            "fund": Fund.DEPARTEMENT,
            "description": "Aide à l'ouverture de tiers-lieux dans les communes peu "
            "couvertes, et aux entreprises qui s'y installent.",
            "eligibility": "Projets situés dans le département ; ouverture prévue dans les "
            "18 mois.",
            "for_managers": False,
            "for_project_holders": True,
            "for_companies": True,
            "amount_min_cents": 5_000_00,
            "amount_max_cents": 50_000_00,
            "opens_on": today + timedelta(days=5),
            "deadline": deadline(45, time(23, 59)),
            "link": "",
        },
    ]


def load_community(staff: User, managers: list[User], today: date) -> None:
    """The demo's community, made as `staff` and the demo `managers` (see the module):
    what is missing only. `today`: a Paris day."""
    if Referent.objects.current() is None:
        services.set_referent(
            staff,
            name="Claire Fontaine",
            title="Chargée de mission tiers-lieux" + SUFFIX,
            email="referente.tiers-lieux@exemple.test",
            phone="01 41 37 11 00",
            presentation="Je réponds à vos questions sur le réseau, les financements et "
            "l'ouverture d'un tiers-lieu, et j'anime les rencontres des gestionnaires.",
        )
    for manager, profile in zip(managers, PROFILES, strict=False):
        if MemberProfile.objects.filter(user=manager).exists() or not is_manager(manager):
            continue
        place = manager.managed_places.order_by("name").first()
        services.save_profile(
            manager,
            display_name=f"{manager.first_name}, {place.name}" if place else manager.first_name,
            offers=profile.offers,
            offer_tags=Tag.objects.filter(slug__in=profile.offer_tags),
            seeks=profile.seeks,
            seek_tags=Tag.objects.filter(slug__in=profile.seek_tags),
            listed=True,
        )
    title = "Rencontre des gestionnaires de tiers-lieux" + SUFFIX
    if not Announcement.objects.filter(title=title).exists():
        announcements.publish(
            staff,
            title=title,
            body="Bonjour à toutes et à tous,\n\nLa prochaine rencontre du réseau aura lieu "
            "dans un tiers-lieu de Nanterre. Au programme : les financements européens et "
            "l'accueil des entreprises.\n\nClaire Fontaine",
        )
    for document in DOCUMENTS:
        if not Document.objects.filter(title=document.title).exists():
            documents.add_document(
                staff,
                title=document.title,
                category=document.category,
                description=document.description,
                upload=ContentFile(document.content(), name=document.name),
            )
    for fields in _opportunities(today):
        if not FundingOpportunity.objects.filter(title=fields["title"]).exists():
            funding.save_opportunity(staff, None, fields)
