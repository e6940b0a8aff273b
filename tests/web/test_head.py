"""Every page read with GET answers HEAD as it answers GET (a link checker, a monitoring
probe, a browser's prefetch): the project's views allow GET, HEAD and POST, never GET and
POST alone. And HEAD is read like GET, never like POST: it cancels, verifies, logs in and
writes nothing (a view must test `request.method == "POST"`, not `== "GET"`).

The pages are those of tests/web/test_query_fuzz.py (PAGES: every page of the URL
configuration, with who may see it)."""

import pytest
from django.urls import reverse

from maillage.accounts import services as accounts_services
from maillage.accounts.models import User
from tests.web.test_query_fuzz import PAGES, FuzzData, row_counts

pytestmark = pytest.mark.django_db


def test_every_page_answers_head_as_get_and_head_writes_nothing(client, territory):
    data = FuzzData(territory)
    differ = []
    for name, page in sorted(PAGES.items()):
        if page.role == "anonymous":
            client.logout()
        else:
            client.force_login(data.users[page.role])
        url = data.url(name)
        before = row_counts()
        head = client.head(url).status_code
        if row_counts() != before:
            differ.append(f"{name}: HEAD wrote rows")
        got = client.get(url).status_code
        if head != got or head == 405:
            differ.append(f"{name}: GET {got}, HEAD {head}")
    assert differ == [], "\n".join(differ)


def test_head_on_an_email_verification_link_neither_verifies_nor_logs_in(client):
    user = User.objects.create_user("nouveau@exemple.test", "x")
    link = reverse("accounts:verify_email", args=[accounts_services.verification_token(user)])
    response = client.head(link)
    assert response.status_code == 200 and response.content == b""
    assert User.objects.get().email_verified_at is None
    assert "_auth_user_id" not in client.session
