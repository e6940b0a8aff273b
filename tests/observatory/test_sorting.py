"""The communes table's order: any column either way, the worst-served first by default."""

import re

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from maillage.observatory.analysis import THRESHOLDS_MINUTES, AreaFigures
from maillage.observatory.sorting import choices, columns, default_sort, headings, sort_areas


def area(name, share, mean=10.0, population=1000.0, places=0, seats=0):
    return AreaFigures(
        code=name,
        name=name,
        population=population,
        share_within=dict.fromkeys(THRESHOLDS_MINUTES, share),
        mean_minutes=mean,
        places=places,
        seats=seats,
    )


def test_the_worst_served_come_first_ties_by_mean_time_and_the_unpopulated_last():
    areas = [
        area("Bien", 0.9),
        area("Vide", 0.0, mean=float("inf"), population=0.0),
        area("Loin", 0.2, mean=40.0),
        area("Près", 0.2, mean=12.0),
        area("Isolée", 0.0, mean=float("inf")),
    ]
    ordered = sort_areas(areas, default_sort(15), 15)
    assert [a.name for a in ordered] == ["Isolée", "Loin", "Près", "Bien", "Vide"]


def test_a_column_sorts_both_ways_by_folded_name():
    areas = [area("Écouen", 0.5), area("Antony", 0.5), area("Bagneux", 0.5)]
    assert [a.name for a in sort_areas(areas, "nom", 15)] == ["Antony", "Bagneux", "Écouen"]
    assert [a.name for a in sort_areas(areas, "-nom", 15)] == ["Écouen", "Bagneux", "Antony"]


figures = st.builds(
    area,
    name=st.text("abcdé", min_size=1, max_size=4),
    share=st.floats(0, 1),
    mean=st.floats(0, 120) | st.just(float("inf")),
    population=st.floats(0, 1e5),
    places=st.integers(0, 5),
    seats=st.integers(0, 200),
)


@given(st.lists(figures, max_size=12), st.sampled_from([value for value, _ in choices()]))
def test_every_sort_is_a_permutation_ordered_by_its_column(areas, sort):
    ordered = sort_areas(areas, sort, 15)
    assert sorted(map(id, ordered)) == sorted(map(id, areas))
    column = next(c for c in columns("") if c.key == sort.removeprefix("-"))
    populated = [column.value(a) for a in ordered if a.population > 0]
    assert populated == sorted(populated, reverse=sort.startswith("-"))
    assert all(a.population <= 0 for a in ordered[len(populated) :])


def test_a_heading_states_its_order_and_its_link_reverses_it():
    shown = {h.label: h for h in headings("Commune", "-habitants", THRESHOLDS_MINUTES)}
    assert shown["Habitants"].aria_sort == "descending"
    assert shown["Habitants"].link_sort == "habitants"
    assert shown["Habitants"].action == "trier par ordre croissant"
    assert shown["Commune"].aria_sort == "" and shown["Commune"].link_sort == "nom"
    assert shown["Temps d'accès moyen"].link_sort == "-temps"  # longest first on a first click


@pytest.mark.django_db
def test_the_public_table_is_worst_served_first_and_sorts_by_any_column(client, open_network):
    page = client.get(reverse("observatory:public"))
    communes = page.context["communes"]
    shares = [c.share_within[15] for c in communes if c.population > 0]
    assert shares == sorted(shares)
    html = page.content.decode()
    assert re.search(
        r'<th scope="col" aria-sort="ascending"><a class="sort-link" '
        r'href="\?seuil=15&amp;tri=-part-15#communes-titre">À 15 min',
        html,
    )
    assert html.count("aria-sort=") == 1

    by_name = client.get(reverse("observatory:public"), {"seuil": "10", "tri": "-nom"})
    names = [c.name for c in by_name.context["communes"]]
    assert names[0] == "Villeneuve-la-Garenne" and names[-1] == "Antony"
    assert 'aria-sort="descending"' in by_name.content.decode()
    assert "seuil=10&amp;tri=nom#communes-titre" in by_name.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["population", "-", "part-12", "nom;drop", "\x00"])
def test_an_unknown_sort_is_named_and_the_default_order_shown(client, open_network, sort):
    page = client.get(reverse("observatory:public"), {"tri": sort})
    assert page.status_code == 200
    assert "« Tri » : choisissez une colonne du tableau des communes." in page.content.decode()
    default = client.get(reverse("observatory:public"))
    assert [c.code for c in page.context["communes"]] == [
        c.code for c in default.context["communes"]
    ]
