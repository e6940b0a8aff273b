"""Booking emails move into core's outbox: each queued row becomes an OutboundEmail (its
delivery state) with the BookingEmail saying what it tells of. Rows that failed their last
allowed attempt (5) become failed; the code below uses only historical models."""

import django.db.models.deletion
from django.db import migrations, models

GAVE_UP_AFTER = 5  # the former notifications.MAX_ATTEMPTS


def into_outbox(apps, schema_editor):
    BookingEmail = apps.get_model("booking", "BookingEmail")
    OutboundEmail = apps.get_model("core", "OutboundEmail")
    for email in BookingEmail.objects.select_related("user").iterator():
        unsent = email.sent_at is None
        email.outbound = OutboundEmail.objects.create(
            topic="booking",
            user_id=email.user_id,
            address=email.user.email,
            context={},
            created_at=email.created_at,
            next_attempt_at=email.created_at,
            sent_at=email.sent_at,
            failed_at=email.created_at if unsent and email.attempts >= GAVE_UP_AFTER else None,
            attempts=email.attempts,
            last_error=email.last_error,
        )
        email.save(update_fields=["outbound"])


def out_of_outbox(apps, schema_editor):
    BookingEmail = apps.get_model("booking", "BookingEmail")
    for email in BookingEmail.objects.select_related("outbound").iterator():
        outbound = email.outbound
        email.user_id = outbound.user_id
        email.created_at = outbound.created_at
        email.sent_at = outbound.sent_at
        email.attempts = outbound.attempts
        email.last_error = outbound.last_error
        email.save(update_fields=["user", "created_at", "sent_at", "attempts", "last_error"])


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0009_field_rules"),
        ("core", "0001_outbox_and_schedule"),
    ]

    operations = [
        migrations.AddField(
            model_name="bookingemail",
            name="outbound",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="booking_email",
                to="core.outboundemail",
            ),
        ),
        # Reversible: the old columns stay until the rows are copied (and come back first).
        migrations.AlterField(
            model_name="bookingemail",
            name="created_at",
            field=models.DateTimeField(null=True, verbose_name="créé le"),
        ),
        migrations.AlterField(
            model_name="bookingemail",
            name="user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.user",
            ),
        ),
        migrations.RunPython(into_outbox, out_of_outbox),
        migrations.RemoveIndex(model_name="bookingemail", name="booking_email_unsent"),
        migrations.RemoveField(model_name="bookingemail", name="attempts"),
        migrations.RemoveField(model_name="bookingemail", name="created_at"),
        migrations.RemoveField(model_name="bookingemail", name="last_error"),
        migrations.RemoveField(model_name="bookingemail", name="sent_at"),
        migrations.RemoveField(model_name="bookingemail", name="user"),
        migrations.AlterField(
            model_name="bookingemail",
            name="outbound",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="booking_email",
                to="core.outboundemail",
            ),
        ),
    ]
