"""The append-only history of booking changes (BookingEvent), with database triggers that
refuse any UPDATE or DELETE of its rows on PostgreSQL and SQLite, whatever writes them
(the ORM, raw SQL, the admin, a shell). Row triggers: PostgreSQL's TRUNCATE (what Django's
test flush uses there) is a table owner's operation they do not see. Existing bookings start
their history here: what happened before was not recorded and is not invented."""

import django.db.models.deletion
import maillage.core.validators
from django.conf import settings
from django.db import migrations, models


APPEND_ONLY = "booking_bookingevent is append-only: its rows are never updated nor deleted"

CREATE = {
    "postgresql": [
        f"""
        CREATE OR REPLACE FUNCTION booking_bookingevent_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '{APPEND_ONLY}' USING ERRCODE = 'restrict_violation';
        END;
        $$;
        """,
        """
        CREATE TRIGGER booking_bookingevent_append_only
        BEFORE UPDATE OR DELETE ON booking_bookingevent
        FOR EACH ROW EXECUTE FUNCTION booking_bookingevent_append_only();
        """,
    ],
    "sqlite": [
        f"""
        CREATE TRIGGER booking_bookingevent_no_update BEFORE UPDATE ON booking_bookingevent
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END;
        """,
        f"""
        CREATE TRIGGER booking_bookingevent_no_delete BEFORE DELETE ON booking_bookingevent
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END;
        """,
    ],
}
DROP = {
    "postgresql": [
        "DROP TRIGGER IF EXISTS booking_bookingevent_append_only ON booking_bookingevent;",
        "DROP FUNCTION IF EXISTS booking_bookingevent_append_only();",
    ],
    "sqlite": [
        "DROP TRIGGER IF EXISTS booking_bookingevent_no_update;",
        "DROP TRIGGER IF EXISTS booking_bookingevent_no_delete;",
    ],
}


def create_triggers(apps, schema_editor):
    for sql in CREATE.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def drop_triggers(apps, schema_editor):
    for sql in DROP.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0010_email_in_core_outbox"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="BookingEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "from_status",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("pending", "En attente de validation"),
                            ("confirmed", "Confirmée"),
                            ("checked_in", "Présence constatée"),
                            ("no_show", "Absence constatée"),
                            ("cancelled", "Annulée"),
                            ("refused", "Refusée"),
                            ("expired", "Expirée"),
                        ],
                        max_length=12,
                        null=True,
                        verbose_name="statut avant",
                    ),
                ),
                (
                    "to_status",
                    models.CharField(
                        choices=[
                            ("pending", "En attente de validation"),
                            ("confirmed", "Confirmée"),
                            ("checked_in", "Présence constatée"),
                            ("no_show", "Absence constatée"),
                            ("cancelled", "Annulée"),
                            ("refused", "Refusée"),
                            ("expired", "Expirée"),
                        ],
                        max_length=12,
                        verbose_name="statut après",
                    ),
                ),
                (
                    "reason",
                    models.CharField(
                        blank=True,
                        max_length=300,
                        validators=[maillage.core.validators.SingleLine("Le motif")],
                        verbose_name="motif",
                    ),
                ),
                (
                    "channel",
                    models.CharField(
                        choices=[
                            ("page", "site"),
                            ("api", "API"),
                            ("back_office", "back-office"),
                            ("command", "commande"),
                        ],
                        max_length=12,
                        verbose_name="canal",
                    ),
                ),
                ("at", models.DateTimeField(verbose_name="le")),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="fait par",
                    ),
                ),
                (
                    "booking",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="events",
                        to="booking.booking",
                        verbose_name="réservation",
                    ),
                ),
            ],
            options={
                "verbose_name": "changement de réservation",
                "verbose_name_plural": "historique des réservations",
                "ordering": ["booking", "id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "to_status__in",
                                [
                                    "pending",
                                    "confirmed",
                                    "checked_in",
                                    "no_show",
                                    "cancelled",
                                    "refused",
                                    "expired",
                                ],
                            )
                        ),
                        name="booking_event_to_known",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("from_status__isnull", True),
                                ("to_status__in", ["pending", "confirmed"]),
                            ),
                            models.Q(
                                (
                                    "from_status__in",
                                    [
                                        "pending",
                                        "confirmed",
                                        "checked_in",
                                        "no_show",
                                        "cancelled",
                                        "refused",
                                        "expired",
                                    ],
                                ),
                                models.Q(("from_status", models.F("to_status")), _negated=True),
                            ),
                            _connector="OR",
                        ),
                        name="booking_event_from_known",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("channel__in", ["page", "api", "back_office", "command"])
                        ),
                        name="booking_event_channel_known",
                    ),
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
