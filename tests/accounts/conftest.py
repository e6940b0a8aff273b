import pytest

from maillage.accounts.models import User
from tests.accounts.helpers import STRONG_PASSWORD


@pytest.fixture
def signup_data():
    return {
        "email": "Camille.Martin@Exemple.test",
        "first_name": "Camille",
        "last_name": "Martin",
        "password1": STRONG_PASSWORD,
        "password2": STRONG_PASSWORD,
    }


@pytest.fixture
def unverified_user(db):
    return User.objects.create_user("nouveau@exemple.test", STRONG_PASSWORD, first_name="Noé")
