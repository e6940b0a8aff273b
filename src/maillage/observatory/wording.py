"""French sentences shared by the scenario's HTML and PDF reports."""


def count(number: int, singular: str, plural: str) -> str:
    """«1 site», «3 sites»: in French, 0 and 1 take the singular."""
    return f"{number} {singular if abs(number) < 2 else plural}"


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
