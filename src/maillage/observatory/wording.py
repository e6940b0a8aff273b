"""French sentences shared by the scenario's HTML and PDF reports."""

from maillage.core.text import count


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
