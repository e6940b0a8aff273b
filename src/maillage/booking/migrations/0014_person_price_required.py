"""What the person pays of a booking has no default: a booking written without it would read
as paid by someone."""

import django.core.validators
import maillage.core.money
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0013_booking_person_price"),
    ]

    operations = [
        migrations.AlterField(
            model_name="booking",
            name="person_price_cents",
            field=maillage.core.money.CentsField(
                validators=[
                    django.core.validators.MinValueValidator(
                        0,
                        "Le prix payé par la personne doit être entre 0 et "
                        "10\u202f000\u202f000\xa0€.",
                    ),
                    django.core.validators.MaxValueValidator(
                        1000000000,
                        "Le prix payé par la personne doit être entre 0 et "
                        "10\u202f000\u202f000\xa0€.",
                    ),
                ],
                verbose_name="prix payé par la personne (€)",
            ),
        ),
    ]
