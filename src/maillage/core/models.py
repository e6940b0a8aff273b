"""Shared tables: the email outbox and the scheduler's claimed slots."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from maillage.core.validators import MultiLine, SingleLine, between

SMALL_COUNTER_MAX = 32767


class OutboundEmail(models.Model):
    """An email to deliver, queued in the same transaction as the change it tells of and
    sent by the task worker (`core.outbox`): a slow or failing mail server never slows a
    request, and no email is lost or sent for a change that was rolled back.

    `topic` names the renderer that builds the message at delivery time from the database
    as it is then (registered by the app that queued it); `context` holds that renderer's
    arguments (ids, paths; never a secret: links with tokens are made at delivery).
    A message failing MAX_ATTEMPTS times is marked failed (`failed_at`, `last_error`)."""

    topic = models.CharField("sujet", max_length=40, validators=[SingleLine("Le sujet")])
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="compte",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    address = models.EmailField("adresse")
    context = models.JSONField("paramètres", default=dict, blank=True)
    created_at = models.DateTimeField("créé le")
    next_attempt_at = models.DateTimeField("prochain essai le")
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)
    failed_at = models.DateTimeField("abandonné le", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(
        "tentatives", default=0, validators=between(0, SMALL_COUNTER_MAX, "Le nombre de tentatives")
    )
    last_error = models.TextField(
        "dernière erreur", blank=True, validators=[MultiLine("La dernière erreur")]
    )

    class Meta:
        verbose_name = "courriel"
        verbose_name_plural = "courriels"
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(sent_at__isnull=True, failed_at__isnull=True),
                name="core_email_due",
            ),
            models.Index(fields=["address", "created_at"], name="core_email_address"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} n° {self.pk}"


class ScheduledRun(models.Model):
    """A periodic task's slot, claimed by the scheduler that enqueued it (`core.schedule`):
    the unique pair makes a second scheduler's claim fail, so each slot runs once."""

    task_name = models.CharField("tâche", max_length=200, validators=[SingleLine("La tâche")])
    slot = models.DateTimeField("créneau")
    enqueued_at = models.DateTimeField("mise en file le")

    class Meta:
        verbose_name = "exécution planifiée"
        verbose_name_plural = "exécutions planifiées"
        constraints = [
            models.UniqueConstraint(fields=["task_name", "slot"], name="core_scheduled_run_once")
        ]

    def __str__(self) -> str:
        return f"{self.task_name} @ {timezone.localtime(self.slot):%Y-%m-%d %H:%M}"


BIGINT_MAX = 2**63 - 1


def feed_modified_field() -> "models.BigIntegerField[int, int]":
    """The `feed_modified` column of a change feed's table: set by the database's triggers
    (core.feed_clock) on every insert and update, never by the application."""
    return models.BigIntegerField(
        "numéro de modification",
        editable=False,
        default=0,
        db_default=0,
        validators=between(0, BIGINT_MAX, "Le numéro de modification"),
    )


class FeedTombstone(models.Model):
    """A deleted item of a change feed, kept for feed readers (RPDE's «deleted» items): the
    triggers of core.feed_clock write it when a feed table's row is deleted, stamped like a
    change. Kept TOMBSTONE_KEEP (at least the 7 days RPDE asks), then purged."""

    feed = models.CharField("flux", max_length=20, validators=[SingleLine("Le flux")])
    item_id = models.BigIntegerField(
        "identifiant", validators=between(1, BIGINT_MAX, "L'identifiant")
    )
    modified = models.BigIntegerField(
        "numéro de modification", validators=between(0, BIGINT_MAX, "Le numéro de modification")
    )
    deleted_at = models.DateTimeField("supprimé le")

    class Meta:
        verbose_name = "élément supprimé d'un flux"
        verbose_name_plural = "éléments supprimés des flux"
        indexes = [
            models.Index(fields=["feed", "modified", "item_id"], name="core_tombstone_feed_order")
        ]

    def __str__(self) -> str:
        return f"{self.feed} n° {self.item_id} (supprimé)"


class FeedSweep(models.Model):
    """Until when a sweep restamping feed items whose data changes with time alone (a place
    opening, a closure ending, an event's registration opening) has run (core.feed_sweeps)."""

    name = models.CharField(
        "balayage", max_length=60, unique=True, validators=[SingleLine("Le nom")]
    )
    swept_until = models.DateTimeField("balayé jusqu'au")

    class Meta:
        verbose_name = "balayage des flux"
        verbose_name_plural = "balayages des flux"

    def __str__(self) -> str:
        return f"{self.name} jusqu'au {timezone.localtime(self.swept_until):%d/%m/%Y %H:%M}"
