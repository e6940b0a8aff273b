"""The Département staff's pages in one list (web.staff_pages): the hub «/departement/» and the
back-office's «Pages du Département» show the same links, each to those who may open it; the
menu's «Département» leads staff to the hub."""

import pytest
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.html import escape

from maillage.accounts.roles import has_departement_rights
from maillage.web.staff_pages import SECTIONS
from tests.factories import ManagerFactory, StaffFactory, VerifiedUserFactory
from tests.fixtures.eligibility import PRESCRIBERS, VERIFIERS

pytestmark = pytest.mark.django_db

# The GET pages under /departement/ without a path argument that the list leaves out, and why.
NOT_LISTED = {
    "web:staff_hub": "the hub itself",
    "eligibility:staff_home": "a redirect to the requests or the grant page, both listed",
    "offices:demand_csv": "the demand page's export, linked from it",
    "reimbursements:dashboard_csv": "the budget dashboard's export, linked from it",
    "reimbursements:dashboard_spreadsheet": "the budget dashboard's export, linked from it",
}


def listed_pages():
    return [page for section in SECTIONS for page in section.pages]


def departement_pages(patterns, prefix="", namespace=""):
    """URL names of the patterns under departement/ that take no path argument."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from departement_pages(
                pattern.url_patterns, route, pattern.namespace or namespace
            )
        elif (
            isinstance(pattern, URLPattern)
            and route.startswith("departement/")
            and not pattern.pattern.converters
        ):
            yield f"{namespace}:{pattern.name}"


def test_every_departement_page_is_listed_once():
    names = [page.url_name for page in listed_pages()]
    assert len(names) == len(set(names))
    found = set(departement_pages(get_resolver().url_patterns))
    assert {"offices:demand", "manager:listing_requests"} <= found
    assert found - set(names) - NOT_LISTED.keys() == set(), "add the page to web.staff_pages"


def test_only_staff_open_the_hub(client, place):
    hub = reverse("web:staff_hub")
    response = client.get(hub)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={hub}"
    for person in (VerifiedUserFactory(), ManagerFactory(places=[place])):
        client.force_login(person)
        refused = client.get(hub)
        assert refused.status_code == 403
        assert "réservée aux agents du Département" in refused.content.decode()
    client.force_login(StaffFactory())
    assert client.get(hub).status_code == 200


def test_the_hub_and_the_back_office_show_the_same_list(client, categories):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=VERIFIERS), Group.objects.get(name=PRESCRIBERS))
    client.force_login(staff)
    hub = client.get(reverse("web:staff_hub")).content.decode()
    back_office = client.get(reverse("admin:index")).content.decode()
    for section in SECTIONS:
        assert f">{section.title}</h2>" in hub
        assert f"<h3>{section.title}</h3>" in back_office
        for page in section.pages:
            link = f'<a href="{reverse(page.url_name)}">{escape(page.title)}</a>'
            assert link in hub, page.url_name
            assert link in back_office, page.url_name
            assert escape(page.summary) in hub
    assert f'href="{reverse("admin:index")}"' in hub
    assert f'href="{reverse("web:staff_hub")}"' in back_office


def test_the_status_pages_are_listed_to_those_holding_their_right(client, categories):
    staff = StaffFactory()
    client.force_login(staff)
    requests, grant = reverse("eligibility:requests"), reverse("eligibility:grant")
    for page in ("web:staff_hub", "admin:index"):
        shown = client.get(reverse(page)).content.decode()
        assert f'href="{requests}"' not in shown
        assert f'href="{grant}"' not in shown
        assert f'href="{reverse("offices:demand")}"' in shown
    staff.groups.add(Group.objects.get(name=VERIFIERS))
    for page in ("web:staff_hub", "admin:index"):
        shown = client.get(reverse(page)).content.decode()
        assert f'href="{requests}"' in shown
        assert f'href="{grant}"' not in shown


def test_every_page_listed_for_staff_opens_for_them(client, territory):
    client.force_login(StaffFactory())
    for page in listed_pages():
        if page.allowed is has_departement_rights:
            assert client.get(reverse(page.url_name)).status_code == 200, page.url_name


def test_the_menu_marks_the_departement_pages_as_current(client):
    client.force_login(StaffFactory())
    link = f'<a href="{reverse("web:staff_hub")}" aria-current="page">Département</a>'
    assert link in client.get(reverse("web:staff_hub")).content.decode()
    assert link in client.get(reverse("offices:demand")).content.decode()
    home = client.get(reverse("web:home")).content.decode()
    assert link not in home
    assert f'<a href="{reverse("web:staff_hub")}">Département</a>' in home
