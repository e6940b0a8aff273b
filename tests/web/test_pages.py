from datetime import time, timedelta

import pytest
from django.urls import reverse

from maillage.places.models import Closure, OpeningHours, Service, Space, today_in_paris
from tests.factories import PlaceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(commune, other_commune):
    """A small network: Boulogne has an open fibre place and a project, Nanterre an open one."""
    fibre = PlaceFactory(
        commune=commune,
        name="La Ruche Boulogne",
        slug="la-ruche-boulogne",
        broadband_technology="fibre",
        broadband_down_mbps=1000,
        broadband_up_mbps=500,
        step_free_access=True,
        is_fictional=True,
    )
    fibre.services.add(Service.objects.get(slug="fablab"))
    Space.objects.create(
        place=fibre,
        name="Open space",
        kind="desk",
        capacity=20,
        price_hour_cents=400,
        price_half_day_cents=1250,
        price_day_cents=2000,
    )
    Space.objects.create(place=fibre, name="Salle Seine", kind="meeting_room", capacity=8)
    OpeningHours.objects.create(place=fibre, weekday=0, opens=time(9), closes=time(12, 30))
    OpeningHours.objects.create(place=fibre, weekday=0, opens=time(14), closes=time(19))
    start = today_in_paris() + timedelta(days=20)
    Closure.objects.create(
        place=fibre, start_date=start, end_date=start + timedelta(days=2), reason="Travaux"
    )
    project = PlaceFactory(
        commune=commune,
        name="Le Projet Boulogne",
        slug="le-projet",
        status="project",
        opening_date=None,
    )
    nanterre = PlaceFactory(
        commune=other_commune, name="Le Quai Nanterre", slug="le-quai", broadband_down_mbps=20
    )
    Space.objects.create(place=nanterre, name="Bureau 1", kind="private_office", capacity=4)
    closed = PlaceFactory(
        commune=other_commune, name="L'Ancien Nanterre", slug="ancien", status="closed"
    )
    return {"fibre": fibre, "project": project, "nanterre": nanterre, "closed": closed}


def listed_names(client, **query) -> list[str]:
    response = client.get(reverse("web:place_list"), query)
    assert response.status_code == 200
    return [place.name for place in response.context["page"]]


def test_home(client, network):
    response = client.get(reverse("web:home"))
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures.open_places == 2
    assert figures.seats == 24  # desks and private offices of open places
    assert figures.upcoming_places == 1
    assert figures.communes == 36
    assert figures.communes_without_open_place == 34
    html = response.content.decode()
    assert "Exemple fictif" in html
    assert 'lang="fr"' in html


def test_directory_hides_closed_places_unless_asked(client, network):
    assert listed_names(client) == ["La Ruche Boulogne", "Le Projet Boulogne", "Le Quai Nanterre"]
    assert listed_names(client, status="closed") == ["L'Ancien Nanterre"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"commune": "92050"}, ["Le Quai Nanterre"]),
        ({"ept": "Grand Paris Seine Ouest"}, ["La Ruche Boulogne", "Le Projet Boulogne"]),
        ({"status": "project"}, ["Le Projet Boulogne"]),
        ({"service": "fablab"}, ["La Ruche Boulogne"]),
        ({"thd": "on"}, ["La Ruche Boulogne"]),
        ({"accessibility": "step_free_access"}, ["La Ruche Boulogne"]),
        ({"space_kind": "private_office"}, ["Le Quai Nanterre"]),
        ({"space_kind": "desk"}, ["La Ruche Boulogne"]),
        ({"q": "quai"}, ["Le Quai Nanterre"]),
        ({"q": "92100"}, ["La Ruche Boulogne", "Le Projet Boulogne"]),
        ({"q": "ruche boulogne"}, ["La Ruche Boulogne"]),
        ({"commune": "92050", "thd": "on"}, []),
    ],
)
def test_directory_filters(client, network, query, expected):
    assert listed_names(client, **query) == expected


