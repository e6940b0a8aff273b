"""«Mes tarifs et pass» (the rates held, credit and quota left, the children's passes), and who
may join or leave a programme for a place (the managers' page: tests/programmes/test_pages)."""

import re

import pytest
from django.urls import reverse

from maillage.booking import services as booking
from maillage.booking.models import Channel
from maillage.eligibility.models import ChildProfile
from maillage.programmes import services
from maillage.programmes.models import Membership, ProgrammePlace
from tests.booking import on_page
from tests.factories import ManagerFactory, PlaceFactory, VerifiedUserFactory
from tests.moments import NOW, paris
from tests.pages import text
from tests.programmes.builders import a_pass, employer_quota, programme, staff, verified

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_at_now")]


def pass_programme(place):
    return a_pass(place, 8000, bursary_cents=10000, name="Pass+")


def test_my_programmes_show_credit_and_quota_left(client, desks, booker):
    programme(desks.place)
    pass_programme(desks.place)
    employer_quota(desks.place, [booker], quota_days=3, priority=10)
    verified(booker, "rsa")
    child = ChildProfile.objects.create(
        parent=booker, first_name="Léa", birth_year=2013, school="Collège Jean Jaurès"
    )
    verified(booker, "collegien", child=child, bursary=True)
    # Two days of the quota spent this week, and 8 € of Léa's pass.
    on_page.book(booker, desks.pk, paris(2026, 12, 1, 9), paris(2026, 12, 1, 10), now=NOW)
    on_page.book(booker, desks.pk, paris(2026, 12, 2, 9), paris(2026, 12, 2, 10), now=NOW)
    booking.book(
        booker,
        desks.pk,
        paris(2026, 12, 3, 9),
        paris(2026, 12, 3, 10, 30),
        now=NOW,
        channel=Channel.PAGE,
        funded=booking.Funded(child_id=child.pk),
    )
    client.force_login(booker)
    page = text(client.get(reverse("programmes:mine")))
    assert "Tarif solidaire" in page
    assert "Vous payez 25\u00a0% du prix public" in page
    assert "Jours restants : 1</strong> sur 3 (période commencée le 30 novembre 2026)" in page
    assert "Léa" in page
    # 9:00–10:30, two started hours at 4 €.
    assert (
        "Crédit restant : 92 €</strong> sur 100 € (période commencée le 1er septembre 2026)" in page
    )
    assert "rsa" not in page.lower() and "collégien" not in page.lower()
    assert reverse("programmes:mine") in text(client.get(reverse("accounts:account")))


def test_my_programmes_show_what_is_left_under_a_rate_s_caps(client, desks, booker):
    programme(desks.place, cap_days_per_month=12, cap_cents=5000, cap_period="month")
    verified(booker, "rsa")
    on_page.book(booker, desks.pk, paris(2026, 12, 1, 9), paris(2026, 12, 1, 10), now=NOW)
    client.force_login(booker)
    page = text(client.get(reverse("programmes:mine")))
    assert "Jours restants ce mois-ci : <strong>11</strong> sur 12." in page
    # 1 h at 4 €: the programme paid 3 €.
    assert (
        "Montant restant : <strong>47 €</strong> sur 50 € (période commencée le 1er décembre 2026)."
        in page
    )


def test_my_programmes_without_any(client, booker):
    client.force_login(booker)
    assert "Aucun tarif solidaire ni pass" in text(client.get(reverse("programmes:mine")))
    client.logout()
    response = client.get(reverse("programmes:mine"))
    assert response.status_code == 302 and "/connexion/" in response["Location"]


@pytest.fixture
def social_rate():
    """A programme no place has joined yet."""
    return programme([])


def join_url(place, made):
    return reverse("programmes:join", args=[place.slug, made.pk])


def leave_url(place, made):
    return reverse("programmes:leave", args=[place.slug, made.pk])


@pytest.mark.parametrize("who", ["other_manager", "resident", "anonymous"])
def test_only_the_places_managers_join_or_leave(client, place, social_rate, who):
    services.join(ManagerFactory(places=[place]), social_rate, place)
    if who == "other_manager":
        client.force_login(ManagerFactory(places=[PlaceFactory(slug="ailleurs")]))
    elif who == "resident":
        client.force_login(VerifiedUserFactory())
    join = client.post(join_url(place, social_rate), {"accepte": "oui"})
    leave = client.post(leave_url(place, social_rate))
    page = client.get(reverse("programmes:manager"))
    if who == "anonymous":
        assert all(r.status_code == 302 and "/connexion/" in r["Location"] for r in (join, leave))
        assert page.status_code == 302
    else:
        assert (join.status_code, leave.status_code) == (403, 403)
        assert page.status_code == (200 if who == "other_manager" else 403)
        if who == "other_manager":
            assert join_url(place, social_rate) not in text(page)
            assert leave_url(place, social_rate) not in text(page)
    assert ProgrammePlace.objects.get().left_at is None


def test_my_programmes_list_the_places_where_to_use_them(client, desks, other_place, booker):
    """Each programme held, with the places that joined it and have not left (linked to
    their pages); a quota only where the employer allows the member; a programme no place
    has joined yet says so."""
    ruche = desks.place
    left = PlaceFactory(slug="parti", name="Lieu parti")
    closed = PlaceFactory(slug="ferme", name="Lieu fermé", status="closed")
    rate = programme([ruche, other_place, left, closed])
    services.leave(staff(), rate, left)
    quota = employer_quota([ruche, other_place], [booker], public_label="Télétravail")
    Membership.objects.get(employer=quota.employer).places.set([other_place])
    a_pass([], 8000, name="Pass", categories=("rsa",), public_label="Pass sans lieu")
    verified(booker, "rsa")
    client.force_login(booker)
    page = text(client.get(reverse("programmes:mine")))
    sections = {
        label: page[page.index(f"<h3>{label}</h3>") :].split("</li>\n", 1)[0]
        for label in ("Tarif solidaire", "Télétravail", "Pass sans lieu")
    }
    linked = re.compile(r'<a href="([^"]+)">([^<]+)</a>')
    assert linked.findall(sections["Tarif solidaire"]) == [
        (ruche.get_absolute_url(), ruche.name),
        (other_place.get_absolute_url(), other_place.name),
    ]
    assert linked.findall(sections["Télétravail"]) == [
        (other_place.get_absolute_url(), other_place.name)
    ]
    assert "Aucun lieu ne participe encore à ce dispositif" in sections["Pass sans lieu"]
    assert "Aucun lieu ne participe" not in sections["Tarif solidaire"]
    assert client.get(ruche.get_absolute_url()).status_code == 200
