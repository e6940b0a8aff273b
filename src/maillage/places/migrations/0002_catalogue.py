from django.db import migrations

# The catalogues as they were when this migration was written (frozen: maillage.places.catalogue
# may change; a later migration changes the rows).
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


def seed(apps, schema_editor):
    for model, entries in (("Service", SERVICES), ("Equipment", EQUIPMENT)):
        for slug, name in entries.items():
            apps.get_model("places", model).objects.update_or_create(
                slug=slug, defaults={"name": name}
            )


class Migration(migrations.Migration):
    dependencies = [("places", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
