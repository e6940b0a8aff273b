"""Which communes a person means by what they type in «Code postal ou commune»."""

import pytest

from maillage.territory.selectors import communes_meant


@pytest.mark.parametrize(
    ("typed", "names"),
    [
        ("92100", ["Boulogne-Billancourt"]),
        ("92 100", ["Boulogne-Billancourt"]),
        ("boulogne billancourt", ["Boulogne-Billancourt"]),
        ("Boulogne", ["Boulogne-Billancourt"]),
        ("levallois", ["Levallois-Perret"]),
        ("Issy-les", ["Issy-les-Moulineaux"]),
        ("Sceaux", ["Sceaux"]),  # a whole name is that commune only
        ("Bou", []),  # a start of a word names nothing
        ("Is", []),
        ("75001", []),
        ("Lyon", []),
    ],
)
def test_a_commune_is_found_by_its_postal_code_its_name_or_its_first_words(territory, typed, names):
    assert [c.name for c in communes_meant(typed, "92")] == names
