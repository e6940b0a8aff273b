"""A place's booking terms are edited in the back-office, within ranges."""

import django.core.validators
from django.db import migrations, models


def bring_into_range(apps, schema_editor):
    """Terms set out of range before the rule existed take its nearest bound."""
    Place = apps.get_model("places", "Place")
    Place.objects.filter(approval_delay_hours__lt=1).update(approval_delay_hours=1)
    Place.objects.filter(approval_delay_hours__gt=336).update(approval_delay_hours=336)
    Place.objects.filter(cancellation_notice_hours__gt=720).update(cancellation_notice_hours=720)


class Migration(migrations.Migration):

    dependencies = [
        ('places', '0005_place_photos'),
    ]

    operations = [
        migrations.RunPython(bring_into_range, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='place',
            name='approval_delay_hours',
            field=models.PositiveSmallIntegerField(default=48, help_text='De 1 à 336 heures. Une réservation non validée dans ce délai, ou au plus tard à son début, expire et libère le créneau.', validators=[django.core.validators.MinValueValidator(1, "Le délai de validation est d'au moins 1 heure."), django.core.validators.MaxValueValidator(336, "Le délai de validation est d'au plus 336 heures (14 jours).")], verbose_name='délai de validation (heures)'),
        ),
        migrations.AlterField(
            model_name='place',
            name='cancellation_notice_hours',
            field=models.PositiveSmallIntegerField(default=24, help_text='De 0 à 720 heures. Jusque-là, la personne annule elle-même une réservation confirmée ; ensuite, elle contacte le lieu.', validators=[django.core.validators.MinValueValidator(0, "Le préavis d'annulation ne peut pas être négatif."), django.core.validators.MaxValueValidator(720, "Le préavis d'annulation est d'au plus 720 heures (30 jours).")], verbose_name="annulation possible jusqu'à (heures avant le début)"),
        ),
        migrations.AlterField(
            model_name='place',
            name='requires_approval',
            field=models.BooleanField(default=False, help_text="Cochée : chaque réservation attend l'accord d'un gestionnaire du lieu. Sinon, les réservations sont confirmées immédiatement.", verbose_name='réservations validées par un gestionnaire'),
        ),
        migrations.AddConstraint(
            model_name='place',
            constraint=models.CheckConstraint(condition=models.Q(('approval_delay_hours__gte', 1), ('approval_delay_hours__lte', 336)), name='place_approval_delay_in_range', violation_error_message='Le délai de validation va de 1 à 336 heures.'),
        ),
        migrations.AddConstraint(
            model_name='place',
            constraint=models.CheckConstraint(condition=models.Q(('cancellation_notice_hours__lte', 720)), name='place_cancellation_notice_in_range', violation_error_message="Le préavis d'annulation va de 0 à 720 heures."),
        ),
    ]
