"""The shared documents: Département staff add them (their file checked by content,
community.files) and delete them; members download them.

Documents are for members only: their files are kept in a storage of their own
(`STORAGES["community_documents"]`, under `MAILLAGE_DATA_DIR/private/documents`, never
under the served media) and served by the documents' page to members, as attachments.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from maillage.accounts.roles import require_departement_staff
from maillage.community import files, history
from maillage.community.models import CommunityAction, Document

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from maillage.accounts.models import User


def add_document(
    actor: User | AnonymousUser,
    *,
    title: str,
    category: str,
    description: str = "",
    upload: File,
    now: datetime | None = None,
) -> Document:
    """Add a document (staff only): `upload`, a file as received (its `name` and `size`),
    checked by content (PDF, OpenDocument, Office or CSV, files.MAX_BYTES at most) and
    stored under a random name with its kind's extension; recorded in the community's log.
    Raises PermissionDenied or ValidationError (fields named: «file» for the file's
    refusal), and then writes nothing."""
    staff = require_departement_staff(actor)
    document = Document(
        title=title.strip(),
        category=category,
        description=description.strip(),
        uploaded_at=now or timezone.now(),
        uploaded_by=staff,
    )
    errors: dict[str, list[str]] = {}
    try:
        document.kind = files.check(upload, upload.size, upload.name or "")
        document.size_bytes = upload.size
    except files.DocumentRefused as error:
        errors["file"] = [str(error)]
    try:
        document.full_clean(exclude=["file", "kind", "size_bytes"])
    except ValidationError as error:
        errors = {**error.message_dict, **errors}
    if errors:
        raise ValidationError(errors)
    name = f"{uuid.uuid4().hex}.{files.KINDS[document.kind].extension}"
    document.file.save(name, upload, save=False)
    try:
        with transaction.atomic():
            document.save()
            history.record(staff, CommunityAction.DOCUMENT_ADDED, document, document.uploaded_at)
    except BaseException:
        document.file.storage.delete(document.file.name or name)
        raise
    return document


def delete_document(
    actor: User | AnonymousUser, document_id: int, now: datetime | None = None
) -> bool:
    """Delete a document (staff only), recorded in the community's log; its file goes once
    the deletion commits. Idempotent: False when it is gone already (deleted by another
    click at the same time: then nothing is written), True when this call deleted it.
    Raises PermissionDenied."""
    staff = require_departement_staff(actor)
    with transaction.atomic():
        # Locked: of two deletions at once, the second finds no row once the first commits.
        document = Document.objects.select_for_update().filter(pk=document_id).first()
        if document is None:
            return False
        storage, name = document.file.storage, document.file.name
        history.record(staff, CommunityAction.DOCUMENT_DELETED, document, now or timezone.now())
        document.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name), robust=True)
    return True
