"""Directory and observatory query parameters: bad values are named in French, never a 500."""

import html

import pytest
from django.urls import reverse

from maillage.web.filters import SEARCH_MAX_LENGTH
from tests.factories import PlaceFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.parametrize(
    ("page", "shown"),
    [(str(10**30), 2), ("9" * 5000, 1), ("-1", 1), ("inf", 1), ("nan", 1), ("2", 2)],
)
def test_a_directory_page_out_of_range_says_which_page_is_shown(client, commune, page, shown):
    for number in range(15):
        PlaceFactory(commune=commune, name=f"Lieu {number:02d}", slug=f"lieu-{number}")
    response = client.get(reverse("web:place_list"), {"page": page})
    assert response.status_code == 200 and response.context["page"].number == shown
    warned = f"« Page » : choisissez un numéro de page entre 1 et 2 ; voici la page {shown}."
    assert (warned in text(response)) == (page != "2")


def test_a_search_longer_than_a_few_words_is_refused(client, place):
    response = client.get(reverse("web:place_list"), {"q": "lieu " * SEARCH_MAX_LENGTH})
    assert response.status_code == 200 and not response.context["page"].object_list
    assert f"au plus {SEARCH_MAX_LENGTH} caractères" in text(response)
    geojson = client.get(reverse("web:places_geojson"), {"q": "lieu " * SEARCH_MAX_LENGTH})
    assert geojson.json()["features"] == []


@pytest.mark.parametrize("slug", ["\x00", "a b", "é" * 3, "../lieux"])
def test_the_map_refuses_a_slug_that_is_not_one(client, place, slug):
    response = client.get(reverse("web:places_geojson"), {"slug": slug})
    assert response.status_code == 400
    assert response.json() == {
        "erreur": "« slug » : identifiant de lieu attendu (lettres, chiffres et tirets)."
    }
    found = client.get(reverse("web:places_geojson"), {"slug": place.slug}).json()
    assert [f["properties"]["name"] for f in found["features"]] == [place.name]


@pytest.mark.parametrize("threshold", ["abc", "12", str(10**30), "inf", "-15", "\x00"])
def test_a_bad_threshold_is_named_on_the_page_and_refused_in_downloads(client, place, threshold):
    refusal = "« Seuil d'accès » : choisissez 5, 10, 15, 20 ou 30 minutes à pied."
    page = client.get(reverse("observatory:public"), {"seuil": threshold})
    assert page.status_code == 200 and page.context["report"].threshold == 15
    assert f"{refusal} Voici le seuil de 15 minutes." in text(page)
    for name in (
        "observatory:indicators_csv",
        "observatory:indicators_spreadsheet",
        "observatory:zones_geojson",
    ):
        download = client.get(reverse(name), {"seuil": threshold})
        assert download.status_code == 400 and download.content.decode() == refusal
