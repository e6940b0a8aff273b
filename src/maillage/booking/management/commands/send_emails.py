import time

from django.core.management.base import BaseCommand

from maillage.booking.notifications import deliver_pending


class Command(BaseCommand):
    help = "Envoie les courriels de réservation en attente (une fois, ou en continu avec --every)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--every", type=float, help="recommencer toutes les N secondes, jusqu'à interruption"
        )

    def handle(self, *args, every: float | None, **options):
        while True:
            sent = deliver_pending()
            if sent or not every:
                self.stdout.write(f"{sent} courriel(s) envoyé(s).")
            if not every:
                return
            time.sleep(every)
