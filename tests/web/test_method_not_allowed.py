"""A POST-only address opened with GET (from the history, a bookmark, a shared link) answers
a French 405 page with a way back to the page above, never an empty page (the API keeps its
problem details: tests/api/test_errors.py)."""

import pytest
from django.urls import reverse

from tests.factories import VerifiedUserFactory
from tests.pages import text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "args", "parent"),
    [("accounts:logout", [], "/"), ("events:register", [3], "/agenda/3/")],
)
def test_a_post_only_address_opened_again_explains_itself(client, name, args, parent):
    client.force_login(VerifiedUserFactory())
    response = client.get(reverse(name, args=args))
    assert response.status_code == 405
    assert "POST" in response["Allow"]
    assert "Cette adresse ne s'ouvre pas directement" in text(response)
    assert f'<a href="{parent}">Revenir à la page précédente</a>' in response.content.decode()
