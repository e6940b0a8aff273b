"""French wording of the back-office's page titles where Django's translation reads badly.

Django builds the titles from a model's verbose name («Modification de %s»), which gives
«Modification de espace» or «Ajout de utilisateur»: neither elided nor agreeing in gender.
`admin_title` rewrites them into forms correct for any noun: «Modifier : espace».
"""

import re

from django import template

register = template.Library()

# Django's French titles (django/contrib/admin/locale/fr) and their rewriting.
_TITLES = [
    (re.compile(r"Ajout de (?P<name>.+)"), "Ajouter : {name}"),
    (re.compile(r"Modification de (?P<name>.+)"), "Modifier : {name}"),
    (re.compile(r"Affichage de (?P<name>.+)"), "Consulter : {name}"),
    (re.compile(r"Sélectionnez l’objet (?P<name>.+) à changer"), "Choisir : {name} à modifier"),
    (re.compile(r"Sélectionnez l’objet (?P<name>.+) à afficher"), "Choisir : {name} à consulter"),
]


@register.filter
def admin_title(title: str) -> str:
    """A back-office page title in correct French («Modification de espace» → «Modifier :
    espace»); any other title unchanged."""
    for pattern, wording in _TITLES:
        match = pattern.fullmatch(str(title))
        if match:
            return wording.format(name=match["name"])
    return str(title)
