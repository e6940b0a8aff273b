"""The link confirming an office request's address: signed, timestamped, valid MAX_AGE, and
good once (its digest covers the confirmation instant, which confirming sets)."""

from datetime import timedelta

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from maillage.core.text import ascii_digits
from maillage.offices.models import OfficeRequest

MAX_AGE = timedelta(days=3)
_SALT = "maillage.offices.request-confirmation"
ALREADY_CONFIRMED = "Cette demande est déjà confirmée : les lieux l'ont reçue."
GONE = "Cette demande n'existe plus : envoyez-la de nouveau."


class LinkRefused(Exception):
    """A confirmation link that cannot be used; str() says why, in French."""


class AlreadyConfirmed(LinkRefused):
    """The request of the link was confirmed already (the places have it)."""


def _digest(office_request: OfficeRequest) -> str:
    state = (
        f"{office_request.pk}|{office_request.email}|{office_request.created_at.isoformat()}"
        f"|{office_request.confirmed_at}"
    )
    return salted_hmac(_SALT, state).hexdigest()[:32]


def token(office_request: OfficeRequest) -> str:
    """The token of `office_request`'s confirmation link (a saved, unconfirmed request)."""
    return signing.TimestampSigner(salt=_SALT).sign(
        f"{office_request.pk}.{_digest(office_request)}"
    )


def request_of(value: str) -> OfficeRequest:
    """The unconfirmed request the token `value` was made for; LinkRefused (or
    AlreadyConfirmed) saying why it cannot be used."""
    try:
        signed = signing.TimestampSigner(salt=_SALT).unsign(value, max_age=MAX_AGE)
    except signing.SignatureExpired as error:
        raise LinkRefused(
            f"Ce lien de confirmation a expiré (il est valable {MAX_AGE.days} jours) : "
            "envoyez de nouveau votre demande."
        ) from error
    except signing.BadSignature as error:
        raise LinkRefused(
            "Ce lien de confirmation n'est pas valide : vérifiez qu'il a été copié en entier."
        ) from error
    pk, _, digest = signed.partition(".")
    found = OfficeRequest.objects.filter(pk=pk).first() if ascii_digits(pk) else None
    if found is None:
        raise LinkRefused(GONE)
    if found.confirmed_at is not None:
        raise AlreadyConfirmed(ALREADY_CONFIRMED)
    if not constant_time_compare(digest, _digest(found)):
        raise LinkRefused(
            "Ce lien de confirmation n'est pas valide : vérifiez qu'il a été copié en entier."
        )
    return found
