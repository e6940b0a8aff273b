"""When a manager last asked for an external calendar's import: it runs in the task queue,
in progress until an attempt comes after it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0018_walk_ins"),
    ]

    operations = [
        migrations.AddField(
            model_name="externalcalendar",
            name="import_requested_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="import demandé le"),
        ),
    ]
