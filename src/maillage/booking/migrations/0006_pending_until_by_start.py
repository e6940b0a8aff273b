"""A request's deadline never passes its start: earlier rows are brought to it, then the
database holds the rule."""

from django.db import migrations, models


def clamp(apps, schema_editor):
    Booking = apps.get_model("booking", "Booking")
    Booking.objects.filter(pending_until__gt=models.F("start")).update(
        pending_until=models.F("start")
    )


class Migration(migrations.Migration):
    dependencies = [("booking", "0005_booking_emails")]

    operations = [
        migrations.RunPython(clamp, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="booking",
            constraint=models.CheckConstraint(
                condition=models.Q(pending_until__isnull=True)
                | models.Q(pending_until__lte=models.F("start")),
                name="booking_pending_until_by_start",
            ),
        ),
    ]
