import maillage.core.validators
from django.db import migrations, models


def fold_first_names(apps, schema_editor):
    ChildProfile = apps.get_model("eligibility", "ChildProfile")
    for child in ChildProfile.objects.all():
        ChildProfile.objects.filter(pk=child.pk).update(first_name_key=child.first_name.casefold())


class Migration(migrations.Migration):
    dependencies = [("eligibility", "0002_seed_categories_and_groups")]

    operations = [
        migrations.AddField(
            model_name="childprofile",
            name="first_name_key",
            field=models.CharField(
                default="",
                editable=False,
                max_length=150,
                validators=[maillage.core.validators.SingleLine("Le prénom")],
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fold_first_names, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="childprofile",
            constraint=models.UniqueConstraint(
                fields=("parent", "first_name_key", "birth_year"),
                name="eligibility_child_once_per_parent",
            ),
        ),
    ]
