"""What the community's tests start from: files of each kind, and one of each object."""

import io
import zipfile
from datetime import timedelta

from django.core.files.storage import Storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from maillage.community import announcements, documents, funding, services
from maillage.community.models import Announcement, Document, FundingOpportunity, MemberProfile

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
CSV = "commune;lieux\nBoulogne-Billancourt;3\nSèvres;1\n".encode("cp1252")


def archive(entries: dict[str, bytes]) -> bytes:
    """A ZIP archive holding `entries` (name → content), in that order; the same bytes at
    every call (entries dated 1 January 2026, not now: a test compares two calls)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as written:
        for name, content in entries.items():
            written.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), content)
    return buffer.getvalue()


def opendocument(mimetype: str, *extra: str) -> bytes:
    """An OpenDocument file of `mimetype` (its `mimetype` entry first), with `extra` entries."""
    return archive(
        {"mimetype": mimetype.encode(), "content.xml": b"<office/>", **{e: b"x" for e in extra}}
    )


def office(folder: str, *extra: str) -> bytes:
    """An Office Open XML file whose parts are in `folder` («word/», «xl/», «ppt/»)."""
    return archive(
        {
            "[Content_Types].xml": b"<Types/>",
            f"{folder}document.xml": b"<doc/>",
            **{e: b"x" for e in extra},
        }
    )


def stored_files() -> Storage:
    """The storage the documents' files are written to: the model field's own (the one
    `document_storage()` gave when the model was loaded; a test changing STORAGES, such as
    tests/places' photos, makes Django build new ones)."""
    return Document._meta.get_field("file").storage


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    """A file as a page receives it."""
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def opportunity_fields(**changes) -> dict:
    """A FEDER call closing in 30 days (Paris 12:00), for managers and project holders."""
    deadline = (timezone.localtime() + timedelta(days=30)).replace(
        hour=12, minute=0, second=0, microsecond=0
    )
    return {
        "title": "Tiers-lieux et inclusion numérique",
        "funder": "Région Île-de-France",
        "fund": "feder",
        "description": "Équipement et animation des tiers-lieux.",
        "eligibility": "Structures de l'économie sociale et solidaire.",
        "for_managers": True,
        "for_project_holders": True,
        "for_companies": False,
        "amount_min_cents": 10_000_00,
        "amount_max_cents": 200_000_00,
        "opens_on": timezone.localdate() - timedelta(days=10),
        "deadline": deadline,
        "link": "https://www.iledefrance.fr/",
        **changes,
    }


def community_samples(
    staff, manager
) -> tuple[MemberProfile, Announcement, Document, FundingOpportunity]:
    """A listed profile of `manager`, an announcement, a PDF document and a FEDER call,
    all made by the services as `staff` (and `manager` for the profile)."""
    profile = services.save_profile(manager, display_name="Léa, La Ruche", listed=True)
    announcement = announcements.publish(staff, title="Bienvenue", body="Premier message.")
    document = documents.add_document(
        staff, title="Statuts type", category="statutes", upload=upload("statuts.pdf", PDF)
    )
    opportunity = funding.save_opportunity(staff, None, opportunity_fields())
    return profile, announcement, document, opportunity
