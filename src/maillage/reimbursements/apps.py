from datetime import timedelta

from django.apps import AppConfig


class ReimbursementsConfig(AppConfig):
    """What programmes and employers owe the places, month by month: frozen, numbered
    statements (relevés de remboursement) and the staff's budget dashboard."""

    name = "maillage.reimbursements"
    verbose_name = "Remboursements"

    def ready(self) -> None:
        # Imported here, not on top: this module is read before any model is loaded.
        from maillage.core import schedule  # noqa: PLC0415
        from maillage.reimbursements import tasks  # noqa: PLC0415

        # Every day at 02:30 UTC (03:30 or 04:30 in Paris): on the first of a month it issues
        # the month before; on a later day it catches up a first missed while no scheduler ran.
        schedule.every(
            timedelta(days=1), tasks.issue_closed_months, offset=timedelta(hours=2, minutes=30)
        )
