import pytest
from django.core.exceptions import ValidationError

from maillage.places.validators import validate_french_phone, validate_postal_code, validate_siret


@pytest.mark.parametrize("value", ["73282932000074", "35600000000048"])
def test_valid_siret(value):
    validate_siret(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("73282932000075", "siret_checksum"),
        ("7328293200007", "siret_length"),
        ("7328293200007A", "siret_format"),
    ],
)
def test_invalid_siret_says_why(value, code):
    with pytest.raises(ValidationError) as error:
        validate_siret(value)
    assert error.value.code == code


@pytest.mark.parametrize(
    "value", ["01 23 45 67 89", "0123456789", "+33 1 23 45 67 89", "06.12.34.56.78"]
)
def test_valid_phone(value):
    validate_french_phone(value)


@pytest.mark.parametrize("value", ["123", "00 23 45 67 89", "01 23 45 67", "téléphone"])
def test_invalid_phone(value):
    with pytest.raises(ValidationError, match="Numéro de téléphone invalide"):
        validate_french_phone(value)


@pytest.mark.parametrize(("value", "valid"), [("92100", True), ("9210", False), ("92A00", False)])
def test_postal_code(value, valid):
    if valid:
        validate_postal_code(value)
    else:
        with pytest.raises(ValidationError, match="5 chiffres"):
            validate_postal_code(value)
