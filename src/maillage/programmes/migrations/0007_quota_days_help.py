"""The quota's days say the civil service's limit (3 a week for public agents)."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0006_programme_terms"),
    ]

    operations = [
        migrations.AlterField(
            model_name="programme",
            name="quota_days",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text=(
                    "Pour des agents publics : 3 jours par semaine au plus (décret n° 2016-151)."
                    " Une entreprise fixe le sien."
                ),
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(
                        1, "Le nombre de jours du quota doit être entre 1 et 31."
                    ),
                    django.core.validators.MaxValueValidator(
                        31, "Le nombre de jours du quota doit être entre 1 et 31."
                    ),
                ],
                verbose_name="jours du quota",
            ),
        ),
    ]
