from django.db import migrations

from maillage.places.catalogue import seed_catalogue


def seed(apps, schema_editor):
    seed_catalogue(apps.get_model("places", "Service"), apps.get_model("places", "Equipment"))


class Migration(migrations.Migration):
    dependencies = [("places", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
