"""The directory's first themes (what members offer and seek); staff add more later."""

from django.db import migrations

TAGS = [
    ("salle-de-reunion", "Salle de réunion"),
    ("mentorat", "Mentorat"),
    ("materiel", "Matériel"),
    ("financement", "Financement"),
    ("partenariat", "Partenariat"),
    ("formation", "Formation"),
    ("communication", "Communication"),
    ("benevolat", "Bénévolat"),
]


def seed(apps, schema_editor):
    tag = apps.get_model("community", "Tag")
    for slug, name in TAGS:
        tag.objects.get_or_create(slug=slug, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("community", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
