"""What the person pays of a booking's price (the rest is paid by programmes): existing
bookings were paid in full by their person."""

import django.core.validators
import maillage.core.money
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0012_pending_has_deadline"),
    ]

    operations = [
        migrations.AddField(
            model_name="booking",
            name="person_price_cents",
            field=maillage.core.money.CentsField(
                default=0,
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
        migrations.RunSQL(
            "UPDATE booking_booking SET person_price_cents = price_cents",
            migrations.RunSQL.noop,
        ),
        migrations.AddConstraint(
            model_name="booking",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("person_price_cents__gte", 0),
                    ("person_price_cents__lte", models.F("price_cents")),
                ),
                name="booking_person_price_within_price",
            ),
        ),
    ]
