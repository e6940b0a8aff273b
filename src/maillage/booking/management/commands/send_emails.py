import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from maillage.booking.notifications import deliver_pending
from maillage.core.arguments import NumberIn


class Command(BaseCommand):
    help = "Envoie les courriels de réservation en attente (une fois, ou en continu avec --every)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every",
            type=NumberIn(0, 24 * 3600, above_low=True),
            help="recommencer toutes les N secondes, jusqu'à interruption",
        )

    def handle(self, *args: Any, every: float | None, **options: Any) -> None:
        while True:
            sent = deliver_pending()
            if sent or not every:
                self.stdout.write(f"{sent} courriel(s) envoyé(s).")
            if not every:
                return
            time.sleep(every)
