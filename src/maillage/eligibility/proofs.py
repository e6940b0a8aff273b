"""Proofs of a status: what is accepted, judged by content. Pure (no Django).

A proof is a PDF, JPEG or PNG file of at most MAX_BYTES, recognised by its first bytes (its
«magic number»: `%PDF-`, `FF D8 FF`, `89 50 4E 47 0D 0A 1A 0A`), never by its name or the
type the browser declared. The stored copy is named by a random identifier and the detected
kind's extension, so that nothing the person typed (a file name may hold their name) is kept.
"""

from typing import IO

MAX_BYTES = 5 * 1024 * 1024
MAX_TEXT = "5 Mo"
# Detected kind → (name shown, extension of the stored copy, content type when served).
KINDS = {
    "pdf": ("PDF", "pdf", "application/pdf"),
    "jpeg": ("JPEG", "jpg", "image/jpeg"),
    "png": ("PNG", "png", "image/png"),
}
_SIGNATURES = (
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
)
ALLOWED_TEXT = "seuls les formats PDF, JPEG et PNG sont acceptés"


class ProofRefused(ValueError):
    """The file is not a proof the platform accepts; str() says why, in French, naming the
    field («Justificatif»)."""


def kind_of(head: bytes) -> str | None:
    """The kind ("pdf", "jpeg", "png") whose signature starts `head`, or None."""
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    return None


def check(stream: IO[bytes], size: int | None) -> str:
    """The kind of an uploaded proof (read from its start, left at its start), or
    ProofRefused: empty, over MAX_BYTES (`size`: the bytes received, which Django counts
    itself), or not a PDF, JPEG or PNG by content."""
    if size is not None and size > MAX_BYTES:
        raise ProofRefused(f"« Justificatif » : le fichier dépasse {MAX_TEXT}.")
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    if not head:
        raise ProofRefused("« Justificatif » : le fichier est vide.")
    kind = kind_of(head)
    if kind is None:
        raise ProofRefused(
            f"« Justificatif » : ce fichier n'est ni un PDF, ni une image JPEG ou PNG "
            f"(d'après son contenu) : {ALLOWED_TEXT}."
        )
    return kind


def stored_kind(name: str) -> tuple[str, str, str] | None:
    """(name shown, extension, content type) of a stored proof, from the extension its
    name was given after the content was checked; None for any other name."""
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    return next((kind for kind in KINDS.values() if kind[1] == extension), None)
