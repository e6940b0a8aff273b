from __future__ import annotations

import re
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.files import File
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.fr import siren, siret

# The rule is core's (accounts checks a person's phone too); models and migrations name it here.
from maillage.core.validators import validate_french_phone as validate_french_phone
from maillage.places import photos

POSTAL_CODE = re.compile(r"\d{5}")


def _company_number(check: Callable[[str], object], value: str, name: str, digits: int) -> None:
    """`check` (python-stdnum's validate of a SIRET or SIREN) on `value`, its refusals in
    French naming the number (`name`) and its length."""
    code = name.lower()
    try:
        check(value)
    except InvalidLength as error:
        raise ValidationError(
            f"Le {name} doit comporter {digits} chiffres.", code=f"{code}_length"
        ) from error
    except InvalidFormat as error:
        raise ValidationError(
            f"Le {name} ne doit contenir que des chiffres.", code=f"{code}_format"
        ) from error
    except InvalidChecksum as error:
        raise ValidationError(
            f"Ce {name} n'est pas valide (la clé de contrôle ne correspond pas).",
            code=f"{code}_checksum",
        ) from error


def validate_siret(value: str) -> None:
    """A place's SIRET (14 digits, Luhn key), spaces already removed; French messages."""
    _company_number(siret.validate, value, "SIRET", 14)


def validate_siren(value: str) -> None:
    """A company's SIREN (9 digits, Luhn key), spaces already removed; French messages."""
    _company_number(siren.validate, value, "SIREN", 9)


def validate_postal_code(value: str) -> None:
    if not POSTAL_CODE.fullmatch(value):
        raise ValidationError("Le code postal doit comporter 5 chiffres.", code="postal_code")


def validate_photo(value: File[bytes]) -> None:
    """Refuse a photo that is not JPEG, PNG or WebP by its content, is damaged, or has more
    than 40 megapixels (places.photos). ``value`` is an uploaded file or a stored FieldFile."""
    stream = getattr(value, "file", value)
    try:
        photos.open_photo(stream).close()
    except photos.PhotoRefused as refused:
        raise ValidationError(str(refused), code="photo") from refused
    finally:
        stream.seek(0)