def test_an_unknown_filter_value_is_explained_not_crashed(client, network):
    response = client.get(reverse("web:place_list"), {"commune": "99999"})
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_pagination_keeps_the_filters_in_the_url(client, commune):
    for number in range(15):
        PlaceFactory(commune=commune, name=f"Lieu {number:02d}", slug=f"lieu-{number}")
    response = client.get(reverse("web:place_list"), {"commune": "92012"})
    html = response.content.decode()
    assert "Page 1 sur 2" in html
    assert "?commune=92012&amp;page=2" in html
    second = client.get(reverse("web:place_list"), {"commune": "92012", "page": 2})
    assert len(second.context["page"]) == 3


def test_place_page(client, network):
    response = client.get(reverse("web:place_detail", args=["la-ruche-boulogne"]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Open space",
        "4 €",
        "12,50 €",
        "20 €",
        "Salle Seine",
        "09h00 – 12h30, 14h00 – 19h00",
        "Travaux",
        "Fablab",
        "1000 Mbit/s",
        "Accès de plain-pied ou par ascenseur",
        "Exemple fictif",
        "1 place de la Mairie",
    ):
        assert text in html, text


def test_unknown_place_is_404(client, network):
    assert client.get(reverse("web:place_detail", args=["nulle-part"])).status_code == 404


def test_places_geojson_follows_the_filters(client, network):
    data = client.get(reverse("web:places_geojson"), {"commune": "92012"}).json()
    assert {f["properties"]["name"] for f in data["features"]} == {
        "La Ruche Boulogne",
        "Le Projet Boulogne",
    }
    point = data["features"][0]["geometry"]["coordinates"]
    assert 2.1 < point[0] < 2.4 and 48.7 < point[1] < 49.0
    single = client.get(reverse("web:places_geojson"), {"slug": "le-quai"}).json()
    assert [f["properties"]["url"] for f in single["features"]] == ["/lieux/le-quai/"]


def test_territory_geojson(client):
    data = client.get(reverse("web:territory_geojson")).json()
    kinds = [f["properties"]["kind"] for f in data["features"]]
    assert kinds.count("departement") == 1
    assert kinds.count("commune") == 36


def test_pages_answer_head_requests(client, network):
    assert client.head(reverse("web:home")).status_code == 200


def test_search_ignores_accents(client, commune):
    PlaceFactory(commune=commune, name="La Canopée", slug="canopee")
    assert listed_names(client, q="canopee") == ["La Canopée"]
    assert listed_names(client, q="CANOPÉE boulogne") == ["La Canopée"]


def test_invalid_filters_show_no_places(client, network):
    response = client.get(reverse("web:place_list"), {"commune": "99999"})
    assert list(response.context["page"]) == []
    assert "Filtres à corriger" in response.content.decode()
    data = client.get(reverse("web:places_geojson"), {"status": "abandonné"}).json()
    assert data["features"] == []


def test_communes_are_listed_in_french_alphabetical_order(client, territory):
    form = client.get(reverse("web:place_list")).context["filter"].form
    names = [label for _, label in form.fields["commune"].choices][1:]
    assert names.index("Châtenay-Malabry") < names.index("Chaville")
    assert names.index("Sèvres") < names.index("Suresnes")


def test_a_closed_place_says_so(client, network):
    html = client.get(reverse("web:place_detail", args=["ancien"])).content.decode()
    assert "Ce lieu a fermé ses portes" in html
    assert "Ouvert le 1er janvier 2020, aujourd'hui fermé" in html


def test_error_pages_are_in_french(client, manager, other_place):
    missing = client.get("/nulle-part/")
    assert missing.status_code == 404
    assert "Page introuvable" in missing.content.decode()
    client.force_login(manager)
    refused = client.get(reverse("manager:place_managers", args=[other_place.slug]))
    assert refused.status_code == 403
    assert "Accès refusé" in refused.content.decode()


def test_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")


def test_the_menu_leads_managers_to_their_space_and_staff_to_their_pages(
    client, manager, staff_user
):
    admin_link = f'href="{reverse("web:staff_hub")}"'
    space_link = 'href="/gestion/"'
    anonymous = client.get(reverse("web:home")).content.decode()
    assert admin_link not in anonymous
    assert f'href="{reverse("manager:listing_request")}"' in anonymous  # in the footer
    resident = UserFactory(email="ines@exemple.test")
    client.force_login(resident)
    page = client.get(reverse("web:home")).content.decode()
    assert admin_link not in page
    assert space_link not in page
    client.force_login(manager)
    page = client.get(reverse("web:home")).content.decode()
    assert f"{space_link}>Espace gestion</a>" in page
    assert admin_link not in page
    client.force_login(staff_user)
    page = client.get(reverse("web:home")).content.decode()
    assert f"{admin_link}>Département</a>" in page
    assert space_link in page


@pytest.fixture
def around_issy(territory):
    """Places at their communes' centres: Issy-les-Moulineaux, Boulogne-Billancourt and Vanves
    next door (within 5 km of Issy's centre), Nanterre farther."""
    made = {}
    for insee, name in [
        ("92040", "Le Belvédère"),
        ("92012", "La Ruche"),
        ("92075", "L'Atelier"),
        ("92050", "Le Loin"),
    ]:
        made[insee] = PlaceFactory(commune=territory.get(insee_code=insee), name=name)
    return made


def test_a_postal_code_lists_its_commune_first_then_the_nearest(client, around_issy, territory):
    from maillage.places.selectors import distance_m

    response = client.get(reverse("web:place_list"), {"localite": "92130"})
    places = list(response.context["page"])
    assert places[0].name == "Le Belvédère" and places[0].distance_m is None
    issy = territory.get(insee_code="92040")
    others = sorted(
        (distance_m(issy.centroid_lat, issy.centroid_lon, p.latitude, p.longitude), p.name)
        for p in (around_issy["92012"], around_issy["92075"])
    )
    assert [p.name for p in places[1:]] == [name for _, name in others]
    assert all(p.distance_m <= 5000 for p in places[1:])
    html = response.content.decode()
    assert "3 lieux trouvés à Issy-les-Moulineaux et à moins de 5&nbsp;km" in html
    kilometres = f"{others[0][0] / 1000:.1f}".replace(".", ",")
    assert f"à {kilometres}\u00a0km" in html
    geojson = client.get(reverse("web:places_geojson"), {"localite": "92130"}).json()
    assert len(geojson["features"]) == 3


@pytest.mark.parametrize(
    "typed", ["92360", "92 360", "meudon", " MEUDON ", "Issy les moulineaux", "issy", "Issy-les"]
)
def test_a_postal_code_or_a_commune_name_is_understood(client, territory, typed):
    PlaceFactory(commune=territory.get(insee_code="92048"), name="Meudon")
    PlaceFactory(commune=territory.get(insee_code="92040"), name="Issy")
    response = client.get(reverse("web:place_list"), {"localite": typed})
    first = list(response.context["page"])[0].name
    assert first == ("Issy" if "issy" in typed.lower() else "Meudon")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "75001",
            "Code postal ou commune : aucune commune du département n'a le code postal 75001.",
        ),
        (
            "Lyon",
            "Code postal ou commune : aucune commune du département ne s'appelle « Lyon » ; "
            "saisissez un code postal à 5 chiffres ou le nom d'une commune.",
        ),
    ],
)
def test_an_unknown_postal_code_is_explained(client, around_issy, typed, message):
    from tests.pages import text

    response = client.get(reverse("web:place_list"), {"localite": typed})
    assert response.status_code == 200
    assert list(response.context["page"]) == []
    assert message in text(response)
