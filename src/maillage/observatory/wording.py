"""French sentences shared by the scenario's HTML and PDF reports."""

from maillage.core.text import count, euros, integer


def scenario_summary(new_sites: int, open_places: int) -> str:
    if new_sites:
        opens = f"Ce scénario ouvre {count(new_sites, 'site', 'sites')}"
    else:
        opens = "Ce scénario n'ouvre aucun site"
    if open_places == 0:
        return f"{opens} alors qu'aucun lieu n'est ouvert aujourd'hui."
    if open_places == 1:
        return f"{opens} en plus du lieu ouvert aujourd'hui."
    return f"{opens} en plus des {open_places} lieux ouverts aujourd'hui."


def cost_sentence(total_cents: int, priced: int, unpriced: int) -> str:
    """The estimated cost of a scenario's sites: «Coût estimé des sites : 450 000 €.» when
    every site has one, the total of the known ones and «coût non renseigné pour n sites»
    when some have none, "" without sites."""
    missing = f"coût non renseigné pour {count(unpriced, 'site', 'sites')}"
    if not priced:
        return f"{missing[0].upper()}{missing[1:]}." if unpriced else ""
    total = f"Coût estimé des sites : {euros(total_cents)}"
    if not unpriced:
        return f"{total}."
    return f"{total} pour {count(priced, 'site', 'sites')} ; {missing}."


def cost_cell(total_cents: int, priced: int, unpriced: int) -> str:
    """A scenario's estimated cost in a table's cell: «450 000 €», «300 000 € (1 site sans
    coût renseigné)», «—» when no site has an estimate."""
    total = euros(total_cents) if priced else "—"
    if unpriced:
        return f"{total} ({count(unpriced, 'site', 'sites')} sans coût renseigné)"
    return total


def count_people(value: float) -> str:
    """«12 500 habitants», «1 habitant»: inhabitants rounded to a whole number."""
    whole = round(value)
    return f"{integer(whole)} {'habitant' if whole < 2 else 'habitants'}"
