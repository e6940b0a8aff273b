"""The initial catalogues of services and equipment (staff can extend them in the admin)."""

from django.db.models import Model

SERVICES = {
    "salles-de-reunion": "Salles de réunion",
    "fablab": "Fablab",
    "cafe": "Café",
    "garde-enfants": "Garde d'enfants",
    "impression": "Impression",
    "espace-evenementiel": "Espace événementiel",
    "cuisine-partagee": "Cuisine partagée",
    "domiciliation": "Domiciliation d'entreprise",
    "accompagnement": "Accompagnement à la création d'entreprise",
    "cabines-telephoniques": "Cabines téléphoniques",
    "stationnement-velos": "Stationnement vélos",
    "casiers": "Casiers",
}

EQUIPMENT = {
    "ecran": "Écran",
    "visioconference": "Visioconférence",
    "tableau-blanc": "Tableau blanc",
    "videoprojecteur": "Vidéoprojecteur",
    "imprimante-3d": "Imprimante 3D",
    "decoupeuse-laser": "Découpeuse laser",
    "ecran-au-poste": "Écran au poste",
    "sonorisation": "Sonorisation",
    "kitchenette": "Kitchenette",
}


def seed_catalogue(service_model: type[Model], equipment_model: type[Model]) -> None:
    """Create or rename the catalogue entries (the models passed in: the test database
    starts from them; migration 0002 holds its own frozen copy)."""
    for model, entries in ((service_model, SERVICES), (equipment_model, EQUIPMENT)):
        for slug, name in entries.items():
            model._default_manager.update_or_create(slug=slug, defaults={"name": name})
