"""The access log records what staff did (saw or decided), not the page they were on."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("eligibility", "0003_one_child_profile_per_child"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="statusaccess", name="eligibility_access_page_known"
        ),
        migrations.RenameField(model_name="statusaccess", old_name="page", new_name="action"),
        migrations.AlterField(
            model_name="statusaccess",
            name="action",
            field=models.CharField(
                choices=[
                    ("list", "a vu la demande dans la liste des demandes"),
                    ("decision", "a consulté la demande"),
                    ("proof", "a ouvert le justificatif"),
                    ("verified", "a vérifié le statut"),
                    ("refused", "a refusé la demande"),
                    ("granted", "a accordé le statut"),
                ],
                max_length=12,
                verbose_name="quoi",
            ),
        ),
        migrations.AlterField(
            model_name="statusaccess",
            name="viewer",
            field=models.ForeignKey(
                null=True,
                on_delete=models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="par",
            ),
        ),
        migrations.AddConstraint(
            model_name="statusaccess",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("action__in", ["list", "decision", "proof", "verified", "refused", "granted"])
                ),
                name="eligibility_access_action_known",
            ),
        ),
    ]
