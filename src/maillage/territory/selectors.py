"""Reads of the territory: which communes a person means by what they type."""

import re

from maillage.core.text import fold
from maillage.territory.models import Commune

POSTAL_CODE = re.compile(r"\d{5}")


def _comparable(name: str) -> str:
    """A commune's name as typed any way: no case, accents, hyphens or apostrophes."""
    return " ".join(re.sub(r"[-'’]", " ", fold(name)).split())


# The fewest characters a start of a name must have to name communes («Boulogne», «issy»).
NAME_START_MIN = 3


def communes_meant(text: str, departement: str) -> list[Commune]:
    """The communes of the département `departement` (code) that `text` names: a 5-digit
    postal code («92130», «92 130») gives every commune it serves; anything else a commune's
    name compared without case, accents, hyphens or apostrophes («issy les moulineaux»), or,
    when no name is exactly that, every commune whose name starts with it as whole words
    («Boulogne» for Boulogne-Billancourt; NAME_START_MIN characters at least). By name;
    empty when none."""
    text = text.strip()
    communes = Commune.objects.of_departement(departement).defer("geometry").order_by("name")
    code = "".join(text.split())
    if POSTAL_CODE.fullmatch(code):
        return [
            c
            for c in communes.filter(postal_codes__contains=code)
            if code in c.postal_codes.split()
        ]
    wanted = _comparable(text)
    named = [(c, _comparable(c.name)) for c in communes]
    exact = [c for c, name in named if name == wanted]
    if exact or len(wanted) < NAME_START_MIN:
        return exact
    return [c for c, name in named if name.startswith(wanted + " ")]
